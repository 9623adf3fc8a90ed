"""Seconds per training step of every GAN-family model: plain graph, XLA (``jit_compile=True``) and
"mixed_bfloat16", as ratios measured in one run, beside keras-io-style transcriptions of the
same networks (DCGAN: ``dcgan_overriding_train_step``; WGAN-GP: keras-io's ``wgan_gp``).

    nice python benchmarks/gans.py --speed                 # 28-px digits networks, m = 64
    nice python benchmarks/gans.py --speed --rounds 3 --steps 5 --models gan wgan_gp gan_keras_io_nets

Every variant is built, compiled and warmed up (traced / XLA-compiled) first; then the
variants are timed in interleaved rounds of ``steps`` steps of ``fit`` on a repeated in-memory
batch (no input pipeline cost, no per-call ``train_on_batch`` overhead), and the median round is
reported. One training step is one generator update (with its k = n_critic discriminator
updates). The keras-io columns time keras-io's step on the same networks: keras-io's DCGAN (one
discriminator update on a concatenated real+fake batch with noisy labels, then one generator
update) and keras-io's WGAN-GP (3 critic updates on one reused batch); its default on a CPU is no
XLA (Keras' ``jit_compile="auto"`` is off on CPU-only machines). keras-io's DCGAN calls its
networks without ``training=True``, which on networks with batch normalisation would use the
moving statistics (less work, and no training of the statistics); the transcription passes
``training=True`` so that both steps do the same work. ``gan_keras_io_nets`` is the package's GAN
and keras-io's DCGAN step on keras-io's own DCGAN networks (no batch normalisation; 32x32x1
here instead of 64x64x3, latent 128), called exactly as keras-io calls them.

Idle machine, 2 December (``python benchmarks/gans.py --speed --models gan wgan_gp gan_keras_io_nets
--rounds 3 --steps 5``; CPU with AMX-BF16, oneDNN on):

    model              plain s/step  XLA/plain  bf16/plain  keras-io s/step  plain/keras-io  keras-io XLA/keras-io
    gan                0.0333        1.15       1.00        0.0367           0.91            1.10
    wgan_gp            0.1627        1.01       0.84        0.1024           1.59            0.90
    gan_keras_io_nets  1.4931        1.47       0.35        1.4140           1.06            1.61

XLA does not pay on this CPU, for the package or for keras-io, so it stays off by default.
WGAN-GP does 5 critic updates on fresh batches where keras-io does 3 on one reused batch (per
critic update 0.95x keras-io). Mixed bfloat16 is what makes large convolutions fast here (0.35x
on keras-io's networks, i.e. 0.37x keras-io's default step), not on the small digits networks.
"""
import statistics
import time

import numpy as np

NETWORK = dict(latent_dim=64, base_filters=32, image_size=28)
MODELS = ("gan", "wgan", "wgan_gp", "cgan", "sgan", "cyclegan", "gan_keras_io_nets")
KERAS_IO_NETS = dict(image_size=32, channels=1, latent_dim=128)


def package_model(name, seed=0):
    from cv2course.gans.cgan import ConditionalGAN
    from cv2course.gans.cyclegan import small_cyclegan
    from cv2course.gans.gan import GAN
    from cv2course.gans.sgan import SemiSupervisedGAN
    from cv2course.gans.wgan import WGAN
    from cv2course.gans.wgan_gp import WGANGP

    if name == "sgan":
        return SemiSupervisedGAN(latent_dim=64, base_filters=32, image_size=28, seed=seed)
    if name == "cyclegan":
        return small_cyclegan(channels=1, image_size=28, seed=seed)
    if name == "gan_keras_io_nets":
        return GAN(*keras_io_networks(), seed=seed)
    return {"gan": GAN, "wgan": WGAN, "wgan_gp": WGANGP, "cgan": ConditionalGAN}[name](seed=seed, **NETWORK)


def keras_io_networks(image_size=KERAS_IO_NETS["image_size"], channels=KERAS_IO_NETS["channels"],
                      latent_dim=KERAS_IO_NETS["latent_dim"]):
    """keras-io's DCGAN generator and discriminator (``dcgan_overriding_train_step``), transcribed;
    the discriminator ends in a raw score (BCE from logits) where keras-io's ends in a sigmoid."""
    from keras import Input, Sequential, layers

    s = image_size // 8
    discriminator = Sequential([
        Input((image_size, image_size, channels)),
        layers.Conv2D(64, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Conv2D(128, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Conv2D(128, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Flatten(), layers.Dropout(0.2), layers.Dense(1)], name="discriminator")
    generator = Sequential([
        Input((latent_dim,)), layers.Dense(s * s * 128), layers.Reshape((s, s, 128)),
        layers.Conv2DTranspose(128, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Conv2DTranspose(256, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Conv2DTranspose(512, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Conv2D(channels, 5, padding="same", activation="tanh")], name="generator")
    return generator, discriminator


def batch_for(name, m=64, k=1, seed=0):
    rng = np.random.default_rng(seed)
    size = KERAS_IO_NETS["image_size"] if name == "gan_keras_io_nets" else 28
    images = rng.random((m * k, size, size, 1)).astype(np.float32)
    labels = (np.arange(m * k) % 10).astype(np.int32)
    if name == "cgan":
        return images, labels
    if name == "sgan":
        return (images, images[:m]), labels[:m]
    if name == "cyclegan":
        return images[:1], images[1:2]  # the paper's batch of 1
    return images, None


def keras_io_dcgan(generator, discriminator, latent_dim, training=True):
    """keras-io's ``dcgan_overriding_train_step`` GAN, transcribed (BCE from logits: the package's
    discriminator outputs raw scores where keras-io's ends in a sigmoid). ``training=None`` calls
    the networks as keras-io does (batch normalisation and dropout in inference mode)."""
    import keras
    import tensorflow as tf

    class KerasIoGAN(keras.Model):
        def __init__(self):
            super().__init__()
            self.discriminator, self.generator, self.latent_dim = discriminator, generator, latent_dim
            self.seed_generator = keras.random.SeedGenerator(1337)
            self.d_loss_metric = keras.metrics.Mean(name="d_loss")
            self.g_loss_metric = keras.metrics.Mean(name="g_loss")

        def compile(self, d_optimizer, g_optimizer, loss_fn, **kwargs):
            super().compile(**kwargs)
            self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn

        @property
        def metrics(self):
            return [self.d_loss_metric, self.g_loss_metric]

        def train_step(self, data):
            real_images = keras.utils.unpack_x_y_sample_weight(data)[0] * 2.0 - 1.0
            batch_size = tf.shape(real_images)[0]
            z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
            generated = self.generator(z, training=training)
            combined = tf.concat([generated, real_images], axis=0)
            labels = tf.concat([tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0)
            labels += 0.05 * tf.random.uniform(tf.shape(labels))
            with tf.GradientTape() as tape:
                d_loss = self.loss_fn(labels, self.discriminator(combined, training=training))
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
            z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
            misleading = tf.zeros((batch_size, 1))
            with tf.GradientTape() as tape:
                g_loss = self.loss_fn(misleading, self.discriminator(self.generator(z, training=training),
                                                                    training=training))
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
            self.d_loss_metric.update_state(d_loss)
            self.g_loss_metric.update_state(g_loss)
            return {"d_loss": self.d_loss_metric.result(), "g_loss": self.g_loss_metric.result()}

    model = KerasIoGAN()
    model.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5),
                  keras.losses.BinaryCrossentropy(from_logits=True))
    return model


def keras_io_wgan_gp(generator, critic, latent_dim, discriminator_extra_steps=3, gp_weight=10.0):
    """keras-io's ``wgan_gp`` WGAN class, transcribed: 3 critic steps on one reused real batch,
    ‖∇‖ without ε, Adam(2e-4, β1 = 0.5, β2 = 0.9)."""
    import keras
    import tensorflow as tf

    class KerasIoWGAN(keras.Model):
        def __init__(self):
            super().__init__()
            self.discriminator, self.generator, self.latent_dim = critic, generator, latent_dim
            self.d_steps, self.gp_weight = discriminator_extra_steps, gp_weight

        def compile(self, d_optimizer, g_optimizer, **kwargs):
            super().compile(**kwargs)
            self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

        def gradient_penalty(self, batch_size, real_images, fake_images):
            alpha = tf.random.uniform([batch_size, 1, 1, 1], 0.0, 1.0)
            interpolated = real_images + alpha * (fake_images - real_images)
            with tf.GradientTape() as gp_tape:
                gp_tape.watch(interpolated)
                pred = self.discriminator(interpolated, training=True)
            grads = gp_tape.gradient(pred, [interpolated])[0]
            norm = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]))
            return tf.reduce_mean((norm - 1.0) ** 2)

        def train_step(self, data):
            real_images = keras.utils.unpack_x_y_sample_weight(data)[0] * 2.0 - 1.0
            batch_size = tf.shape(real_images)[0]
            for _ in range(self.d_steps):
                z = tf.random.normal(shape=(batch_size, self.latent_dim))
                with tf.GradientTape() as tape:
                    fake_images = self.generator(z, training=True)
                    fake_logits = self.discriminator(fake_images, training=True)
                    real_logits = self.discriminator(real_images, training=True)
                    d_cost = tf.reduce_mean(fake_logits) - tf.reduce_mean(real_logits)
                    d_loss = d_cost + self.gp_weight * self.gradient_penalty(batch_size, real_images, fake_images)
                d_gradient = tape.gradient(d_loss, self.discriminator.trainable_variables)
                self.d_optimizer.apply_gradients(zip(d_gradient, self.discriminator.trainable_variables))
            z = tf.random.normal(shape=(batch_size, self.latent_dim))
            with tf.GradientTape() as tape:
                g_loss = -tf.reduce_mean(self.discriminator(self.generator(z, training=True), training=True))
            gen_gradient = tape.gradient(g_loss, self.generator.trainable_variables)
            self.g_optimizer.apply_gradients(zip(gen_gradient, self.generator.trainable_variables))
            return {"d_loss": d_loss, "g_loss": g_loss}

    model = KerasIoWGAN()
    model.compile(keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.9), keras.optimizers.Adam(2e-4, beta_1=0.5,
                                                                                             beta_2=0.9))
    return model


def variants(name):
    """{label: build() -> (model, batch)} for one model: the package plain / XLA / bfloat16, and
    keras-io's transcription where keras-io has one."""
    import keras

    def package(jit, policy="float32"):
        def build():
            keras.mixed_precision.set_global_policy(policy)
            try:
                model = package_model(name)
                model.compile(jit_compile=jit)
            finally:
                keras.mixed_precision.set_global_policy("float32")
            k = getattr(model, "discriminator_steps", 1)
            return model, batch_for(name, k=k)
        return build

    out = {"plain": package(False), "xla": package(True), "bf16": package(False, "mixed_bfloat16")}
    if name in ("gan", "wgan_gp", "gan_keras_io_nets"):
        def keras_io(jit):
            def build():
                reference = package_model(name)  # the same networks, fresh weights
                if name == "wgan_gp":
                    model = keras_io_wgan_gp(reference.generator, reference.discriminator, reference.latent_dim)
                else:
                    model = keras_io_dcgan(reference.generator, reference.discriminator, reference.latent_dim,
                                           training=None if name == "gan_keras_io_nets" else True)
                model.jit_compile = jit
                return model, batch_for(name, k=1)
            return build
        out["keras-io"] = keras_io(False)
        out["keras-io xla"] = keras_io(True)
    return out


def repeated_batch(x, y):
    """One batch repeated forever, through the package's pipeline ending (no autotune stall)."""
    import tensorflow as tf

    from cv2course.data.pipelines import finish_pipeline

    return finish_pipeline(tf.data.Dataset.from_tensors(x if y is None else (x, y)).repeat())


def time_models(names=MODELS, rounds=5, steps=5, warmup=2, verbose=True):
    """{model: {variant: median seconds per step}} with the variants of a model interleaved."""
    import keras

    results = {}
    for name in names:
        built = {}
        for label, build in variants(name).items():
            keras.utils.set_random_seed(0)
            model, (x, y) = build()
            data = repeated_batch(x, y)
            model.fit(data, steps_per_epoch=warmup, epochs=1, verbose=0)
            built[label] = (model, data)
        times = {label: [] for label in built}
        for _ in range(rounds):
            for label, (model, data) in built.items():
                t0 = time.perf_counter()
                model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0)
                times[label].append((time.perf_counter() - t0) / steps)
        results[name] = {label: statistics.median(ts) for label, ts in times.items()}
        if verbose:
            print_row(name, results[name])
    return results


COLUMNS = ("plain", "xla", "bf16", "keras-io", "keras-io xla")


def print_header():
    print(f"{'model':<9} {'plain s/step':>12} {'XLA/plain':>10} {'bf16/plain':>10} {'keras-io s/step':>15} "
          f"{'plain/keras-io':>14} {'XLA/keras-io':>12} {'keras-io XLA/keras-io':>21}", flush=True)


def print_row(name, r):
    def ratio(a, b):
        return f"{r[a] / r[b]:.2f}" if a in r and b in r else "-"

    kio = f"{r['keras-io']:.4f}" if "keras-io" in r else "-"
    print(f"{name:<9} {r['plain']:>12.4f} {ratio('xla', 'plain'):>10} {ratio('bf16', 'plain'):>10} {kio:>15} "
          f"{ratio('plain', 'keras-io'):>14} {ratio('xla', 'keras-io'):>12} {ratio('keras-io xla', 'keras-io'):>21}",
          flush=True)


def main(names=MODELS, rounds=5, steps=5):
    print_header()
    return time_models(names, rounds, steps)
