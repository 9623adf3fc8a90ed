"""What the generator-vs-discriminator models share (GAN, WGAN, WGAN-GP, cGAN, SGAN): one
generator, one discriminator (WGAN's critic), their two optimizers, saved with the model.
Each model writes its own complete ``train_step``; this holds no part of it."""
import keras

from cv2course.multi_network import MultiNetworkModel


class TwoPlayerModel(MultiNetworkModel):
    """A :class:`~cv2course.multi_network.MultiNetworkModel` with ``self.generator`` and
    ``self.discriminator``, updated by ``generator_optimizer`` and ``discriminator_optimizer``
    (DCGAN's Adam(2e-4, β1 = 0.5) unless a model's paper says otherwise)."""

    optimizer_names = ("discriminator_optimizer", "generator_optimizer")
    # XLA is available (compile(jit_compile=True)) but off by default: on the 2-core CPU (oneDNN on) it
    # measured 1.05-1.6x slower per step than the plain graph, on the package's networks and on keras-io's
    # (benchmarks/gans.py --speed), plus its compile time.
    default_jit_compile = False
    # Files saved before the common base named the optimizers d_optimizer / g_optimizer.
    legacy_optimizer_names = {"d_optimizer": "discriminator_optimizer", "g_optimizer": "generator_optimizer"}

    def default_optimizers(self):
        """DCGAN: Adam(learning_rate=2e-4, beta_1=0.5) for both networks."""
        return {"discriminator_optimizer": keras.optimizers.Adam(2e-4, beta_1=0.5),
                "generator_optimizer": keras.optimizers.Adam(2e-4, beta_1=0.5)}

    def optimized_variables(self):
        return {"discriminator_optimizer": self.discriminator.trainable_variables,
                "generator_optimizer": self.generator.trainable_variables}

    # Old names, read by notebook 07. Keras saves an optimizer under the first attribute name it
    # meets (alphabetically), so they also keep the files saved before the rename loading their
    # optimizer state.
    @property
    def d_optimizer(self):
        return self.discriminator_optimizer

    @property
    def g_optimizer(self):
        return self.generator_optimizer
