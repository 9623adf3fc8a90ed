"""Test setup: offline, quick mode, a private data folder, and two logical CPU devices.

The two logical CPUs let tests compare a training step under MirroredStrategy with one
device; they must be configured before TensorFlow initialises, hence here.
"""
import os
import tempfile

os.environ.setdefault("CV2COURSE_QUICK", "1")
os.environ["CV2COURSE_OFFLINE"] = "1"
os.environ.setdefault("CV2COURSE_DATA", tempfile.mkdtemp(prefix="cv2course-test-data-"))
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ["CV2COURSE_LANG"] = "en"  # messages in English unless a test asks for another language

import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

_cpus = tf.config.list_physical_devices("CPU")
tf.config.set_logical_device_configuration(
    _cpus[0], [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()])


@pytest.fixture
def mirrored_strategy():
    """The shared MirroredStrategy over two logical CPU devices (see tests/distributed.py)."""
    from tests.distributed import mirrored_strategy as shared

    return shared()


@pytest.fixture
def seeded():
    from cv2course.settings import set_seed

    set_seed(0)
    return 0


@pytest.fixture(scope="session")
def executed_notebooks(tmp_path_factory):
    """A folder where the notebook tests leave their executed copies (``NAME.ipynb``, ``es/NAME.ipynb``,
    ``exercises/...``), so that the course-site test builds from them instead of executing again."""
    return tmp_path_factory.mktemp("executed-notebooks")


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A test that switched the language (``--lang``, ``set_language``, a notebook's install cell run
    in-process) does not leave it switched for the next."""
    yield
    from cv2course import i18n

    i18n._chosen = None
    os.environ["CV2COURSE_LANG"] = "en"
