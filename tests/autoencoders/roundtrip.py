"""Shared checks for every autoencoder model: fit/evaluate, save/load/resume (parity: tests/test_parity.py)."""
import keras
import numpy as np


def tiny_digits(n=64, n_val=32):
    """16x16 embedded digits: a training and a validation subset."""
    from cv2course.data import digits

    x, _ = digits(16, "train")
    xv, _ = digits(16, "test")
    return x[:n], xv[:n_val]


def assert_fit_evaluate_save_load_resume(build, x, x_val, tmp_path):
    """``build()`` returns an uncompiled model; it must fit with validation data (``test_step``), round-trip through a
    .keras file with identical outputs, keep its optimizer state and keep training identically."""
    keras.utils.set_random_seed(0)
    model = build()
    model.compile()
    names = [m.name for m in model.metrics]
    history = model.fit(x, epochs=1, batch_size=32, validation_data=(x_val,), verbose=0).history
    assert set(history) == set(names) | {f"val_{n}" for n in names}, history
    assert all(np.isfinite(v[-1]) for v in history.values()), history

    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is type(model)
    np.testing.assert_allclose(loaded.reconstruct(x_val), model.reconstruct(x_val), rtol=0, atol=1e-7)

    steps = int(model.optimizer.iterations.numpy())
    assert steps == int(np.ceil(len(x) / 32)) and int(loaded.optimizer.iterations.numpy()) == steps
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)

    # Resuming: the next step of the loaded model equals the next step of the original
    # (same weights, same Adam moments, same random-draw state).
    a = model.train_on_batch(x[:32], return_dict=True)
    b = loaded.train_on_batch(x[:32], return_dict=True)
    for k in a:
        np.testing.assert_allclose(b[k], a[k], rtol=1e-6, err_msg=k)
    for wa, wb in zip(model.weights, loaded.weights):
        np.testing.assert_allclose(wb.numpy(), wa.numpy(), rtol=1e-6, atol=1e-7, err_msg=wa.path)
    assert int(loaded.optimizer.iterations.numpy()) == steps + 1
    return model, loaded
