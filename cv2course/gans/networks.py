"""The DCGAN networks' old module name; they live in :mod:`cv2course.gans.dcgan_networks`."""
from cv2course.gans.dcgan_networks import *  # noqa: F401,F403
