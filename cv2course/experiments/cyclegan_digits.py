"""The lecture's CycleGAN on the embedded unpaired digits task (plain → thick strokes by default):
the recipe notebook 10, the slides' figure, the demo weights and ``benchmarks/sgan_cyclegan.py`` share."""
from cv2course.gans.unpaired import digits_domains, unpaired_dataset


def train_digits_cyclegan(transform_name="dilate", epochs=None, size=28, batch_size=8, radius=2, seed=0,
                          filters=None, n_residual=None, decay=True, verbose=0, **cyclegan_kwargs):
    """Fit a small CycleGAN (``cyclegan.small_cyclegan``) on the embedded digits task; returns
    (model, history). The paper's schedule, scaled: constant learning rate for the first
    half of the epochs, linear decay to 0 over the second half. Budgets follow quick mode."""
    from cv2course import settings
    from cv2course.gans.cyclegan import small_cyclegan

    epochs = int(epochs if epochs is not None else settings.pick(6, 1))
    settings.set_seed(seed)
    x, y = digits_domains(transform_name, size, "train", radius, seed)
    if settings.QUICK:  # a few batches: enough to run every part of the step
        x, y = x[:4 * batch_size], y[:4 * batch_size]
    ds = unpaired_dataset(x, y, batch_size, seed)
    steps = epochs * (min(len(x), len(y)) // batch_size)
    model = small_cyclegan(1, size, filters or settings.pick(16, 4), n_residual if n_residual is not None
                           else settings.pick(3, 1), seed=seed, **cyclegan_kwargs)
    half = max(steps // 2, 1)
    model.compile(**({"constant_steps": steps - half, "decay_steps": half} if decay else {}))
    history = model.fit(ds, epochs=epochs, verbose=verbose)
    return model, history
