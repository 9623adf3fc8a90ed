"""Slide figures of the autoencoder and VAE lectures (03_autoencoders, 04_vae).

The VAE figures use the shipped demo VAE (:func:`cv2course.demos.load_demo`, the same dense
2-D β = 0.5 VAE trained for 150 epochs) unless called with ``pretrained=False``, which trains
it live. The autoencoder figures train small models on the embedded digits at 28 px, once per
(seed, quick mode) and process. Every VAE picture's title says whether it is pretrained or live.
"""
import functools

import numpy as np

from cv2course.figures import figure

AE_LECTURE, VAE_LECTURE = "03_autoencoders", "04_vae"
SIZE = 28
# β < 1 weights the KL term less than the summed squared error: sharper, more varied digits
# on these small (1,497-image) data while the latent space stays close to N(0, I).
VAE_BETA = 0.5


def _digits():
    from cv2course import settings
    from cv2course.data import digits

    x, y = digits(SIZE, "train")
    xt, yt = digits(SIZE, "test")
    n = settings.pick(len(x), 256)
    return x[:n], y[:n], xt, yt


def _epochs(normal, quick=2):
    from cv2course import settings

    return settings.pick(normal, quick)


@functools.lru_cache(maxsize=None)
def _trained(kind, seed, quick):
    """A model trained on the digits: "ae2" (2-D code), "vae2" (2-D latent) or "dae" (denoising)."""
    import keras

    from cv2course.autoencoders import ae, vae

    keras.utils.set_random_seed(seed)
    x = _digits()[0]
    shape = (SIZE, SIZE, 1)
    if kind == "ae2":
        model, epochs = ae.dense_autoencoder(shape, 2), _epochs(120)
    elif kind == "vae2":
        model, epochs = vae.dense_vae(shape, 2, beta=VAE_BETA, seed=seed), _epochs(150)
    elif kind == "dae":
        model = ae.DenoisingAutoencoder(ae.dense_encoder(shape, 32), ae.dense_decoder(32, shape), noise="gaussian",
                                        strength=0.4, seed=seed)
        epochs = _epochs(60)
    else:
        raise ValueError(f"unknown model kind {kind!r}")
    model.compile()
    model.fit(x, epochs=epochs, batch_size=64, verbose=0)
    return model


def _model(kind, seed):
    from cv2course import settings

    return _trained(kind, seed, settings.QUICK)


def _vae(seed, pretrained=None):
    """(VAE, description): the shipped demo VAE unless ``pretrained=False`` (then trained live)."""
    if pretrained is None or pretrained:
        return _demo_vae(), "pretrained demo VAE"
    return _model("vae2", seed), f"VAE trained live ({_epochs(150)} epochs)"


@functools.lru_cache(maxsize=None)
def _demo_vae():
    from cv2course.demos import load_demo

    return load_demo("vae")


def _one_per_class(x, y, start=0):
    return np.stack([x[np.flatnonzero(y == k)[start]] for k in range(10)])


@figure("ae_reconstructions", kind="image", lecture=AE_LECTURE,
        caption="Denoising autoencoder on test digits: input, input with Gaussian noise (σ = 0.4), "
                "and the autoencoder's output.")
def ae_reconstructions(seed):
    import keras

    from cv2course.autoencoders import noise, plots

    _, _, xt, yt = _digits()
    dae = _model("dae", seed)
    x = _one_per_class(xt, yt)
    noisy = keras.ops.convert_to_numpy(noise.gaussian_noise(x, dae.strength, seed=seed))
    return plots.reconstruction_rows({"input": x, "noisy": noisy, "output": dae.reconstruct(noisy)})


@figure("ae_vs_pca", kind="plot", lecture=AE_LECTURE,
        caption="Dimensionality reduction for visualisation: the training digits' 2-D PCA projection and "
                "2-D autoencoder code, coloured by class, with each method's test reconstruction MSE.")
def ae_vs_pca(seed):
    from sklearn.decomposition import PCA

    from cv2course.autoencoders import losses, plots

    x, y, xt, _ = _digits()
    ae2 = _model("ae2", seed)
    flat = x.reshape(len(x), -1)
    pca = PCA(2, random_state=seed).fit(flat)
    flat_t = xt.reshape(len(xt), -1)
    pca_mse = float(np.mean(losses.mean_squared_error(flat_t, pca.inverse_transform(pca.transform(flat_t)))))
    ae_mse = float(np.mean(ae2.reconstruction_errors(xt)))
    return plots.ae_vs_pca(ae2.encode(x), pca.transform(flat), y, ae_mse=ae_mse, pca_mse=pca_mse)


@figure("vae_latent_scatter", kind="plot", lecture=VAE_LECTURE,
        caption="The VAE's 2-D latent means μ(x) of the training digits, coloured by class: "
                "the KL term packs them around the origin like the prior N(0, I).")
def vae_latent_scatter(seed, pretrained=None):
    from cv2course.autoencoders import plots

    x, y, _, _ = _digits()
    model, source = _vae(seed, pretrained)
    return plots.latent_scatter(model.encode(x)[0], y, title=f"VAE latent means μ(x) ({source})")


@figure("vae_manifold", kind="image", lecture=VAE_LECTURE,
        caption="The learned manifold: a 2-D VAE's (β = 0.5) decodings of a 15×15 grid of normal quantiles "
                "z = Φ⁻¹(q), q from 0.05 to 0.95 on each axis.")
def vae_manifold(seed, pretrained=None):
    from cv2course.autoencoders import plots

    model, source = _vae(seed, pretrained)
    return plots.latent_manifold(model.decode, n=15, title=source)


@figure("vae_interpolation", kind="image", lecture=VAE_LECTURE,
        caption="Interpolating in the VAE's latent space: decodings of (1 − t)·μ(x_a) + t·μ(x_b) "
                "between test digits of different classes.")
def vae_interpolation(seed, pretrained=None):
    import matplotlib.pyplot as plt

    _, _, xt, yt = _digits()
    model, source = _vae(seed, pretrained)
    pairs = ((0, 6), (1, 7), (3, 8))
    strips = [model.interpolate(xt[np.flatnonzero(yt == a)[0]], xt[np.flatnonzero(yt == b)[0]], steps=10)
              for a, b in pairs]
    fig, axes = plt.subplots(len(pairs), 10, figsize=(10, 1.1 * len(pairs)), squeeze=False)
    for r, strip in enumerate(strips):
        for c, img in enumerate(strip):
            ax = axes[r, c]
            ax.imshow(img[..., 0], cmap="gray", vmin=0, vmax=1, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if r == len(pairs) - 1:
                ax.set_xlabel(f"t={c / 9:.2f}", fontsize=8)
        axes[r, 0].set_ylabel(f"{pairs[r][0]}→{pairs[r][1]}", rotation=0, ha="right", va="center")
    fig.suptitle(source, fontsize=10)
    fig.subplots_adjust(wspace=0.05, hspace=0.05)
    return fig


@figure("ae_vs_vae", kind="image", lecture=VAE_LECTURE,
        caption="Continuity and completeness: random latent points decoded by a plain autoencoder (points "
                "drawn in the box of its training codes fall in gaps and decode to non-digits) and by a VAE "
                "(z ~ N(0, I) decodes to digits).")
def ae_vs_vae(seed, pretrained=None):
    from cv2course.autoencoders import plots

    x, y, _, _ = _digits()
    ae2, (vae2, source) = _model("ae2", seed), _vae(seed, pretrained)
    ae_codes = ae2.encode(x)
    ae_points = plots.latent_box_samples(ae_codes, 18, seed)
    vae_points = np.random.default_rng(seed).standard_normal((18, 2)).astype(np.float32)
    fig = plots.ae_vs_vae(ae_codes, ae_points, ae2.decode(ae_points), vae2.encode(x)[0], vae_points,
                          vae2.decode(vae_points), y)
    top, bottom = fig.subfigs
    top.suptitle("Autoencoder (trained live): random codes in the box of the training codes", fontsize=12)
    bottom.suptitle(f"VAE ({source}): random codes z ~ N(0, I)", fontsize=12)
    return fig
