"""Exercises for super-resolution (lecture 11): PSNR on the papers' protocol, the pixel shuffle."""
import numpy as np

from cv2course.exercises.core import exercise
from cv2course.sr.evaluate import psnr
from cv2course.sr.pixel_shuffle import pixel_shuffle


def _image_pairs():
    rng = np.random.default_rng(11)
    cases = []
    for (h, w), scale, noise in (((24, 20), 2, 0.05), ((30, 33), 3, 0.02), ((28, 28), 4, 0.1), ((16, 18), 0, 0.03)):
        hr = np.round(rng.random((h, w, 3)) * 255) / 255
        sr = np.clip(hr + noise * rng.standard_normal(hr.shape), 0, 1)
        sr[:2] = 1.0 - sr[:2]  # a bad border: it must be shaved
        cases.append(((hr.astype(np.float32), sr.astype(np.float32), scale), {}))
    return cases


def _channel_stacks():
    rng = np.random.default_rng(12)
    return [((np.arange(1 * 2 * 2 * 4, dtype=np.float32).reshape(1, 2, 2, 4), 2), {}),
            ((rng.random((2, 3, 4, 12)).astype(np.float32), 2), {}),
            ((rng.random((1, 2, 3, 18)).astype(np.float32), 3), {}),
            ((rng.random((1, 2, 2, 48)).astype(np.float32), 4), {})]


exercise("psnr", psnr, topic="sr", cases=_image_pairs,
         hint="Round sr to 8 bits (np.round(sr * 255) / 255); Y = 16 + 65.481 R + 128.553 G + 24.966 B on both; "
              "drop `scale` pixels on every side; PSNR = 10·log10(255² / MSE) — the peak is 255 because Y is "
              "in [0, 255], not 1.",
         description="psnr(hr, sr, scale): PSNR in dB of RGB [0, 1] images on the SR papers' protocol "
                     "(8-bit output, Y channel, `scale` border pixels shaved).")

exercise("pixel_shuffle", pixel_shuffle, topic="sr", cases=_channel_stacks,
         hint="Reshape (n, h, w, r·r·C) to (n, h, w, r, r, C), swap the w and first r axes with "
              "transpose(0, 1, 3, 2, 4, 5), and reshape to (n, h·r, w·r, C). Compare with "
              "tf.nn.depth_to_space(x, r).",
         description="pixel_shuffle(x, scale): rearrange (n, h, w, scale²·C) into (n, scale·h, scale·w, C) "
                     "as TensorFlow's depth_to_space does.")
