"""Every autoencoder's train_step under "mixed_bfloat16" and "mixed_float16" (issue 14)."""
import numpy as np
import pytest

from cv2course.autoencoders import losses
from tests.autoencoders.fixtures.before_after import _builders
from tests.autoencoders.mixed_precision import POLICIES, assert_one_fit_step_under, global_policy


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("name", ["dense", "denoising", "sparse_kl", "lstm", "vae"])
def test_one_fit_step_under_a_mixed_policy(name, policy):
    build, data = _builders()[name]

    def build_and_compile():
        model = build()
        model.compile()
        return model

    assert_one_fit_step_under(policy, build_and_compile, data()[:8])


def test_losses_of_16_bit_tensors_are_float32():
    from keras import ops

    x = np.random.default_rng(0).random((2, 4, 4, 1)).astype(np.float32)
    for dtype in ("bfloat16", "float16"):
        half = ops.cast(x, dtype)
        assert losses.reconstruction_loss(x, half).dtype == "float32"
        assert losses.vae_kl(half[:, 0, :, 0], half[:, 1, :, 0]).dtype == "float32"
        assert losses.sparse_kl(0.05, half[0, 0, :, 0]).dtype == "float32"
