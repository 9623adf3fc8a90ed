"""Autoencoders and the variational autoencoder (lecture 03-04).

Names are imported lazily so that ``import cv2course.autoencoders`` (and the CLI) stays
light; ``from cv2course.autoencoders import VAE`` loads Keras then.
"""
from cv2course.lazy import lazy_exports

_EXPORTS = {
    "ae": ("Autoencoder", "DenoisingAutoencoder", "SparseAutoencoder", "LSTMAutoencoder", "dense_autoencoder",
           "conv_autoencoder"),
    "networks": ("dense_encoder", "dense_decoder", "conv_encoder", "conv_decoder", "lstm_encoder", "lstm_decoder"),
    "vae": ("VAE", "Sampling", "reparameterize", "sample_epsilon", "conv_vae", "dense_vae"),
    "losses": ("reconstruction_loss", "mean_squared_error", "vae_kl", "sparse_kl", "l1_activity", "negative_elbo"),
    "noise": ("gaussian_noise", "salt_and_pepper", "corrupt"),
    "sequences": ("ecg_waves",),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
