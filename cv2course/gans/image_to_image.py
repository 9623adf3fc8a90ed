"""The CycleGAN networks' old module name; they live in :mod:`cv2course.gans.cyclegan_networks`."""
from cv2course.gans.cyclegan_networks import *  # noqa: F401,F403
