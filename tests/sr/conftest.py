import pytest
import tensorflow as tf


@pytest.fixture
def mirrored():
    """MirroredStrategy over the two logical CPUs, reducing through one device.

    The root conftest's ``mirrored_strategy`` uses collective ops, whose instance keys restart
    with every new strategy in a process, so a second parity test fails with "Shape mismatch
    in the collective instance"; ReductionToOneDevice has no such cache.
    """
    return tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"], cross_device_ops=tf.distribute.ReductionToOneDevice())
