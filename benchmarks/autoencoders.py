"""Autoencoders vs PCA on the embedded digits (28 px), with a fixed training budget.

Prints one table: for each code size, the test reconstruction MSE (per pixel) of a dense
autoencoder, a convolutional autoencoder and PCA with as many components; the denoising
autoencoder's MSE against the clean test digits when fed noisy ones (and the noisy
inputs' own MSE as the do-nothing baseline); the VAE's test ELBO terms; seconds per epoch.

    python benchmarks/autoencoders.py                  # about 5-10 minutes on 2 CPU cores
    python benchmarks/autoencoders.py --quick          # a smoke run
    python benchmarks/autoencoders.py --step-times     # ms per training step: float32, XLA, mixed_bfloat16

``--step-times`` prints instead, for the lecture's conv autoencoder, denoising, sparse (KL) and
LSTM autoencoders and the conv VAE, the time of one ``fit`` step without and with
``jit_compile`` and under "mixed_bfloat16", as ratios measured in one run (the table of
``benchmarks/sr_step_times.py``).

Note on the data: the digits are 8x8 images resized to 28x28 by bilinear interpolation,
so they lie in a 64-dimensional linear subspace; PCA with 64 components reconstructs them
exactly, and PCA is a strong baseline at larger code sizes.
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def per_pixel_mse(x, x_hat):
    """Mean over the test set of each image's per-pixel MSE (the package's formula)."""
    from cv2course.autoencoders.losses import mean_squared_error

    return float(np.mean(mean_squared_error(np.asarray(x, np.float32), np.asarray(x_hat, np.float32))))


def fit_timed(model, x, epochs, batch_size):
    """Fit and return seconds per epoch, excluding the first epoch (graph tracing)."""
    t0 = time.perf_counter()
    model.fit(x, epochs=1, batch_size=batch_size, verbose=0)
    first = time.perf_counter() - t0
    if epochs == 1:
        return first
    t0 = time.perf_counter()
    model.fit(x, epochs=epochs - 1, batch_size=batch_size, verbose=0)
    return (time.perf_counter() - t0) / (epochs - 1)


def step_time_models(quick):
    """{name: (build_and_compile(jit_compile), arrays)}: the lecture's models on 28-px digits."""
    from cv2course.autoencoders import ae, sequences, vae
    from cv2course.data import digits

    x = digits(28, "train")[0][:256]
    waves = sequences.ecg_waves(256, length=64, seed=0)[0]
    size = 8 if quick else 32

    def compiled(build, data):
        def build_and_compile(jit_compile):
            model = build()
            model.compile(jit_compile=jit_compile)
            return model
        return build_and_compile, (data,)

    shape = x.shape[1:]
    return {
        "conv AE": compiled(lambda: ae.conv_autoencoder(shape, size), x),
        "denoising": compiled(lambda: ae.DenoisingAutoencoder(ae.conv_encoder(shape, size), ae.conv_decoder(size, shape),
                                                               seed=0), x),
        "sparse KL": compiled(lambda: ae.SparseAutoencoder(ae.dense_encoder(shape, 64, code_activation="sigmoid"),
                                                           ae.dense_decoder(64, shape)), x),
        "LSTM AE": compiled(lambda: ae.LSTMAutoencoder(64, 1, latent_dim=size, units=size), waves),
        "conv VAE": compiled(lambda: vae.conv_vae(shape, 2 if quick else 16, seed=0), x),
    }


def print_step_times(quick, batch_size):
    from benchmarks.sr_step_times import print_table, step_times

    steps, rounds = (2, 1) if quick else (20, 3)
    times = step_times(step_time_models(quick), batch_size, steps, rounds)
    print_table(times, f"autoencoders, batch {batch_size}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=40, help="epochs per model (the fixed budget)")
    parser.add_argument("--code-sizes", type=int, nargs="+", default=[2, 8, 16, 32])
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--noise", type=float, default=0.3, help="Gaussian noise σ for the denoising autoencoder")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--step-times", action="store_true",
                        help="time training steps (float32, XLA, mixed_bfloat16) instead of the quality table")
    args = parser.parse_args(argv)
    if args.step_times:
        return print_step_times(args.quick, args.batch_size)

    from cv2course import settings

    if args.quick:
        settings.set_quick(True)
    import keras
    from sklearn.decomposition import PCA

    from cv2course.autoencoders import ae, noise, vae
    from cv2course.data import digits

    x, _ = digits(28, "train")
    xt, _ = digits(28, "test")
    epochs = settings.pick(args.epochs, 1)
    if settings.QUICK:
        x = x[:256]
    shape = x.shape[1:]
    flat, flat_t = x.reshape(len(x), -1), xt.reshape(len(xt), -1)
    rows = []

    def row(model, code, mse, sec, extra=""):
        rows.append((model, code, mse, sec, extra))
        print(f"  {model:28s} code {code:>3}  test MSE {mse:.5f}  {sec:6.2f} s/epoch  {extra}", flush=True)

    print(f"digits 28 px: {len(x)} train, {len(xt)} test; {epochs} epochs per model, batch {args.batch_size}")
    for code in args.code_sizes:
        pca = PCA(code, random_state=args.seed).fit(flat)
        t0 = time.perf_counter()
        pca_rec = pca.inverse_transform(pca.transform(flat_t))
        row("PCA", code, per_pixel_mse(pca_rec, flat_t), float("nan"), f"fit+project {time.perf_counter() - t0:.2f} s")
        for name, build in (("dense autoencoder", lambda: ae.dense_autoencoder(shape, code)),
                            ("conv autoencoder", lambda: ae.conv_autoencoder(shape, code))):
            keras.utils.set_random_seed(args.seed)
            model = build()
            model.compile()
            sec = fit_timed(model, x, epochs, args.batch_size)
            row(name, code, per_pixel_mse(model.reconstruct(xt), xt), sec)

    code = 32
    keras.utils.set_random_seed(args.seed)
    dae = ae.DenoisingAutoencoder(ae.conv_encoder(shape, code), ae.conv_decoder(code, shape), noise="gaussian",
                                  strength=args.noise, seed=args.seed)
    dae.compile()
    sec = fit_timed(dae, x, epochs, args.batch_size)
    noisy_t = keras.ops.convert_to_numpy(noise.gaussian_noise(xt, args.noise, seed=args.seed + 1))
    pca = PCA(code, random_state=args.seed).fit(flat)
    pca_denoised = pca.inverse_transform(pca.transform(noisy_t.reshape(len(xt), -1)))
    row(f"noisy input (σ={args.noise})", "-", per_pixel_mse(noisy_t, xt), float("nan"), "no model")
    row("PCA on noisy input", code, per_pixel_mse(pca_denoised, flat_t), float("nan"))
    row("denoising conv autoencoder", code, per_pixel_mse(dae.reconstruct(noisy_t), xt), sec, "noisy in, clean target")

    for latent in (2, 16):
        keras.utils.set_random_seed(args.seed)
        model = vae.conv_vae(shape, latent, seed=args.seed)
        model.compile()
        sec = fit_timed(model, x, epochs, args.batch_size)
        logs = model.evaluate(xt, batch_size=len(xt), verbose=0, return_dict=True)
        row("conv VAE (decode μ)", latent, per_pixel_mse(model.reconstruct(xt), xt), sec,
            f"test -ELBO {logs['loss']:.2f} = rec {logs['reconstruction']:.2f} + KL {logs['kl']:.2f} (per image)")

    print()
    print("| model | code | test MSE / pixel | s / epoch | note |")
    print("|---|---:|---:|---:|---|")
    for model, code, mse, sec, extra in rows:
        sec_s = "" if np.isnan(sec) else f"{sec:.2f}"
        print(f"| {model} | {code} | {mse:.5f} | {sec_s} | {extra} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
