"""Exercises for super-resolution (lecture 11): PSNR on the papers' protocol, the pixel shuffle."""
import numpy as np

from cv2course.exercises.core import exercise
from cv2course.exercises.diagnosis import answer, times, wrong
from cv2course.i18n import tr
from cv2course.sr.evaluate import psnr, psnr_values, rgb_to_y, shave
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


def _psnr_unrounded(hr, sr, scale):
    return psnr_values(shave(rgb_to_y(hr), scale), shave(rgb_to_y(sr), scale))


def _pixel_shuffle_variant(x, scale, swap=True, channels_first=False):
    x = np.asarray(x)
    n, h, w, c = x.shape
    out = c // (scale * scale)
    if channels_first:  # channel index read as c·r² + r·i + j instead of (r·i + j)·C + c
        x = x.reshape(n, h, w, out, scale, scale).transpose(0, 1, 2, 4, 5, 3)
    else:
        x = x.reshape(n, h, w, scale, scale, out)
    x = x.transpose(0, 1, 3, 2, 4, 5) if swap else x
    return x.reshape(n, h * scale, w * scale, out)


PEAK_ONE = 20 * np.log10(255.0)

exercise("psnr", psnr, topic="sr", cases=_image_pairs, hidden=_hidden_image_pairs,
         hint=(tr("The papers do not compare RGB images: they round the output to 8 bits, compare only the "
                  "luminance Y, and ignore a border of `scale` pixels, where the network has no context. Then "
                  "PSNR compares the mean squared error with the largest possible value.", lang="en"),
               tr("Y = 16 + 65.481 R + 128.553 G + 24.966 B (in [0, 255]) on the 8-bit images, `scale` pixels "
                  "shaved from every side, PSNR = 10 · log₁₀(255² / MSE) dB.", lang="en")),
         slips=(answer("psnr_peak_one", lambda e: e - PEAK_ONE,
                       tr("your answer is the expected one − 48.13 dB = 20 log₁₀ 255: you used the peak 1 on Y "
                          "values in [0, 255]; the peak is 255", lang="en")),
                times("psnr_natural_log", np.log(10),
                      tr("your answer is the expected one × ln 10 ≈ 2.303: PSNR uses log₁₀, not the natural log",
                         lang="en")),
                times("psnr_twenty", 2,
                      tr("your answer is the expected one × 2: 10 · log₁₀(255²/MSE) = 20 · log₁₀(255/√MSE); you "
                         "doubled it (20 with the squared ratio)", lang="en")),
                wrong("psnr_rgb", lambda hr, sr, scale: psnr(hr, sr, scale, rgb=True),
                      tr("this is the PSNR on the RGB channels: the papers compare the Y channel only", lang="en")),
                wrong("psnr_no_shave", lambda hr, sr, scale: psnr(hr, sr, 0),
                      tr("you did not shave the border: drop `scale` pixels from each of the four sides first",
                         lang="en")),
                wrong("psnr_not_rounded", _psnr_unrounded,
                      tr("you did not round sr to 8 bits: the papers score the saved 8-bit image", lang="en"))),
         description="psnr(hr, sr, scale): PSNR in dB of RGB [0, 1] images on the SR papers' protocol "
                     "(8-bit output, Y channel, `scale` border pixels shaved).")

exercise("pixel_shuffle", pixel_shuffle, topic="sr", cases=_channel_stacks, hidden=_hidden_channel_stacks,
         hint=(tr("At each low-resolution position the r² · C channels fill an r × r block of the output: split "
                  "the channel axis into (row in the block, column in the block, channel), then put the row in the "
                  "block next to the image row and the column in the block next to the image column.", lang="en"),
               tr("out[b, r·y + i, r·x + j, c] = in[b, y, x, (r·i + j)·C + c], TensorFlow's depth_to_space.",
                  lang="en")),
         slips=(wrong("shuffle_not_interleaved", lambda x, scale: _pixel_shuffle_variant(x, scale, swap=False),
                      tr("you reshaped without moving the block's row next to the image row: the blocks come out "
                         "scrambled; the row i in the block must sit beside y, the column j beside x", lang="en")),
                wrong("shuffle_channels_first", lambda x, scale: _pixel_shuffle_variant(x, scale, channels_first=True),
                      tr("you read the channel index as c·r² + r·i + j: depth_to_space's order is (r·i + j)·C + c "
                         "(the output channel varies fastest)", lang="en"))),
         description="pixel_shuffle(x, scale): rearrange (n, h, w, scale²·C) into (n, scale·h, scale·w, C) "
                     "as TensorFlow's depth_to_space does.")
