"""GeneratorMetrics: FD/KD/IS of a GAN's, a cGAN's and a VAE's samples in ``history`` during fit."""
import numpy as np
import pytest

from cv2course.data import digits
from cv2course.metrics import (GeneratorMetrics, frechet_distance, get_extractor, inception_score,
                               kernel_distance, metric_key)
from cv2course.metrics.generator_metrics import sample_images

SMALL = dict(latent_dim=8, base_filters=4, seed=0)


@pytest.fixture(scope="module")
def real():
    return digits(28, "test")[0][:64]


def test_metric_keys_carry_the_extractor():
    assert metric_key("fd", "digits-cnn") == "fd_digits_cnn"
    assert metric_key("kd", "digits-cnn (quick)") == "kd_digits_cnn_quick"
    assert metric_key("is", "Keras InceptionV3") == "is_keras_inceptionv3"


def test_gan_history_has_the_scores_of_its_samples(real, digits_cnn_stub):
    from cv2course.gans import GAN

    model = GAN(**SMALL)
    model.compile(run_eagerly=True)
    monitor = GeneratorMetrics(real, extractor="digits-cnn", n=40, scores=("fd", "kd", "is"), num_subsets=3,
                               subset_size=20)
    data = model.make_dataset(real, batch_size=8, repeat=True)
    history = model.fit(data, epochs=2, steps_per_epoch=1, callbacks=[monitor], verbose=0).history
    keys = ["fd_digits_cnn", "kd_digits_cnn", "is_digits_cnn"]
    assert all(len(history[k]) == 2 for k in keys) and monitor.history["epoch"] == [1, 2]
    assert monitor.labels == {"fd_digits_cnn": "FD (digits-cnn)", "kd_digits_cnn": "KD (digits-cnn)",
                              "is_digits_cnn": "IS (digits-cnn)"}
    # the last values are the direct metrics of the trained generator's samples (same latent vectors)
    samples = model.generate(40, seed=0)
    features = get_extractor("digits-cnn")
    fake, ref = features.statistics(samples), features.statistics(real)
    assert history["fd_digits_cnn"][-1] == pytest.approx(frechet_distance(ref.mu, ref.sigma, fake.mu, fake.sigma),
                                                         rel=1e-6)
    kd = kernel_distance(features.features(real), features.features(samples), 3, 20, seed=0).mean
    assert history["kd_digits_cnn"][-1] == pytest.approx(kd, rel=1e-6, abs=1e-9)
    probs = get_extractor("digits-cnn", "probs").features(samples)
    assert history["is_digits_cnn"][-1] == pytest.approx(inception_score(probs, splits=10, seed=0).mean, rel=1e-6)
    assert history["fd_digits_cnn"][0] != history["fd_digits_cnn"][1]  # the generator changed between epochs


def test_cgan_and_vae_samples_are_scored(real, digits_cnn_stub):
    from cv2course.autoencoders import vae
    from cv2course.gans import ConditionalGAN

    cgan = ConditionalGAN(num_classes=10, **SMALL)
    cgan.compile(run_eagerly=True)
    labels = digits(28, "test")[1][:64]
    monitor = GeneratorMetrics(real, n=20)
    history = cgan.fit(cgan.make_dataset(real, labels=labels, batch_size=8, repeat=True), epochs=1,
                       steps_per_epoch=1, callbacks=[monitor], verbose=0).history
    samples = cgan.generate(np.arange(20) % 10, seed=0)
    np.testing.assert_array_equal(sample_images(cgan, 20, 0), samples)
    assert history["fd_digits_cnn"] == [pytest.approx(monitor.scores_of(samples)["fd_digits_cnn"], rel=1e-9)]

    model = vae.dense_vae((28, 28, 1), latent_dim=2, hidden=(8,), seed=0)
    model.compile()
    monitor = GeneratorMetrics(real, n=20, every=2)
    history = model.fit(real, epochs=2, batch_size=32, callbacks=[monitor], verbose=0).history
    assert monitor.history["epoch"] == [2] and len(history["fd_digits_cnn"]) == 1
    assert history["fd_digits_cnn"][0] == pytest.approx(monitor.scores_of(model.sample(20, seed=0))["fd_digits_cnn"],
                                                        rel=1e-9)


def test_bad_arguments_are_named(real, digits_cnn_stub):
    with pytest.raises(ValueError, match="scores must name some of"):
        GeneratorMetrics(real, scores=("fid",))
    with pytest.raises(ValueError, match="n must be >= 2"):
        GeneratorMetrics(real, n=1)
    with pytest.raises(TypeError, match="neither generate"):
        sample_images(object(), 4, 0)

