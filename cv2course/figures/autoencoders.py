"""Slide figures of the autoencoder and VAE lectures (03_autoencoders, 04_vae).

The VAE figures use the shipped demo VAE (:func:`cv2course.demos.load_demo`, the same dense
2-D β = 0.5 VAE trained for 150 epochs) unless called with ``pretrained=False``, which trains
it live. The autoencoder figures train small models on the embedded digits at 28 px, once per
(seed, quick mode) and process. Every VAE picture's title says whether it is pretrained or live.
"""
import functools

import numpy as np

from cv2course.figures import figure
from cv2course.i18n import tr

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
    elif kind == "ae32":
        model, epochs = ae.dense_autoencoder(shape, 32), _epochs(40)
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
        return _demo_vae(), tr("pretrained demo VAE")
    return _model("vae2", seed), tr("VAE trained live ({epochs} epochs)", epochs=_epochs(150))


@functools.lru_cache(maxsize=None)
def _demo_vae():
    from cv2course.demos import load_demo

    return load_demo("vae")


def _one_per_class(x, y, start=0):
    return np.stack([x[np.flatnonzero(y == k)[start]] for k in range(10)])


def jpeg_round_trip(image, quality):
    """``image`` (h, w, 1 or 3) in [0, 1] saved as an 8-bit JPEG of ``quality`` and read back.

    Returns (decoded image, payload bytes, file bytes). The payload is the entropy-coded scan: the file
    without its headers, whose quantisation and Huffman tables are the same for every image of a quality
    (shared by coder and decoder, as an autoencoder's decoder weights are)."""
    import io

    from PIL import Image

    image = np.asarray(image, np.float64)
    pixels = np.round(np.clip(image, 0, 1) * 255).astype(np.uint8)
    pixels = pixels[..., 0] if pixels.shape[-1] == 1 else pixels
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=int(quality), optimize=True)
    data = buffer.getvalue()
    start = data.index(b"\xff\xda")                                    # start of scan
    header = int.from_bytes(data[start + 2:start + 4], "big")
    payload = len(data) - (start + 2 + header) - 2                     # minus the end-of-image marker
    decoded = np.asarray(Image.open(io.BytesIO(data)), dtype=np.float32) / 255.0
    return decoded.reshape(image.shape), payload, len(data)


def jpeg_at_budget(image, n_bytes):
    """The best JPEG whose payload fits ``n_bytes``: (decoded, payload bytes, quality); quality 1 if none fits."""
    best = None
    for quality in range(1, 96):
        decoded, payload, _ = jpeg_round_trip(image, quality)
        if payload > n_bytes and best is not None:
            break
        best = (decoded, payload, quality)
    return best


def quantized_reconstructions(model, images, reference_codes, bits=8):
    """``model``'s reconstructions from codes stored with ``bits`` bits per number (the range of each code unit
    taken from ``reference_codes``); returns (reconstructions, bytes per image)."""
    codes = np.asarray(model.encode(images), dtype=np.float64)
    lo, hi = np.min(reference_codes, axis=0), np.max(reference_codes, axis=0)
    levels = 2 ** bits - 1
    stored = np.clip(np.round((codes - lo) / np.maximum(hi - lo, 1e-12) * levels), 0, levels)
    restored = (stored / levels * (hi - lo) + lo).astype(np.float32)
    return np.asarray(model.decode(restored)), codes.shape[-1] * bits / 8


def ae_vs_jpeg_panel(model, images, reference_codes, labels=None):
    """Original / autoencoder (8-bit codes) / JPEG at the same payload bytes, with each one's PSNR."""
    import matplotlib.pyplot as plt

    from cv2course.sr.evaluate import psnr_values

    recon, n_bytes = quantized_reconstructions(model, images, reference_codes)
    fig, axes = plt.subplots(3, len(images), figsize=(1.45 * len(images), 5.2), squeeze=False)
    names = (tr("original"), tr("autoencoder"), tr("JPEG"))
    for c, image in enumerate(images):
        jpeg, payload, quality = jpeg_at_budget(image, n_bytes)
        panels = ((image, labels[c] if labels else ""),
                  (recon[c], tr("{psnr:.1f} dB, {n:g} B", psnr=psnr_values(image, recon[c], 1.0), n=n_bytes)),
                  (jpeg, tr("{psnr:.1f} dB, {n} B", psnr=psnr_values(image, jpeg, 1.0), n=payload)))
        for r, (img, title) in enumerate(panels):
            ax = axes[r, c]
            img = np.asarray(img)
            ax.imshow(img[..., 0] if img.shape[-1] == 1 else np.clip(img, 0, 1), cmap="gray", vmin=0, vmax=1,
                      interpolation="nearest")
            ax.set_title(title, fontsize=7)
            ax.set_xticks([])
            ax.set_yticks([])
    for r, name in enumerate(names):
        axes[r, 0].set_ylabel(name, fontsize=9)
    fig.suptitle(tr("The same number of bytes per image: {n:g} for the autoencoder's 8-bit code, at most that "
                    "for JPEG's payload (its tables, ~170 B, are shared like the decoder)", n=n_bytes), fontsize=9)
    fig.tight_layout()
    return fig


def photo_crops(shape=(SIZE, SIZE, 1), names=("camera", "coffee", "brick")):
    """Square crops of bundled photos resized to ``shape`` (grayscale when it has one channel): images unlike
    the digits an autoencoder learned."""
    from cv2course.data import resize_image, sample_image

    crops = []
    for name in names:
        img = sample_image(name, size=4 * max(shape[:2]))
        side = min(img.shape[:2])
        img = resize_image(img[:side, :side], tuple(shape[:2]))
        crops.append(img.mean(axis=-1, keepdims=True) if shape[-1] == 1 else img)
    return np.stack(crops).astype(np.float32)


@figure("ae_vs_jpeg", kind="image", lecture=AE_LECTURE,
        caption="Autoencoders do not beat a real codec: test digits and three photo crops (unlike the training "
                "digits), the reconstruction of a dense autoencoder from its 32-number code stored in 8 bits "
                "(32 bytes), and JPEG with a payload of at most 32 bytes, with the PSNR of each.")
def ae_vs_jpeg(seed):
    x, _, xt, yt = _digits()
    model = _model("ae32", seed)
    images = np.concatenate([_one_per_class(xt, yt)[[0, 2, 3, 5, 8]], photo_crops()])
    labels = ["0", "2", "3", "5", "8", tr("camera"), tr("coffee"), tr("brick")]
    return ae_vs_jpeg_panel(model, images, np.asarray(model.encode(x)), labels)


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
    return plots.reconstruction_rows({tr("input"): x, tr("noisy"): noisy, tr("output"): dae.reconstruct(noisy)})


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
    return plots.latent_scatter(model.encode(x)[0], y, title=tr("VAE latent means μ(x) ({source})", source=source))


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
    top.suptitle(tr("Autoencoder (trained live): random codes in the box of the training codes"), fontsize=12)
    bottom.suptitle(tr("VAE ({source}): random codes z ~ N(0, I)", source=source), fontsize=12)
    return fig
