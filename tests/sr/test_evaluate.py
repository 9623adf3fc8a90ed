"""PSNR/SSIM on the SR protocol agree with scikit-image; folder evaluation and its errors."""
import re

import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from cv2course.data import save_image
from cv2course.sr.evaluate import (caption, comparison_figure, evaluate, image_pairs, psnr, quantize, rgb_to_y,
                                   shave, ssim, ssim_values)
from cv2course.sr.resize import downscale, upscale


def _images(seed=0, shape=(40, 36, 3)):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:shape[0], 0:shape[1]]
    smooth = 0.5 + 0.3 * np.sin(xx / 5.0)[..., None] * np.cos(yy / 7.0)[..., None] * np.array([1.0, 0.8, 0.6])
    hr = np.clip(smooth + 0.05 * rng.standard_normal(shape), 0, 1).astype(np.float32)
    sr = np.clip(hr + 0.04 * rng.standard_normal(shape), 0, 1).astype(np.float32)
    return hr, sr


def test_psnr_of_identical_images_is_infinite():
    hr, _ = _images()
    assert psnr(hr, hr) == float("inf")
    assert psnr(hr, hr, scale=4, rgb=True) == float("inf")
    assert ssim(hr, hr) == pytest.approx(1.0)


def test_y_channel_formula():
    black, white = np.zeros((1, 1, 3)), np.ones((1, 1, 3))
    assert rgb_to_y(black)[0, 0] == pytest.approx(16.0)
    assert rgb_to_y(white)[0, 0] == pytest.approx(235.0)
    assert rgb_to_y(np.array([[[0.0, 1.0, 0.0]]]))[0, 0] == pytest.approx(16 + 128.553)


@pytest.mark.parametrize("scale", [0, 2, 4])
def test_psnr_and_ssim_agree_with_scikit_image_on_the_same_y_arrays(scale):
    hr, sr = _images(scale)
    y_hr = shave(rgb_to_y(quantize(hr)), scale)
    y_sr = shave(rgb_to_y(quantize(sr)), scale)
    ref_psnr = peak_signal_noise_ratio(y_hr, y_sr, data_range=255)
    ref_ssim = structural_similarity(y_hr, y_sr, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
                                     data_range=255)
    assert psnr(hr, sr, scale) == pytest.approx(ref_psnr, abs=1e-9)
    assert abs(ssim(hr, sr, scale) - ref_ssim) < 1e-3
    assert ssim(hr, sr, scale) == pytest.approx(ref_ssim, abs=1e-9)  # the same definition, in fact


def test_rgb_option_agrees_with_scikit_image():
    hr, sr = _images(3)
    a, b = shave(quantize(hr) * 255, 2), shave(quantize(sr) * 255, 2)
    assert psnr(hr, sr, 2, rgb=True) == pytest.approx(peak_signal_noise_ratio(a, b, data_range=255))
    ref = structural_similarity(a, b, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
                                data_range=255, channel_axis=-1)
    assert ssim(hr, sr, 2, rgb=True) == pytest.approx(ref, abs=1e-9)


def test_output_is_rounded_to_8_bits_and_shaved():
    hr, sr = _images(4)
    assert psnr(hr, sr) == psnr(hr, quantize(sr))
    # Differences only inside the shaved border do not count.
    worse = sr.copy()
    worse[:2] = 1.0 - worse[:2]
    assert psnr(hr, worse, 2) == psnr(hr, sr, 2)
    assert psnr(hr, worse, 0) < psnr(hr, sr, 0)


def test_a_batch_gives_one_score_per_image():
    hr1, sr1 = _images(5)
    hr2, sr2 = _images(6)
    values = psnr(np.stack([hr1, hr2]), np.stack([sr1, sr2]), 2)
    assert values.shape == (2,)
    assert values[1] == pytest.approx(psnr(hr2, sr2, 2))
    assert ssim(np.stack([hr1, hr2]), np.stack([sr1, sr2]))[0] == pytest.approx(ssim(hr1, sr1))


def test_ssim_errors_and_values():
    with pytest.raises(ValueError, match="smaller than the 11x11"):
        ssim_values(np.zeros((8, 8)), np.zeros((8, 8)))
    a = np.linspace(0, 255, 400).reshape(20, 20)
    assert ssim_values(a, 255 - a) < 0  # anti-correlated structure


def _write_pairs(folder, scale, sizes, mismatch=False):
    rng = np.random.default_rng(0)
    hrs = []
    for k, (h, w) in enumerate(sizes):
        hr, _ = _images(k, (h, w, 3))
        lr = downscale(hr, scale)
        if mismatch and k == 0:
            lr = lr[:-1]
        save_image(folder / f"img_{k:03d}_HR.png", hr)
        save_image(folder / f"img_{k:03d}_LR.png", lr)
        hrs.append(hr)
    return rng, hrs


def test_evaluate_over_pairs_matches_direct_scores(tmp_path):
    _write_pairs(tmp_path / "x2", 2, [(32, 40), (36, 36)])
    scores = evaluate("bicubic", tmp_path, 2)  # finds the x2 subfolder
    assert scores.names == ["img_000", "img_001"]
    pairs = image_pairs(tmp_path, 2)
    direct = [psnr(hr, upscale(lr, 2), 2) for _, hr, lr in pairs]
    assert np.allclose(scores.psnr, direct)
    assert scores.mean_psnr == pytest.approx(np.mean(direct))  # averaged per image
    assert "mean" in scores.table() and len(scores.rows()) == 2
    nearest = evaluate("nearest", tmp_path, 2)
    assert nearest.mean_psnr < scores.mean_psnr
    # any callable LR -> SR image is scored the same way: a flat gray guess against each HR image
    gray = evaluate(lambda lr: np.full((2 * lr.shape[0], 2 * lr.shape[1], 3), 0.5, np.float32), tmp_path, 2)
    assert np.allclose(gray.psnr, [psnr(hr, np.full_like(hr, 0.5), 2) for _, hr, _ in pairs])


def test_evaluate_on_hr_only_folder_makes_lr_with_imresize(tmp_path):
    hr, _ = _images(1, (30, 27, 3))
    save_image(tmp_path / "photo.png", hr)
    (name, hr_loaded, lr), = image_pairs(tmp_path, 3)
    assert name == "photo" and hr_loaded.shape == (30, 27, 3) and lr.shape == (10, 9, 3)
    assert np.allclose(lr, downscale(hr_loaded, 3))
    scores = evaluate("bicubic", tmp_path, 3, keep_images=True)
    assert scores.images[0][2].shape == (30, 27, 3)


def test_non_matching_pairs_and_bad_scale_give_clear_errors(tmp_path):
    _write_pairs(tmp_path, 2, [(32, 40)], mismatch=True)
    with pytest.raises(ValueError, match="not a x2 pair"):
        evaluate("bicubic", tmp_path, 2)
    (tmp_path / "img_000_LR.png").unlink()
    with pytest.raises(ValueError, match="HR or an LR file but not both"):
        evaluate("bicubic", tmp_path, 2)
    for bad in (1, 5, "2"):
        with pytest.raises(ValueError, match="scale must be 2, 3 or 4"):
            evaluate("bicubic", tmp_path, bad)
    with pytest.raises(TypeError, match="model_or_method"):
        evaluate(42, tmp_path, 2)
    with pytest.raises(ValueError, match="same shape"):
        psnr(np.zeros((8, 8, 3)), np.zeros((8, 9, 3)))
    with pytest.raises(ValueError, match="RGB"):
        psnr(np.zeros((8, 8)), np.zeros((8, 8)))


def test_caption_and_comparison_figure():
    hr, sr = _images(7)
    text = caption("bicubic", hr, sr, 2)
    assert re.fullmatch(r"bicubic \(\d+\.\d{2}dB/0\.\d{4}\)", text)
    assert f"{psnr(hr, sr, 2):.2f}dB" in text
    fig = comparison_figure(hr, {"bicubic": sr, "nearest": hr}, scale=2, crop=(0, 0, 20, 20))
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0] == text and titles[1].startswith("nearest (inf")
    assert fig.axes[0].images[0].get_array().shape[:2] == (20, 20)
    assert titles[-1] == "HR (ground truth)"
    named = comparison_figure(hr, {"bicubic": sr}, scale=2, hr_title="original")
    assert named.axes[-1].get_title() == "original"


def test_evaluate_on_sample_photo_names_scores_their_matlab_bicubic_lr():
    from cv2course.data import sample_image
    from cv2course.sr.resize import mod_crop

    (name, hr, lr), = image_pairs(["coins"], 3)
    assert name == "coins" and np.array_equal(hr, mod_crop(sample_image("coins"), 3))
    assert np.array_equal(lr, downscale(hr, 3))
    scores = evaluate("bicubic", ("coins",), 3)
    assert scores.names == ["coins"]
    assert scores.psnr[0] == pytest.approx(psnr(hr, upscale(lr, 3), 3))


def test_sample_names_must_be_a_non_empty_list_of_known_photos():
    with pytest.raises(ValueError, match="non-empty list of sample image names"):
        image_pairs([], 2)
    with pytest.raises(ValueError, match="unknown sample image 'nope'"):
        image_pairs(["nope"], 2)
