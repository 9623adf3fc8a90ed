"""The semi-supervised GAN against its labelled-only baseline on the embedded digits (100
labels): the experiment notebook 10, the slides' figure and ``benchmarks/sgan_cyclegan.py`` run."""
import keras
import numpy as np
import tensorflow as tf

from cv2course.checks import check_images, check_positive
from cv2course.data.pipelines import finish_pipeline
from cv2course.gans.sgan import SemiSupervisedGAN
from cv2course.gans.sgan_data import labelled_subset, semi_supervised_dataset
from cv2course.gans.sgan_networks import sgan_discriminator
from cv2course.schedules import LinearDecay


def labelled_only_classifier(discriminator, labelled_images, labels, steps=300, batch_size=64, learning_rate=2e-4,
                             seed=0, verbose=0):
    """The baseline: a fresh copy of ``discriminator``'s architecture trained with cross-entropy on
    the labelled images only (same optimizer settings, ``steps`` updates). Returns a
    ``keras.Model`` from images in [0, 1] to class probabilities."""
    check_positive(steps, "steps", integer=True)
    labelled_images = check_images(labelled_images, "labelled_images", channels=None)
    keras.utils.set_random_seed(seed)
    net = keras.models.clone_model(discriminator)
    x = keras.Input(tuple(discriminator.inputs[0].shape[1:]), name="image")
    logits, _ = net(keras.layers.Rescaling(2.0, offset=-1.0, name="to_minus1_1")(x))
    classifier = keras.Model(x, logits, name="labelled_only_classifier")
    classifier.compile(keras.optimizers.Adam(learning_rate, beta_1=0.5),
                       keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    n = len(labelled_images)
    b = min(int(batch_size), n)
    ds = tf.data.Dataset.from_tensor_slices((labelled_images, np.asarray(labels).astype(np.int32)))
    ds = ds.shuffle(n, seed=seed, reshuffle_each_iteration=True).repeat().batch(b, drop_remainder=True)
    classifier.fit(finish_pipeline(ds), steps_per_epoch=int(steps), epochs=1, verbose=verbose)
    return keras.Model(x, keras.layers.Softmax(name="probabilities")(classifier.output), name="labelled_only")


def accuracy_of(model, images, labels, batch_size=256):
    """Fraction of ``images`` that ``model`` (images in [0, 1] → class probabilities) labels correctly."""
    probs = model.predict(np.asarray(images, np.float32), batch_size=batch_size, verbose=0)
    return float(np.mean(np.argmax(probs, axis=-1) == np.asarray(labels)))


def run_sgan_experiment(n_labelled=100, epochs=None, image_size=16, batch_size=64, seed=0, base_filters=None,
                        latent_dim=None, learning_rate=6e-4, unsupervised_weight=0.5, input_noise=0.3,
                        hidden_noise=0.5, verbose=0):
    """Train a semi-supervised GAN and its labelled-only baseline on the embedded digits with the
    same discriminator architecture, optimizer, learning-rate schedule and number of discriminator
    updates; return {"sgan_accuracy", "baseline_accuracy", "baseline_noise_free_accuracy",
    "steps", "seconds", "history"} on the test split.

    Salimans et al.'s MNIST recipe scaled to this budget: Gaussian noise on D's input (0.3) and
    hidden layers (0.5) besides dropout, the unsupervised term weighted 0.5, a labelled batch
    every step (the labelled set repeated), feature matching for G, Adam(β1 = 0.5) held for
    two thirds of training then decayed linearly to 0. The baseline is the same network with the
    same noise, dropout, optimizer and schedule on the labelled images only; it is also trained
    without the Gaussian noise (``baseline_noise_free_accuracy``), so that the noise helps the
    GAN rather than handicapping the baseline."""
    import time

    from cv2course import settings
    from cv2course.data import digits

    epochs = epochs if epochs is not None else settings.pick(30, 1)
    base_filters = base_filters or settings.pick(32, 8)
    latent_dim = latent_dim or settings.pick(64, 16)
    settings.set_seed(seed)
    train_x, train_y = digits(size=image_size, split="train")
    test_x, test_y = digits(size=image_size, split="test")
    lab_x, lab_y = labelled_subset(train_x, train_y, n_labelled, seed=seed)
    ds = semi_supervised_dataset(lab_x, lab_y, train_x, batch_size=batch_size, seed=seed)
    total = int(epochs) * (len(train_x) // batch_size)

    def schedule():
        return LinearDecay.over_last(learning_rate, total)

    model = SemiSupervisedGAN(image_size=image_size, base_filters=base_filters, latent_dim=latent_dim, seed=seed,
                              unsupervised_weight=unsupervised_weight, input_noise=input_noise,
                              hidden_noise=hidden_noise)
    model.compile(discriminator_optimizer=keras.optimizers.Adam(schedule(), beta_1=0.5),
                  generator_optimizer=keras.optimizers.Adam(schedule(), beta_1=0.5))
    t0 = time.perf_counter()
    history = model.fit(ds, epochs=epochs, verbose=verbose, validation_data=(test_x, test_y))
    seconds = time.perf_counter() - t0
    steps = int(model.discriminator_optimizer.iterations.numpy())
    baseline = labelled_only_classifier(model.discriminator, lab_x, lab_y, steps=steps, batch_size=batch_size,
                                        learning_rate=schedule(), seed=seed)
    noise_free = labelled_only_classifier(sgan_discriminator(image_size, model.image_shape[-1], model.num_classes,
                                                             base_filters),
                                          lab_x, lab_y, steps=steps, batch_size=batch_size,
                                          learning_rate=schedule(), seed=seed)
    return {"sgan_accuracy": float(model.evaluate(test_x, test_y, verbose=0, return_dict=True)["accuracy"]),
            "baseline_accuracy": accuracy_of(baseline, test_x, test_y),
            "baseline_noise_free_accuracy": accuracy_of(noise_free, test_x, test_y), "steps": steps,
            "seconds": seconds, "history": history.history, "model": model, "baseline": baseline}
