"""Two replicas equal one device, through ``fit`` on a distributed dataset, for every trainable model.

Each model (tiny, plain SGD, deterministic noise: see tests/distributed.py) fits three global
batches of 8 on one device and under the shared MirroredStrategy over two logical CPUs, each
replica seeing 4 examples of every batch; every variable and every logged value must agree.
The same run with the 1/R replica scaling patched out must *not* agree, by a wide margin:
that is what shows the parity test can fail. Every custom step applies its updates through one
helper, ``TrainableModel.descend`` (checked below), so the mutant runs once per distinct path to
it, not per model: the k-step GAN loop, CycleGAN's network groups and pools, SRGAN's two tapes,
a one-optimizer model (VAE), and Keras' own compiled loss (EDSR). Run with ``-s`` to see each model's largest
weight difference with and without the mutation.
"""
import pytest

import inspect
from pathlib import Path

from tests.distributed import CASES, assert_same_fit, differences, fit_case, mirrored_strategy, replica_scaling_removed

MUTANTS = ("gan", "cyclegan", "srgan", "vae", "edsr")

# The mutant must miss by far more than the tolerance, not by a hair.
MARGIN = 100


@pytest.fixture(scope="module")
def one_device():
    """The one-device reference fit of a case, computed once (eagerly: no graph to trace)."""
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = fit_case(CASES[name], run_eagerly=True)
        return cache[name]
    return get


@pytest.mark.parametrize("name", list(CASES))
def test_two_replicas_fit_like_one_device(name, one_device):
    case = CASES[name]
    one = one_device(name)
    two = fit_case(case, mirrored_strategy())
    dw, dl = differences(one, two)
    print(f"\n{name}: two replicas vs one device, max |dW| = {dw:.2e}, max |d log| = {dl:.2e}")
    assert_same_fit(one, two, case.atol)


@pytest.mark.parametrize("name", MUTANTS)
def test_without_replica_scaling_the_parity_check_fails(name, one_device):
    case = CASES[name]
    one = one_device(name)
    with replica_scaling_removed(case.scaling):
        mutant = fit_case(case, mirrored_strategy())
    dw, dl = differences(one, mutant)
    print(f"\n{name}: {case.scaling} 1/R scaling removed, max |dW| = {dw:.2e}, max |d log| = {dl:.2e}")
    with pytest.raises(AssertionError):
        assert_same_fit(one, mutant, case.atol)
    assert dw > MARGIN * case.atol, f"the mutant's weights differ by only {dw:.2e}"


def test_every_custom_step_updates_through_descend():
    """The 1/R (and loss scale) lives in one place: every train_step calls ``self.descend`` and no
    package module outside trainable.py scales a loss itself."""
    from cv2course.autoencoders.ae import Autoencoder, DenoisingAutoencoder, SparseAutoencoder
    from cv2course.autoencoders.vae import VAE
    from cv2course.gans.cgan import ConditionalGAN
    from cv2course.gans.cyclegan import CycleGAN
    from cv2course.gans.gan import GAN
    from cv2course.gans.sgan import SemiSupervisedGAN
    from cv2course.gans.wgan import WGAN
    from cv2course.gans.wgan_gp import WGANGP
    from cv2course.sr.srgan import SRGAN

    for cls in (GAN, WGAN, WGANGP, ConditionalGAN, SemiSupervisedGAN, CycleGAN, SRGAN, Autoencoder,
                DenoisingAutoencoder, SparseAutoencoder, VAE):
        assert "self.descend(" in inspect.getsource(cls.train_step), f"{cls.__name__}.train_step bypasses descend"
    package = Path(__file__).resolve().parent.parent / "cv2course"
    scaling = [str(f.relative_to(package)) for f in package.rglob("*.py")
               if f.name != "trainable.py" and ".scale_loss(" in f.read_text()]
    assert not scaling, f"loss scaled outside TrainableModel.descend in {scaling}"
