"""Patch pairs: aligned crops, the same symmetry on both patches, clear errors for bad sources."""
import numpy as np
import pytest

from cv2course.sr.data import PatchPairs, augment_pair, patch_pairs, sr_dataset
from cv2course.sr.resize import downscale


def _smooth_image(h, w, seed=0):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w] / 9.0
    phase = rng.random(3) * 6
    img = 0.5 + 0.4 * np.sin(xx[..., None] + phase) * np.cos(0.7 * yy[..., None] - phase)
    return img.astype(np.float32)


@pytest.mark.parametrize("scale", [2, 3])
def test_patches_are_aligned_crops_under_flips_and_rotations(scale):
    pairs = PatchPairs([_smooth_image(60, 75)], scale, patch_size=12 * scale, seed=0)
    lr, hr = pairs.sample(8)
    assert lr.shape == (8, 12, 12, 3) and hr.shape == (8, 12 * scale, 12 * scale, 3)
    for lr_patch, hr_patch in zip(lr, hr):
        # Shrinking commutes with the 8 symmetries of the square, so each LR patch is the
        # downscaled HR patch away from the patch border (where the whole-image LR saw more).
        again = downscale(hr_patch, scale, uint8=False)
        assert np.abs(again[3:-3, 3:-3] - lr_patch[3:-3, 3:-3]).max() < 3 / 255


def test_without_augmentation_patches_come_from_the_images():
    img = _smooth_image(40, 50)
    pairs = PatchPairs([img], 2, patch_size=16, augment=False, seed=1)
    _, hr = pairs.sample(4)
    for patch in hr:
        found = [(y, x) for y in range(0, 40 - 15, 2) for x in range(0, 50 - 15, 2)
                 if np.array_equal(img[y:y + 16, x:x + 16], patch)]
        assert found  # at an even (LR-aligned) position


def test_augment_pair_applies_the_same_symmetry():
    lr = np.arange(4 * 4 * 3, dtype=np.float32).reshape(4, 4, 3)
    hr = np.repeat(np.repeat(lr, 2, axis=0), 2, axis=1)
    for flip in (False, True):
        for k in range(4):
            a, b = augment_pair(lr, hr, flip, k)
            assert np.array_equal(np.repeat(np.repeat(a, 2, axis=0), 2, axis=1), b)


def test_seeded_streams_repeat_and_datasets_batch():
    pairs = PatchPairs([_smooth_image(48, 48)], 2, patch_size=16, seed=3)
    a = pairs.sample(3, np.random.default_rng(5))
    b = pairs.sample(3, np.random.default_rng(5))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    ds = pairs.dataset(batch_size=2, seed=7)
    first = [x.numpy() for x in next(iter(ds))]
    again = [x.numpy() for x in next(iter(ds))]
    assert first[0].shape == (2, 8, 8, 3) and first[1].shape == (2, 16, 16, 3)
    assert np.array_equal(first[1], again[1])


def test_default_source_is_the_bundled_photos_and_folders_work(tmp_path):
    from cv2course.data import save_image

    pairs = patch_pairs(None, scale=4, patch_size=32)
    assert len(pairs) >= 1 and all(hr.shape[0] % 4 == 0 for hr in pairs.hr)
    save_image(tmp_path / "a.png", _smooth_image(36, 40))
    save_image(tmp_path / "b.png", _smooth_image(20, 20))
    with pytest.warns(UserWarning, match="skipped 1 image"):
        pairs = patch_pairs(tmp_path, scale=2, patch_size=32)
    assert pairs.names == ["a.png"]
    (tmp_path / "b.png").unlink()
    lr, hr = next(iter(sr_dataset(str(tmp_path), 2, 32, batch_size=3)))
    assert tuple(hr.shape) == (3, 32, 32, 3)


def test_bad_input_gives_clear_errors(tmp_path):
    small = _smooth_image(20, 20)
    with pytest.raises(ValueError, match="smaller than one 48x48"):
        PatchPairs([small], 2, patch_size=48)
    with pytest.raises(ValueError, match="multiple of scale=3"):
        PatchPairs([small], 3, patch_size=16)
    with pytest.raises(ValueError, match="scale must be 2, 3 or 4"):
        PatchPairs([small], 5, patch_size=10)
    with pytest.raises(ValueError, match="not a x2 pair"):
        PatchPairs([small], 2, patch_size=8, lr_images=[small[:9, :10]])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        PatchPairs([small * 255], 2, patch_size=8)
    with pytest.raises(FileNotFoundError):
        patch_pairs(tmp_path / "missing", 2, 16)
    with pytest.raises(FileNotFoundError, match="div2k"):
        sr_dataset("div2k", 2, 16)  # offline in tests: not prepared, cannot download


def test_degrade_without_blur_or_noise_is_the_benchmark_bicubic_downscale():
    from cv2course.sr.data import degrade

    hr = _smooth_image(48, 40)
    assert np.array_equal(degrade(hr, 4), downscale(hr, 4))


def test_degrade_blur_keeps_flat_areas_and_smooths_edges():
    from cv2course.sr.data import degrade

    flat = np.full((32, 32, 3), 0.4, np.float32)
    assert np.allclose(degrade(flat, 2, blur=2.0), 0.4, atol=1 / 255)  # the kernel sums to 1
    edge = np.zeros((32, 32, 3), np.float32)
    edge[:, 16:] = 1.0
    sharp, blurred = degrade(edge, 2), degrade(edge, 2, blur=2.0)
    assert np.abs(np.diff(blurred, axis=1)).max() < 0.8 * np.abs(np.diff(sharp, axis=1)).max()


def test_degrade_noise_has_the_requested_sigma_and_follows_the_seed():
    from cv2course.sr.data import degrade

    gray = np.full((256, 256, 3), 0.5, np.float32)
    noisy = degrade(gray, 2, noise=0.05, seed=3)
    assert np.std(noisy - degrade(gray, 2)) == pytest.approx(0.05, rel=0.05)
    assert np.array_equal(noisy, degrade(gray, 2, noise=0.05, seed=3))
    assert not np.array_equal(noisy, degrade(gray, 2, noise=0.05, seed=4))
    with pytest.raises(ValueError, match="blur and noise must be >= 0"):
        degrade(gray, 2, noise=-0.1)
