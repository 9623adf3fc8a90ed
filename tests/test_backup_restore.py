"""A fit killed after epoch k and restarted with ``keras.callbacks.BackupAndRestore`` ends exactly
like an uninterrupted fit: same weights, same optimizer state, same random streams.

The one resume suite. For each model (GAN, WGAN-GP, VAE, EDSR at toy size, Adam so that the optimizer has moments,
the models' own random noise: z, ε) a child process fits 4 epochs of 2 batches and SIGKILLs
itself at the end of epoch 2, after BackupAndRestore has saved. A second child restarts every
model from its backup directory, fits to the end, fits a fresh copy without interruption, and
writes both final states: every model variable and every optimizer variable must be equal.
Noise drawn after the restart must continue the interrupted stream, or the weights differ.

Run as a script, this file is the child: ``python tests/test_backup_restore.py kill|resume DIR NAME...``.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

NAMES = ("gan", "wgan_gp", "vae", "edsr")
EPOCHS, KILLED_AFTER, STEPS_PER_EPOCH = 4, 2, 2
TIME_LIMIT = 240.0  # seconds for all children together; they are killed past it


# --- the child -------------------------------------------------------------------------------

def _build(name):
    import keras

    from tests.distributed import CASES, build_in

    def make():
        adam = [keras.optimizers.Adam(1e-3) for _ in range(2)]
        return CASES[name].build(optimizers=tuple(adam))
    model = build_in(None, make)
    model.noise_source = None  # the model's own random draws, which must resume where they were
    return model


def _fit(name, backup_dir, callbacks=()):
    import keras

    from tests.distributed import CASES, dataset

    model = _build(name)
    backup = [keras.callbacks.BackupAndRestore(str(backup_dir))] if backup_dir else []
    model.fit(dataset(CASES[name], steps=STEPS_PER_EPOCH), epochs=EPOCHS, verbose=0, shuffle=False,
              callbacks=backup + list(callbacks))
    return model


def final_state(model):
    from tests.distributed import optimizers_of

    arrays = {f"weight{i:04d}": np.asarray(v) for i, v in enumerate(model.weights)}
    for name, opt in optimizers_of(model).items():
        for i, v in enumerate(opt.variables):
            arrays[f"{name}{i:04d}"] = np.asarray(v)
    return arrays


def child(mode, workdir, names):
    import keras

    workdir = Path(workdir)

    class KillAfterEpoch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch + 1 == KILLED_AFTER:  # BackupAndRestore, listed first, has saved this epoch
                os.kill(os.getpid(), signal.SIGKILL)

    for name in names:
        if mode == "kill":
            _fit(name, workdir / name, [KillAfterEpoch()])
            raise AssertionError("still alive after SIGKILL")
        resumed = final_state(_fit(name, workdir / name))
        uninterrupted = final_state(_fit(name, None))
        np.savez(workdir / f"{name}.npz", **{f"resumed/{k}": v for k, v in resumed.items()},
                 **{f"uninterrupted/{k}": v for k, v in uninterrupted.items()})


# --- the test --------------------------------------------------------------------------------

def _run(args):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(Path(__file__).parent.parent),
                                                                     os.environ.get("PYTHONPATH")])))
    return subprocess.Popen([sys.executable, __file__, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _wait(procs, deadline):
    outputs = []
    for p in procs:
        try:
            out, _ = p.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            for q in procs:
                q.kill()
            pytest.fail(f"the children did not finish within {TIME_LIMIT:.0f} s")
        outputs.append("".join(line + "\n" for line in out.splitlines()[-20:] if "I0000" not in line))
    return outputs


@pytest.fixture(scope="module")
def restored(tmp_path_factory):
    """{name: arrays} of the resumed and uninterrupted fits, after every child was killed once."""
    workdir = tmp_path_factory.mktemp("backup")
    deadline = time.monotonic() + TIME_LIMIT
    killed = [_run(["kill", str(workdir), name]) for name in NAMES]
    outputs = _wait(killed, deadline)
    for name, p, out in zip(NAMES, killed, outputs):
        assert p.returncode == -signal.SIGKILL, f"{name}: the child was not killed (exit {p.returncode}):\n{out}"
        assert any((workdir / name).iterdir()), f"{name}: BackupAndRestore saved nothing before the kill"
    resume = _run(["resume", str(workdir), *NAMES])
    out, = _wait([resume], deadline)
    assert resume.returncode == 0, f"the resumed fits failed:\n{out}"
    return {name: dict(np.load(workdir / f"{name}.npz")) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_fit_killed_after_an_epoch_resumes_to_the_uninterrupted_result(name, restored):
    arrays = restored[name]
    resumed = {k.split("/", 1)[1]: v for k, v in arrays.items() if k.startswith("resumed/")}
    uninterrupted = {k.split("/", 1)[1]: v for k, v in arrays.items() if k.startswith("uninterrupted/")}
    assert set(resumed) == set(uninterrupted)
    assert any(not k.startswith("weight") for k in resumed), "no optimizer variables recorded"
    bad = [k for k in sorted(resumed) if not np.allclose(resumed[k], uninterrupted[k], rtol=1e-5, atol=1e-6)]
    assert not bad, f"{name}: resumed differs from uninterrupted in {bad[:8]} ({len(bad)} of {len(resumed)} arrays)"


if __name__ == "__main__":
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("CV2COURSE_OFFLINE", "1")
    os.environ.setdefault("CV2COURSE_QUICK", "1")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    child(sys.argv[1], sys.argv[2], sys.argv[3:])


def test_the_seed_state_is_saved_with_the_weights(tmp_path):
    """``save_weights`` (what BackupAndRestore writes) carries the model's random stream."""
    import keras
    import tensorflow as tf

    from cv2course.gans.gan import GAN

    keras.utils.set_random_seed(0)
    model = GAN(latent_dim=4, image_size=8, base_filters=4, seed=3)
    model.compile(run_eagerly=True)
    images = np.random.default_rng(0).uniform(0, 1, (8, 8, 8, 1)).astype(np.float32)
    model.fit(tf.data.Dataset.from_tensor_slices(images).batch(4), epochs=1, verbose=0)
    drawn = model.seed_generator.state.numpy()
    model.save_weights(tmp_path / "w.weights.h5")
    other = GAN(latent_dim=4, image_size=8, base_filters=4, seed=3)
    other.compile(jit_compile=False)
    assert not np.array_equal(other.seed_generator.state.numpy(), drawn)
    other.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_array_equal(other.seed_generator.state.numpy(), drawn)
