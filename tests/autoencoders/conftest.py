import pytest
import tensorflow as tf


@pytest.fixture
def mirrored():
    """MirroredStrategy over the two logical CPUs, reducing through one device.

    The default cross-device ops on logical CPUs are collective ops whose instance keys
    restart for every new MirroredStrategy in a process; a later strategy then hits
    "Shape mismatch in the collective instance" against an earlier test's cached shapes.
    ReductionToOneDevice has no such cache, so each test may build its own strategy.
    """
    return tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"], cross_device_ops=tf.distribute.ReductionToOneDevice())
