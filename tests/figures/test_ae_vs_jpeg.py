"""The AE-vs-JPEG figure's helpers: JPEG payload within the budget, codes stored in 8 bits."""
import numpy as np

from cv2course.figures import autoencoders as fig


class Identity:
    """A stand-in autoencoder whose code is the flattened image (no training needed)."""

    def encode(self, x):
        return np.asarray(x).reshape(len(x), -1)

    def decode(self, z):
        return np.asarray(z).reshape(len(z), 8, 8, 1)


def test_jpeg_payload_fits_the_budget_and_more_bytes_give_a_closer_image():
    image = fig.photo_crops((28, 28, 1))[0]
    decoded, payload, size = fig.jpeg_round_trip(image, 50)
    assert decoded.shape == image.shape and payload < size and size - payload > 100  # the headers hold the tables
    errors = []
    for budget in (30, 120, 400):
        jpeg, used, quality = fig.jpeg_at_budget(image, budget)
        assert used <= budget
        errors.append(np.mean((jpeg - image) ** 2))
    assert errors[0] > errors[1] > errors[2]


def test_codes_are_stored_in_eight_bits_per_number():
    rng = np.random.default_rng(0)
    images = rng.random((5, 8, 8, 1)).astype("float32")
    recon, n_bytes = fig.quantized_reconstructions(Identity(), images, Identity().encode(images))
    assert n_bytes == 64
    assert np.max(np.abs(recon - images)) <= 0.5 / 255 * 1.0001, "rounding to 256 levels over each unit's range"
    assert np.max(np.abs(recon - images)) > 0, "the code is quantised, not passed through"
