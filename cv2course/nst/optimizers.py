"""The loops that change the image: gradient descent (the slides' procedure), Adam and L-BFGS.

Each takes ``value_and_grad(x, targets) -> (terms, ∂J/∂x)`` of an image batch (1, H, W, 3)
and returns (image, history) for one size (see :class:`Trace` for the history). Pixels stay
in [0, 1]: clipped after each step of gradient descent and Adam, bounds for L-BFGS-B.

- gradient descent: G := G − lr·∂J/∂G (slides, class 5: "Inicialización aleatoria de una
  imagen G; G := G − ∂J/∂G");
- Adam (Kingma & Ba, 2015), Keras' implementation; the TF tutorial uses lr 0.02, β1 0.99, ε 0.1;
- L-BFGS-B (SciPy), as Gatys et al. (2015).
"""
import time

import numpy as np

OPTIMIZERS = ("adam", "lbfgs", "gradient_descent")


class Trace:
    """One size's history, progress bar, callback and time budget.

    ``history``: lists indexed by step (entry k is the image after k steps): ``step``,
    ``time`` (seconds since the start), ``evaluations`` (loss-and-gradient evaluations so
    far, line searches included) and every cost term.
    """

    def __init__(self, steps, name, callback=None, every=10, verbose=1, max_seconds=None):
        from tqdm.auto import tqdm

        self.history = {}
        self.callback, self.every, self.max_seconds = callback, every, max_seconds
        # redrawn at most once a second (a step takes about half a second at 256 px): in a plain
        # terminal every redraw is a new line of output when the terminal cannot rewrite it
        self.bar = tqdm(total=steps, desc=f"style transfer ({name})", disable=not verbose, leave=False,
                        mininterval=1.0)
        self.t0 = time.perf_counter()

    @property
    def seconds(self):
        return time.perf_counter() - self.t0

    def out_of_time(self):
        return self.max_seconds is not None and self.seconds >= self.max_seconds

    def record(self, step, terms, evaluations, seconds=None):
        h = self.history
        h.setdefault("step", []).append(step)
        h.setdefault("time", []).append(self.seconds if seconds is None else seconds)
        h.setdefault("evaluations", []).append(evaluations)
        for name, value in terms.items():
            h.setdefault(name, []).append(float(value))
        if step:
            self.bar.set_postfix(loss=f"{h['total'][-1]:.4g}", refresh=False)  # drawn by update, if it is time
            self.bar.update(1)

    def drop_last(self):
        for values in self.history.values():
            values.pop()

    def notify(self, step, image, terms, every_step=False):
        """Call the callback (at multiples of ``every`` unless ``every_step``); True if it asked to stop."""
        if self.callback is None or not (every_step or step % self.every == 0):
            return False
        try:
            self.callback(step, image, {k: float(v) for k, v in terms.items()})
        except StopIteration:
            return True
        return False

    def close(self):
        self.bar.close()


def gradient_descent(value_and_grad, start, targets, steps, trace, learning_rate):
    """G := clip(G − lr·∂J/∂G, 0, 1), ``steps`` times; one evaluation per step."""
    import tensorflow as tf

    image = np.clip(start, 0.0, 1.0).astype(np.float32)
    for step in range(steps + 1):
        terms, grad = value_and_grad(tf.constant(image[None]), targets)
        trace.record(step, terms, evaluations=step + 1)
        if step == steps or trace.out_of_time():
            trace.notify(step, image, terms, every_step=True)
            break
        if trace.notify(step, image, terms):
            break
        image = np.clip(image - learning_rate * grad.numpy()[0], 0.0, 1.0)
    trace.close()
    return image, trace.history


class Adam:
    """Keras Adam on the image as a variable; one traced step per image shape, kept for later runs."""

    def __init__(self, costs, learning_rate=0.02, beta_1=0.99, epsilon=0.1):
        self.costs = costs  # costs(image, targets) -> {name: scalar}, "total" differentiated
        self.learning_rate, self.beta_1, self.epsilon = learning_rate, beta_1, epsilon
        self._states = {}  # image shape -> (image variable, Adam, traced train step)

    @property
    def tracing_count(self):
        return sum(step.experimental_get_tracing_count() for _, _, step in self._states.values())

    def _state(self, start):
        """This shape's image variable and Adam, reset to ``start`` and zero moments, and its traced step."""
        import keras
        import tensorflow as tf

        shape = (1,) + tuple(start.shape)
        if shape not in self._states:
            image = tf.Variable(tf.zeros(shape), dtype=tf.float32, name="generated_image")
            opt = keras.optimizers.Adam(learning_rate=self.learning_rate, beta_1=self.beta_1, epsilon=self.epsilon)
            opt.build([image])

            @tf.function(autograph=False)
            def train_step(targets):
                with tf.GradientTape() as tape:
                    terms = self.costs(image, targets)
                grad = tape.gradient(terms["total"], image)
                opt.apply_gradients([(grad, image)])
                image.assign(tf.clip_by_value(image, 0.0, 1.0))
                return terms

            self._states[shape] = (image, opt, train_step)
        image, opt, train_step = self._states[shape]
        image.assign(start[None])
        opt.learning_rate.assign(self.learning_rate)
        for v in opt.variables:
            if v.name != "learning_rate":  # the step counter and the moments start afresh
                v.assign(tf.zeros_like(v))
        return image, train_step

    def __call__(self, value_and_grad, start, targets, steps, trace):
        import tensorflow as tf

        image, train_step = self._state(start)
        for step in range(steps):
            seconds = trace.seconds  # the image after `step` updates exists now
            if trace.out_of_time():
                steps = step
                break
            before = image.numpy()[0] if trace.callback is not None and step % trace.every == 0 else None
            terms = train_step(targets)  # costs of the image before this update
            trace.record(step, terms, evaluations=step + 1, seconds=seconds)
            if before is not None and trace.notify(step, before, terms):
                image.assign(before[None])  # the callback ends the run with the image it saw
                trace.drop_last()
                steps = step
                trace.callback = None
                break
        result = image.numpy()[0]
        terms, _ = value_and_grad(tf.constant(result[None]), targets)
        trace.record(steps, terms, evaluations=steps + 1)
        trace.notify(steps, result, terms, every_step=True)
        trace.close()
        return result, trace.history


def lbfgs(value_and_grad, start, targets, steps, trace, maxcor=10, ftol=0.0):
    """SciPy's L-BFGS-B with bounds [0, 1], at most ``steps`` iterations (3·steps evaluations).

    ``maxcor``: the number of correction pairs kept (SciPy's default 10); ``ftol``: stop once the
    relative decrease of J per iteration falls below it (0: run all steps).
    """
    import scipy.optimize
    import tensorflow as tf

    shape = (1,) + start.shape
    last = {"evaluations": 0}

    def fun(flat):
        terms, grad = value_and_grad(tf.constant(flat.reshape(shape), tf.float32), targets)
        last.update(x=flat.copy(), terms=terms, evaluations=last["evaluations"] + 1)
        return float(terms["total"]), grad.numpy().astype(np.float64).ravel()

    x0 = np.clip(start, 0.0, 1.0).astype(np.float64).ravel()
    fun(x0)
    trace.record(0, last["terms"], last["evaluations"], seconds=0.0)
    if trace.notify(0, start, last["terms"], every_step=True):
        steps = 0
    count = [0]

    def on_iteration(xk):
        if not np.array_equal(last["x"], xk):
            fun(xk)
        count[0] += 1
        trace.record(count[0], last["terms"], last["evaluations"])
        if trace.notify(count[0], xk.reshape(start.shape).astype(np.float32), last["terms"]) or trace.out_of_time():
            raise StopIteration  # SciPy ends the minimisation and returns this iterate

    final = x0
    if steps:
        bounds = scipy.optimize.Bounds(np.zeros(x0.size), np.ones(x0.size))
        final = scipy.optimize.minimize(
            fun, x0, jac=True, method="L-BFGS-B", bounds=bounds, callback=on_iteration,
            options={"maxiter": steps, "maxfun": 3 * steps, "maxcor": maxcor, "ftol": ftol, "gtol": 0.0}).x
    trace.close()
    result = final.reshape(start.shape).astype(np.float32)
    if count[0] % trace.every != 0:
        trace.notify(count[0], result, last["terms"], every_step=True)
    return result, trace.history
