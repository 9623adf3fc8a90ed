"""Exercises for super-resolution (lecture 11): PSNR on the papers' protocol, the pixel shuffle."""
import numpy as np

from cv2course.exercises.core import exercise
from cv2course.sr.evaluate import psnr
from cv2course.sr.pixel_shuffle import pixel_shuffle


def _image_pairs(rng=None, sizes=(((24, 20), 2, 0.05), ((30, 33), 3, 0.02), ((28, 28), 4, 0.1), ((16, 18), 0, 0.03))):
    rng = np.random.default_rng(11) if rng is None else rng
    cases = []
    for (h, w), scale, noise in sizes:
        hr = np.round(rng.random((h, w, 3)) * 255) / 255
        sr = np.clip(hr + noise * rng.standard_normal(hr.shape), 0, 1)
        sr[:2] = 1.0 - sr[:2]  # a bad border: it must be shaved
        cases.append(((hr.astype(np.float32), sr.astype(np.float32), scale), {}))
    return cases


def _hidden_image_pairs(rng):
    sizes = [((int(rng.integers(12, 33)), int(rng.integers(12, 33))), int(rng.integers(0, 5)),
              float(rng.uniform(0.01, 0.1))) for _ in range(3)]
    return _image_pairs(rng, sizes)


def _hidden_channel_stacks(rng):
    cases = []
    for _ in range(3):
        r, c = int(rng.integers(2, 4)), int(rng.integers(1, 4))
        n, h, w = (int(v) for v in rng.integers(1, 4, size=3))
        cases.append(((rng.random((n, h, w, r * r * c)).astype(np.float32), r), {}))
    return cases


def _channel_stacks():
    rng = np.random.default_rng(12)
    return [((np.arange(1 * 2 * 2 * 4, dtype=np.float32).reshape(1, 2, 2, 4), 2), {}),
            ((rng.random((2, 3, 4, 12)).astype(np.float32), 2), {}),
            ((rng.random((1, 2, 3, 18)).astype(np.float32), 3), {}),
            ((rng.random((1, 2, 2, 48)).astype(np.float32), 4), {})]


exercise("psnr", psnr, topic="sr", cases=_image_pairs, hidden=_hidden_image_pairs,
         hint="Round sr to 8 bits (np.round(sr * 255) / 255); Y = 16 + 65.481 R + 128.553 G + 24.966 B on both; "
              "drop `scale` pixels on every side; PSNR = 10·log10(255² / MSE) — the peak is 255 because Y is "
              "in [0, 255], not 1.",
         description="psnr(hr, sr, scale): PSNR in dB of RGB [0, 1] images on the SR papers' protocol "
                     "(8-bit output, Y channel, `scale` border pixels shaved).")

exercise("pixel_shuffle", pixel_shuffle, topic="sr", cases=_channel_stacks, hidden=_hidden_channel_stacks,
         hint="Reshape (n, h, w, r·r·C) to (n, h, w, r, r, C), swap the w and first r axes with "
              "transpose(0, 1, 3, 2, 4, 5), and reshape to (n, h·r, w·r, C). Compare with "
              "tf.nn.depth_to_space(x, r).",
         description="pixel_shuffle(x, scale): rearrange (n, h, w, scale²·C) into (n, scale·h, scale·w, C) "
                     "as TensorFlow's depth_to_space does.")
