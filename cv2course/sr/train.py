"""Step-based PSNR training of an SR model (L1 or MSE) with checkpoints and resume.

    train_sr(edsr(2, 32, 8), "path/to/T91", steps=20000, loss="l1", checkpoint_dir="ckpt")

A checkpoint is the whole model with its optimizer state (``checkpoint.keras``), written
atomically every ``checkpoint_every`` steps and at the end; ``resume=True`` continues from
it (the optimizer's step counter says where). Each chunk draws its patches from a stream
seeded by (seed, first step), so a resumed run repeats an uninterrupted one.
``history.json`` beside it records the loss of every chunk and the speed.
"""
import json
import math
import time
from pathlib import Path

import numpy as np

from cv2course.atomic import atomic_path
from cv2course.checks import check_choice, check_positive

CHECKPOINT = "checkpoint.keras"
HISTORY = "history.json"
LOSSES = {"l1": "mean_absolute_error", "mse": "mean_squared_error"}


def default_optimizer(learning_rate=1e-4):
    """EDSR's Adam: β₁ = 0.9, β₂ = 0.999, ε = 1e-8 (learning rate 1e-4, or a schedule)."""
    import keras

    return keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-8)


SCHEDULES = ("constant", "halving", "cosine")


def learning_rate_schedule(name, learning_rate, steps):
    """``learning_rate`` kept ("constant"), halved at 50% and 75% of ``steps`` ("halving", EDSR's
    step decay compressed into a short run), or cosine-decayed to 1% ("cosine")."""
    import keras

    check_choice(name, "schedule", SCHEDULES)
    check_positive(learning_rate, "learning_rate")
    if name == "constant":
        return float(learning_rate)
    if name == "halving":
        bounds = [max(1, steps // 2), max(2, steps * 3 // 4)]
        return keras.optimizers.schedules.PiecewiseConstantDecay(
            bounds, [learning_rate, learning_rate / 2, learning_rate / 4])
    return keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps, alpha=0.01)


def _steps_done(model):
    return int(np.asarray(model.optimizer.iterations)) if model.compiled and model.optimizer.built else 0


def _data_source(data, scale, patch_size):
    """A ``tf.data.Dataset`` (used as is) or a :class:`PatchPairs` (one fresh stream per chunk)."""
    import tensorflow as tf

    from cv2course.sr.data import PatchPairs, patch_pairs, sr_dataset

    if isinstance(data, (tf.data.Dataset, PatchPairs)):
        if isinstance(data, PatchPairs) and data.scale != scale:
            raise ValueError(f"the patch pairs are for x{data.scale} but the model upscales x{scale}")
        return data
    if isinstance(data, str) and data.lower().startswith("div2k"):
        return sr_dataset(data, scale, patch_size)
    return patch_pairs(data, scale, patch_size)


def _chunk_dataset(source, batch_size, seed, start):
    """The batches for the chunk starting at step ``start``: seeded by (seed, start), so a resumed
    run sees the same patches as an uninterrupted one."""
    if hasattr(source, "dataset"):
        return source.dataset(batch_size, seed=None if seed is None else (seed, start))
    return source


def train_sr(model, data=None, steps=1000, loss="l1", learning_rate=1e-4, batch_size=16, patch_size=96,
             checkpoint_dir=None, checkpoint_every=1000, resume=True, seed=0, time_limit=None, verbose="auto"):
    """Train ``model`` (LR → SR, [0, 1] images) for ``steps`` optimizer steps in total.

    ``data``: a ``tf.data.Dataset`` of (lr, hr) batches, a :class:`~cv2course.sr.data.PatchPairs`,
    or a source for :func:`~cv2course.sr.data.sr_dataset` (None = bundled photos, a folder,
    "div2k"). ``loss``: "l1" (EDSR, WDSR) or "mse" (SRResNet); an uncompiled model is
    compiled with it and Adam(``learning_rate``); a compiled model keeps its own setting.
    With ``checkpoint_dir`` and ``resume``, training continues from the saved step, so
    calling again with the same arguments after an interruption finishes the same run.
    ``time_limit`` (seconds, optional) stops at the first checkpoint boundary after that much
    training time in this call, whatever ``steps`` says (the history says where it stopped).
    Returns the history: {"step": [...], "loss": [...], "seconds": ..., "steps_per_second": ...}.
    """
    import keras

    from cv2course.sr.inference import model_scale

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    check_choice(loss, "loss", tuple(LOSSES))
    steps = int(check_positive(steps, "steps", integer=True))
    checkpoint_every = int(check_positive(checkpoint_every, "checkpoint_every", integer=True))
    if not model.compiled:
        model.compile(optimizer=default_optimizer(learning_rate), loss=LOSSES[loss])
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    history = {"step": [], "loss": [], "seconds": 0.0}
    folder = Path(checkpoint_dir) if checkpoint_dir is not None else None
    if folder is not None and resume and (folder / CHECKPOINT).is_file():
        model.load_weights(folder / CHECKPOINT)  # weights and optimizer state (its step counter)
        if (folder / HISTORY).is_file():
            history = json.loads((folder / HISTORY).read_text())
    start = _steps_done(model)
    if start >= steps:
        return _finish(history)
    source = _data_source(data, model_scale(model), patch_size)
    t_start = time.perf_counter()
    while start < steps and (time_limit is None or time.perf_counter() - t_start < time_limit):
        chunk = min(checkpoint_every - start % checkpoint_every, steps - start)
        t0 = time.perf_counter()
        ds = _chunk_dataset(source, batch_size, seed, start)
        logs = model.fit(ds, steps_per_epoch=chunk, epochs=1, verbose=verbose, shuffle=False).history
        history["seconds"] += time.perf_counter() - t0
        start = _steps_done(model)
        history["step"].append(start)
        history["loss"].append(float(logs["loss"][-1]))
        if folder is not None:
            save_checkpoint(model, folder, history)
    return _finish(history)


def _finish(history):
    done = history["step"][-1] if history["step"] else 0
    history["steps_per_second"] = done / history["seconds"] if history["seconds"] > 0 else math.nan
    return history


def save_checkpoint(model, folder, history):
    """``checkpoint.keras`` (model + optimizer) and ``history.json`` in ``folder``, atomically."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with atomic_path(folder / CHECKPOINT) as tmp:
        model.save(tmp)
    with atomic_path(folder / HISTORY) as tmp:
        tmp.write_text(json.dumps(history, indent=1))


def export_model(model, path):
    """Save ``model`` for inference only (no optimizer state): a small ``.keras`` file."""
    import keras

    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"path must end in .keras, got {str(path)!r}")
    clean = keras.Model.from_config(model.get_config()) if type(model) is keras.Model \
        else model.__class__.from_config(model.get_config())
    clean.set_weights(model.get_weights())
    with atomic_path(path) as tmp:
        clean.save(tmp)
    return path


def transfer_weights(source, target):
    """Copy every layer's weights from ``source`` to the layer of the same name and shapes in
    ``target`` (EDSR's trick: a x3/x4 model starts from the trained x2 body; the upsampler,
    whose shapes differ, keeps its initialisation). Returns the names of the copied layers."""
    copied = []
    for layer in target.layers:
        try:
            other = source.get_layer(layer.name)
        except ValueError:
            continue
        ours, theirs = layer.get_weights(), other.get_weights()
        if ours and len(ours) == len(theirs) and all(a.shape == b.shape for a, b in zip(ours, theirs)):
            layer.set_weights(theirs)
            copied.append(layer.name)
    return copied
