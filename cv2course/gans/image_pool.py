"""CycleGAN's image pool: the discriminators learn from a history of generated images, not only
the latest ones (Shrivastava et al. 2017; Zhu et al. 2017 §4, capacity 50)."""
import keras
import tensorflow as tf

from cv2course.checks import check_integer, check_positive_int


@keras.saving.register_keras_serializable(package="cv2course")
class ImagePool(keras.layers.Layer):
    """A history of generated images (Shrivastava et al. 2017; CycleGAN §4 with capacity 50).

    ``pool(fakes)`` returns, image by image: while fewer than ``capacity`` images are stored,
    the image itself (and stores it); once full, with probability ½ a uniformly chosen
    stored image (which the new image replaces), else the image itself. The draws are
    stateless functions of ``(seed, step)`` with ``step`` counting calls, so a seeded pool
    is reproducible. Under a ``tf.distribute`` strategy the replicas gather the global
    batch, run the same pool on it and keep their own slice, so the pool (and training)
    is the same as on one device. Its state is saved with the model.
    """

    def __init__(self, capacity=50, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.capacity = check_positive_int(capacity, "capacity", allow_zero=True)
        self.seed = check_integer(seed, "seed")

    def build(self, input_shape):
        image_shape = tuple(input_shape[1:])
        if len(image_shape) != 3 or None in image_shape:
            raise ValueError(f"ImagePool needs a fixed image shape (H, W, C), got {image_shape}")
        # Every replica computes the same update, so keeping the first replica's is exact.
        self.images = self.add_weight(shape=(max(self.capacity, 1),) + image_shape, initializer="zeros",
                                      trainable=False, aggregation="only_first_replica", name="images")
        self.count = self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False,
                                     aggregation="only_first_replica", name="count")
        self.step = self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False,
                                    aggregation="only_first_replica", name="step")
        self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape

    def call(self, images):

        images = tf.stop_gradient(tf.cast(images, self.images.dtype))
        if self.capacity == 0:
            return images
        ctx = tf.distribute.get_replica_context()
        if ctx is None or ctx.num_replicas_in_sync == 1:
            return self._query(images)
        sizes = ctx.all_gather(tf.shape(images)[:1], axis=0)
        everything = ctx.all_gather(images, axis=0)
        start = tf.reduce_sum(sizes[:ctx.replica_id_in_sync_group])
        mine = self._query(everything)[start:start + tf.shape(images)[0]]
        return tf.ensure_shape(mine, images.shape)

    def _query(self, images):

        n = tf.shape(images)[0]
        step = tf.cast(self.step.value, tf.int32)
        # Philox named explicitly: the default algorithm may differ under XLA.
        u = tf.random.stateless_uniform(tf.reshape(n, (1,)), seed=tf.stack([self.seed, 2 * step]), alg="philox")
        slot = tf.random.stateless_uniform(tf.reshape(n, (1,)), seed=tf.stack([self.seed, 2 * step + 1]),
                                           maxval=self.capacity, dtype=tf.int32, alg="philox")

        def one(i, pool, count, out):
            image = images[i]

            def store():
                return tf.tensor_scatter_nd_update(pool, [[count]], image[None]), count + 1, image

            def swap():
                j = slot[i]
                return tf.tensor_scatter_nd_update(pool, [[j]], image[None]), count, pool[j]

            def keep():
                return pool, count, image

            pool, count, returned = tf.cond(count < self.capacity, store,
                                            lambda: tf.cond(u[i] < 0.5, swap, keep))
            return i + 1, pool, count, out.write(i, returned)

        out = tf.TensorArray(images.dtype, size=n, element_shape=images.shape[1:])
        _, pool, count, out = tf.while_loop(lambda i, *_: i < n, one,
                                            (tf.constant(0), tf.convert_to_tensor(self.images.value),
                                             tf.cast(self.count.value, tf.int32), out))
        self.images.assign(pool)
        self.count.assign(count)
        self.step.assign(step + 1)
        return tf.reshape(out.stack(), tf.shape(images))

    def get_config(self):
        return {**super().get_config(), "capacity": self.capacity, "seed": self.seed}
