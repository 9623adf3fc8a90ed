import time

import pytest

from cv2course.data import tfds_images
from cv2course.data.tfds import downloads_allowed


def test_unknown_dataset_is_named():
    with pytest.raises(ValueError, match="unknown dataset 'imagenet42'"):
        tfds_images("imagenet42")


def test_missing_dataset_offline_fails_fast_with_the_fix(tmp_path):
    assert not downloads_allowed()  # conftest sets CV2COURSE_OFFLINE=1 and quick mode
    t0 = time.perf_counter()
    with pytest.raises(FileNotFoundError) as err:
        tfds_images("mnist", data_dir=tmp_path)
    assert time.perf_counter() - t0 < 30
    msg = str(err.value)
    assert "'mnist'" in msg and str(tmp_path) in msg and "download_and_prepare" in msg
