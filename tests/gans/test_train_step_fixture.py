"""Behaviour kept across refactors: every GAN-family model, fitted 3 steps from the same seeds on
the same tiny data, ends with the weights recorded before the issue-15 refactor
(``fixtures/train_steps.npz``, made by ``fixtures/make_train_steps.py``), and the ``.keras`` files
saved then still load with those weights and train on.

Issue 21 put the steps of GAN, WGAN and WGAN-GP in their algorithm box's order: with k > 1
discriminator steps each step now draws its z (and ε) and makes its fakes G(z) in turn, where
they were all drawn and made in one generator pass before the loop (other random numbers, and
batch-norm statistics over m fakes instead of k·m). Their weights after three steps were recorded
again at that change (``train_steps_box_order.npz``, the models' other code unchanged, checked
against ``train_steps.npz`` one commit earlier); the ``.keras`` files keep the old weights.
"""
import pathlib

import keras
import numpy as np
import pytest

import cv2course.gans.cgan  # noqa: F401  (load_model finds the classes these modules register)
import cv2course.gans.cyclegan  # noqa: F401
import cv2course.gans.sgan  # noqa: F401
import cv2course.gans.wgan  # noqa: F401
import cv2course.gans.wgan_gp  # noqa: F401

from tests.gans.fixtures import make_train_steps as recipe

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
REORDERED = ("gan", "wgan", "wgan_gp")  # see the module docstring


def recorded(name, file="train_steps.npz"):
    with np.load(FIXTURES / file) as arrays:
        prefix = f"{name}/"
        return {key[len(prefix):]: arrays[key] for key in arrays.files if key.startswith(prefix)}


# How far rounding alone moves these weights, measured on an AMD EPYC (the file was recorded on Intel)
# with oneDNN on vs off (TF_ENABLE_ONEDNN_OPTS=1/0) and 1 vs 2 intra-op threads: at most 4e-8 for GAN,
# WGAN, WGAN-GP, cGAN and SGAN, 7.9e-7 for CycleGAN (instance norm over 2 channels). Tolerance: 10x.
ROUNDING_SPREAD = {"cyclegan": 7.9e-7}


def rounding_atol(name):
    return 10 * ROUNDING_SPREAD.get(name, 4e-8)


def assert_same_weights(got, want, atol):
    assert sorted(got) == sorted(want)
    for key in want:
        np.testing.assert_allclose(got[key], want[key], atol=atol, rtol=0, err_msg=key)


@pytest.mark.parametrize("name", recipe.MODELS)
def test_same_seeds_give_the_recorded_weights(name):
    # Eager: the same arithmetic as the recorded graph-mode fit, without tracing (faster here).
    _, initial, weights = recipe.fitted(name, run_eagerly=True)
    want = recorded(name, "train_steps_box_order.npz" if name in REORDERED else "train_steps.npz")
    assert any(not np.allclose(initial[k], want[k]) for k in want)  # the fit moved the weights
    assert_same_weights(weights, want, rounding_atol(name))


@pytest.mark.parametrize("name", recipe.MODELS)
def test_files_saved_before_the_refactor_load_and_train_on(name):
    model = keras.models.load_model(FIXTURES / f"{name}.keras")
    assert_same_weights(recipe.network_weights(model), recorded(name), atol=0)
    assert int(model.generator_optimizer.iterations) == 3  # the optimizer state came back too
    model.run_eagerly = True
    history = model.fit(recipe.dataset(name).take(1), epochs=1, verbose=0)
    assert all(np.isfinite(v[0]) for v in history.history.values())
