"""finish_pipeline: the one last stage of the package's tf.data pipelines (issue 17: no fit-end wait)."""
import numpy as np
import pytest
import tensorflow as tf

from cv2course.data import digits
from cv2course.data.pipelines import finish_pipeline


def test_finish_pipeline_turns_autotuning_off_and_keeps_the_elements():
    raw = tf.data.Dataset.range(10).batch(4)
    assert raw.options().autotune.enabled is not False  # TensorFlow's default: on
    ds = finish_pipeline(raw)
    assert ds.options().autotune.enabled is False
    # the option holds for stages a user adds afterwards
    assert ds.map(lambda x: x + 1).unbatch().options().autotune.enabled is False
    assert [b.tolist() for b in ds.as_numpy_iterator()] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert finish_pipeline(raw, prefetch=tf.data.AUTOTUNE, autotune=True).options().autotune.enabled is True


def test_digits_dataset_is_finished_by_it():
    ds = digits(size=8, split="test", as_dataset=True, batch_size=50)
    assert ds.options().autotune.enabled is False
    labels = np.concatenate([y for _, y in ds.as_numpy_iterator()])
    assert np.bincount(labels).tolist() == [30] * 10  # 300 test digits, 6 full batches


@pytest.mark.parametrize("ds, prefetch, error", [([1, 2], 2, TypeError), (None, 0, ValueError),
                                                 (None, 1.5, ValueError), (None, True, ValueError)])
def test_bad_arguments(ds, prefetch, error):
    with pytest.raises(error, match="ds must" if error is TypeError else "prefetch"):
        finish_pipeline(tf.data.Dataset.range(3) if ds is None else ds, prefetch=prefetch)


def test_every_training_pipeline_of_the_package_is_finished_by_it():
    from cv2course.gans.sampling import critic_batches
    from cv2course.gans.sgan_data import semi_supervised_dataset
    from cv2course.gans.unpaired import unpaired_dataset
    from cv2course.sr.data import PatchPairs

    images = np.random.default_rng(0).uniform(size=(16, 8, 8, 1)).astype(np.float32)
    labels = np.arange(16) % 10
    rgb = np.random.default_rng(1).uniform(size=(2, 24, 24, 3)).astype(np.float32)
    pipelines = {
        "critic_batches": critic_batches(images, batch_size=4, steps=2),
        "semi_supervised_dataset": semi_supervised_dataset(images[:8], labels[:8], images, batch_size=4),
        "unpaired_dataset": unpaired_dataset(images, images, batch_size=4),
        "PatchPairs.dataset": PatchPairs([rgb[0], rgb[1]], scale=2, patch_size=8).dataset(batch_size=2),
    }
    unfinished = [name for name, ds in pipelines.items() if ds.options().autotune.enabled is not False]
    assert not unfinished, f"pipelines that still autotune (and may wait at the end of fit): {unfinished}"
