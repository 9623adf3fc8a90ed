"""Neural style transfer (Gatys et al., 2015): gradient descent on the image itself.

A frozen VGG gives the activations; the targets (content activations, style Gram
matrices) are computed once; the generated image is the only variable. The loss and its
gradient are one ``tf.function``, traced once per image shape and reused by every
:meth:`StyleTransfer.run`. The loops that change the image are in
:mod:`cv2course.nst.optimizers`, coarse to fine in :mod:`cv2course.nst.pyramid`, colour
preservation in :mod:`cv2course.nst.color`.

    >>> st = StyleTransfer.from_preset("course")
    >>> result = st.run("tuebingen.jpg", "starry_night.jpg")
    >>> result.image, result.history["total"]
"""
import dataclasses

import numpy as np

from cv2course.checks import check_choice, check_images, check_positive
from cv2course.nst import color, losses, optimizers, pyramid
from cv2course.nst.images import load_input, long_side_size  # noqa: F401  (long_side_size: public here too)
from cv2course.nst.optimizers import OPTIMIZERS
from cv2course.nst.pyramid import level_shapes, split_steps  # noqa: F401  (public here too)

INITS = ("content", "content_in_style_colors", "noise", "style")


@dataclasses.dataclass
class StyleResult:
    """What :meth:`StyleTransfer.run` returns.

    ``image``: (H, W, 3) float32 in [0, 1]. ``history``: lists indexed by step (entry k is
    the image after k steps, entry 0 the start image): ``step``, ``time`` (seconds since
    the start), ``evaluations`` (loss-and-gradient evaluations so far, line searches
    included), ``level`` (0 = coarsest; costs are those of that level's size, so only
    the last level's are the full-size loss), ``total``, ``content``, ``style``, ``tv`` and
    ``style/<layer>``, ``content/<layer>`` (unweighted costs of each layer).
    """
    image: np.ndarray
    history: dict
    seconds: float
    weights_label: str

    @property
    def final_loss(self):
        return float(self.history["total"][-1])


@dataclasses.dataclass
class RunSettings:
    """What :meth:`StyleTransfer.run` does unless told otherwise.

    ``steps``: iterations (with ``levels > 1`` the total over the levels, or a sequence of
    counts per level, coarse to fine); ``size``: longer side in pixels (None keeps the
    images' sizes); ``init``: "content", "content_in_style_colors" (see
    :mod:`cv2course.nst.color`), "noise", "style" or an image; ``levels``: coarse to
    fine over that many sizes (1: one size); ``optimizer``: "lbfgs", "adam" (with
    ``learning_rate``, ``beta_1``, ``epsilon``) or "gradient_descent" (``learning_rate``);
    ``lbfgs_maxcor``, ``lbfgs_ftol``: see :func:`cv2course.nst.optimizers.lbfgs`;
    ``jit_compile``: XLA for the loss-and-gradient function (None: the machine's measured
    choice, see :mod:`cv2course.fastpath`).
    """
    steps: object = 300
    size: object = 256
    init: object = "content"
    levels: int = 1
    optimizer: str = "adam"
    learning_rate: float = 0.02
    beta_1: float = 0.99
    epsilon: float = 0.1
    lbfgs_maxcor: int = 10
    lbfgs_ftol: float = 0.0
    jit_compile: object = None

    def __post_init__(self):
        if isinstance(self.steps, (list, tuple)):
            self.steps = tuple(int(check_positive(n, "steps", allow_zero=True, integer=True)) for n in self.steps)
            if not self.steps:
                raise ValueError("steps as a sequence needs one count per level (coarse to fine), got an empty one")
        else:
            self.steps = int(check_positive(self.steps, "steps", allow_zero=True, integer=True))
        self.size = None if self.size is None else int(check_positive(self.size, "size", integer=True))
        self.levels = int(check_positive(self.levels, "levels", integer=True))
        self.optimizer = check_choice(self.optimizer, "optimizer", OPTIMIZERS)
        self.learning_rate = float(check_positive(self.learning_rate, "learning_rate"))
        self.beta_1 = float(self.beta_1)
        self.epsilon = float(check_positive(self.epsilon, "epsilon"))
        self.lbfgs_maxcor = int(check_positive(self.lbfgs_maxcor, "lbfgs_maxcor", integer=True))
        self.lbfgs_ftol = float(check_positive(self.lbfgs_ftol, "lbfgs_ftol", allow_zero=True))

    def updated(self, **changes):
        """A copy with the changes that are not None."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


def _as_layer_weights(layers, name):
    """str, list or {layer: weight} -> {layer: float weight}; a list gets equal weights 1/n."""
    if layers is None:
        return {}
    if isinstance(layers, str):
        layers = [layers]
    if isinstance(layers, dict):
        return {str(layer): float(check_positive(w, f"{name}[{layer!r}]", allow_zero=True))
                for layer, w in layers.items()}
    layers = list(layers)
    return {str(layer): 1.0 / len(layers) for layer in layers}


class StyleTransfer:
    """Style transfer with the course's costs (see :mod:`cv2course.nst.losses`).

    J(G) = α·Σ_l μ_l J_content^[l](C, G) + β·Σ_l λ_l J_style^[l](S, G) + γ·J_TV(G)

    ``content_layers`` / ``style_layers``: a layer name, a list (equal weights 1/n) or
    {layer: weight}; an empty style gives content reconstruction, an empty content gives
    texture synthesis. ``arch``, ``weights``, ``pooling`` go to
    :func:`cv2course.backbones.vgg_features` (``pooling="avg"`` as Gatys suggests), or
    ``extractor`` is a ready {layer: activation} model. ``gram_matrix``: fn(a) of an
    activation (n_H, n_W, n_C) or (1, n_H, n_W, n_C) to its (n_C, n_C) Gram matrix, written
    with ``keras.ops`` or TensorFlow so that it is differentiable (default
    :func:`cv2course.nst.losses.gram_matrix`); it serves the style targets and the generated
    image alike. ``run_settings`` (``steps``, ``size``, ``optimizer`` ...) are the defaults of
    :meth:`run`, see :class:`RunSettings`. The loss-and-gradient function is traced once per
    image shape and kept (:attr:`tracing_count`), so later runs at the same sizes start at once.
    """

    def __init__(self, content_layers="block5_conv2", style_layers=None, alpha=10.0, beta=40.0, gamma=0.0,
                 arch="vgg19", weights="auto", pooling="max", extractor=None, gram_matrix=None, **run_settings):
        from cv2course.backbones import vgg_layer_names

        if style_layers is None:
            style_layers = {f"block{b}_conv1": 0.2 for b in range(1, 6)}
        self.content_layers = _as_layer_weights(content_layers, "content_layers")
        self.style_layers = _as_layer_weights(style_layers, "style_layers")
        if not self.content_layers and not self.style_layers:
            raise ValueError("content_layers and style_layers are both empty; name at least one layer")
        valid = vgg_layer_names(arch)
        unknown = [layer for layer in list(self.content_layers) + list(self.style_layers) if layer not in valid]
        if unknown:
            raise ValueError(f"unknown layer name(s) {unknown} for {arch}; valid layers: {valid}")
        self.alpha = float(check_positive(alpha, "alpha", allow_zero=True))
        self.beta = float(check_positive(beta, "beta", allow_zero=True))
        self.gamma = float(check_positive(gamma, "gamma", allow_zero=True))
        if gram_matrix is not None and not callable(gram_matrix):
            raise TypeError(f"gram_matrix must be a function of an activation, got {type(gram_matrix).__name__}")
        self.gram_matrix = gram_matrix
        self.settings = RunSettings(**run_settings)
        self.arch, self.weights, self.pooling = arch, weights, pooling
        self._extractor = extractor
        self._value_and_grad = {}  # jit_compile -> tf.function, traced once per image shape
        self._adam = optimizers.Adam(self.costs)

    @classmethod
    def from_preset(cls, name="course", **overrides):
        """A StyleTransfer configured as preset ``name`` (see :mod:`cv2course.nst.presets`), with overrides."""
        from cv2course.nst.presets import preset

        return cls(**{**preset(name), **overrides})

    # -- the network -------------------------------------------------------------------
    @property
    def extractor(self):
        """The frozen VGG from [0, 1] images to {layer: activation} (built on first use)."""
        if self._extractor is None:
            from cv2course.backbones import vgg_features

            layers = list(dict.fromkeys(list(self.content_layers) + list(self.style_layers)))
            self._extractor = vgg_features(layers, arch=self.arch, weights=self.weights, pooling=self.pooling)
        return self._extractor

    @property
    def weights_label(self):
        return getattr(self.extractor, "weights_label", "custom extractor")

    @property
    def tracing_count(self):
        """How many times this transfer's step functions were traced: one per optimiser and image shape."""
        traced = sum(fn.experimental_get_tracing_count() for fn in self._value_and_grad.values())
        return traced + self._adam.tracing_count

    def features(self, image):
        """{layer: activation (1, h, w, c)} of one [0, 1] image (H, W, 3) or (1, H, W, 3)."""
        import tensorflow as tf

        x = tf.convert_to_tensor(image, tf.float32)
        if x.shape.rank == 3:
            x = x[None]
        return self.extractor(x)

    # -- targets and costs -------------------------------------------------------------
    def _gram(self, a):
        return losses.normalized_gram(a, self.gram_matrix)

    def targets(self, content=None, style=None, style_blend=None):
        """The fixed targets, computed once: content activations and normalised style Grams.

        ``style`` may be a list of images; their Gram matrices are mixed with the weights
        ``style_blend`` (default equal), which equals weighting their style costs up to a
        constant.
        """
        import tensorflow as tf

        out = {"content": {}, "style": {}}
        if self.content_layers and self.alpha > 0:
            if content is None:
                raise ValueError("content is None but content_layers and alpha > 0 ask for a content cost; "
                                 "pass alpha=0 or content_layers=[] for texture synthesis")
            feats = self.features(content)
            out["content"] = {layer: tf.constant(feats[layer]) for layer in self.content_layers}
        if self.style_layers and self.beta > 0:
            if style is None:
                raise ValueError("style is None but style_layers and beta > 0 ask for a style cost; "
                                 "pass beta=0 or style_layers=[] for content reconstruction")
            styles = list(style) if isinstance(style, (list, tuple)) else [style]
            blend = np.full(len(styles), 1.0 / len(styles)) if style_blend is None else np.asarray(style_blend, float)
            if blend.shape != (len(styles),) or np.any(blend < 0) or blend.sum() <= 0:
                raise ValueError(f"style_blend must be {len(styles)} non-negative weights with a positive sum, "
                                 f"got {style_blend!r}")
            blend = blend / blend.sum()
            grams = {layer: 0.0 for layer in self.style_layers}
            for img, w in zip(styles, blend):
                feats = self.features(img)
                for layer in self.style_layers:
                    grams[layer] = grams[layer] + float(w) * self._gram(feats[layer])
            out["style"] = {layer: tf.constant(g) for layer, g in grams.items()}
        return out

    def costs(self, image, targets):
        """Every cost term of ``image`` (1, H, W, 3) against ``targets``: {name: scalar tensor}.

        ``total`` = α·content + β·style + γ·tv; ``content`` and ``style`` are the layer
        sums Σ μ_l J^[l] and Σ λ_l J^[l]; ``content/<layer>`` and ``style/<layer>`` the
        unweighted layer costs.
        """
        import tensorflow as tf

        feats = self.features(image)
        terms = {}
        content = style = zero = tf.constant(0.0)
        for layer, target in targets["content"].items():
            terms[f"content/{layer}"] = losses.content_cost(target, feats[layer])
            content = content + self.content_layers[layer] * terms[f"content/{layer}"]
        for layer, target in targets["style"].items():
            terms[f"style/{layer}"] = losses.style_cost_from_grams(target, self._gram(feats[layer]))
            style = style + self.style_layers[layer] * terms[f"style/{layer}"]
        tv = losses.total_variation(image) if self.gamma > 0 else zero
        terms.update(content=content, style=style, tv=tv,
                     total=losses.total_cost(content, style, tv, self.alpha, self.beta, self.gamma))
        return terms

    def value_and_grad(self, jit_compile=False):
        """The traced (costs, ∂J/∂x) of an image batch x (1, H, W, 3) against targets passed in;
        ``jit_compile=True`` compiles it with XLA."""
        jit_compile = bool(jit_compile)
        if jit_compile not in self._value_and_grad:
            import tensorflow as tf

            # autograph off: plain Python over layer dicts, nothing to convert
            @tf.function(autograph=False, jit_compile=jit_compile)
            def value_and_grad(x, targets):
                with tf.GradientTape() as tape:
                    tape.watch(x)
                    terms = self.costs(x, targets)
                return terms, tape.gradient(terms["total"], x)

            self._value_and_grad[jit_compile] = value_and_grad
        return self._value_and_grad[jit_compile]

    # -- optimisation ------------------------------------------------------------------
    def _start_image(self, init, content, styles, shape, seed):
        """The image the optimisation starts from, (h, w, 3) at ``shape`` (h, w)."""
        from cv2course.data import resize_image

        if not isinstance(init, str):
            img = check_images(np.asarray(init), name="init", rank=3)
            return img if img.shape[:2] == tuple(shape) else resize_image(img, shape)
        check_choice(init, "init", INITS)
        if init == "noise":
            return np.random.default_rng(seed).uniform(0.0, 1.0, size=tuple(shape) + (3,)).astype(np.float32)
        needs = {"content": ("content",), "style": ("style",), "content_in_style_colors": ("content", "style")}[init]
        missing = [what for what in needs if (content if what == "content" else styles) is None]
        if missing:
            raise ValueError(f"init={init!r} needs a {' and a '.join(missing)} image; "
                             "use init='noise' for texture synthesis")
        source = styles[0] if init == "style" else content
        if init == "content_in_style_colors":
            source = color.match_color_statistics(source, styles)
        return np.asarray(source if source.shape[:2] == tuple(shape) else resize_image(source, shape), np.float32)

    def _optimizer(self, settings, verbose, every):
        """run_level(image, targets, steps, callback, max_seconds) for the chosen optimiser."""
        value_and_grad = self.value_and_grad(settings.jit_compile)
        name = settings.optimizer

        def run_level(image, targets, steps, callback, max_seconds):
            trace = optimizers.Trace(steps, name, callback, every, verbose, max_seconds)
            if name == "lbfgs":
                return optimizers.lbfgs(value_and_grad, image, targets, steps, trace,
                                        maxcor=settings.lbfgs_maxcor, ftol=settings.lbfgs_ftol)
            if name == "gradient_descent":
                return optimizers.gradient_descent(value_and_grad, image, targets, steps, trace,
                                                   settings.learning_rate)
            self._adam.learning_rate, self._adam.beta_1, self._adam.epsilon = (
                settings.learning_rate, settings.beta_1, settings.epsilon)
            return self._adam(value_and_grad, image, targets, steps, trace)

        return run_level

    def _fast_path_jit(self, shape, targets):
        """XLA for the loss and gradient at this size: the choice measured once on this machine
        (:mod:`cv2course.fastpath`; plain in quick mode and tests)."""
        import tensorflow as tf

        from cv2course import fastpath

        x = tf.fill((1,) + tuple(shape) + (3,), 0.5)

        def make_step(jit_compile):
            value_and_grad = self.value_and_grad(jit_compile)
            return lambda: value_and_grad(x, targets)[1].numpy()

        return fastpath.choose_jit(f"stylize {max(shape)} px", make_step)

    def run(self, content, style=None, style_blend=None, preserve_color=False, shape=None, callback=None,
            callback_every=10, verbose=1, seed=0, max_seconds=None, **settings):
        """Optimise the image; return a :class:`StyleResult`.

        ``content`` / ``style``: file paths, sample-image names or [0, 1] arrays (``style``
        may be a list, mixed with ``style_blend``); ``content=None`` with ``shape=(h, w)``
        synthesises a texture. Both are resized so that the longer side is ``size``.
        ``preserve_color``: luminance-only transfer (:mod:`cv2course.nst.color`).
        ``callback(step, image, terms)`` is called at step 0, every ``callback_every`` steps
        and at the end of each level (frames for a GIF; coarse levels' images are upsampled to
        the output size); a callback that raises ``StopIteration`` ends the run with the image
        it was given (e.g. once a loss is reached). ``verbose=0`` hides the progress bar.
        ``max_seconds`` stops early once that much time has passed: a wall-time budget.
        ``settings`` override this transfer's :class:`RunSettings` for this run (``steps``,
        ``size``, ``optimizer``, ``init``, ``levels``, ``learning_rate`` ...; None keeps them).
        """
        import time

        unknown = sorted(set(settings) - {f.name for f in dataclasses.fields(RunSettings)})
        if unknown:
            raise TypeError(f"run() got unknown argument(s) {unknown}")
        settings = self.settings.updated(**settings)
        if isinstance(settings.steps, tuple):
            settings.levels = len(settings.steps)
        check_positive(callback_every, "callback_every", integer=True)
        if max_seconds is not None:
            check_positive(max_seconds, "max_seconds")

        content_img = None if content is None else load_input(content, settings.size, "content")
        styles = None
        if style is not None:
            styles = [load_input(s, settings.size, "style") for s in (style if isinstance(style, (list, tuple))
                                                                       else [style])]
        if content_img is not None:
            out_shape = content_img.shape[:2]
        elif shape is not None:
            out_shape = tuple(int(n) for n in ((shape, shape) if np.ndim(shape) == 0 else shape[:2]))
        else:
            out_shape = (settings.size, settings.size)

        if preserve_color:
            if content_img is None:
                raise ValueError("preserve_color=True needs a content image to take the colours from")
            color_source, content_y = content_img, color.luminance(content_img)
            content_img = color.as_gray_rgb(content_y)
            if styles is not None:
                styles = [color.as_gray_rgb(color.match_luminance(color.luminance(s), content_y)) for s in styles]

        final_targets = self.targets(content_img, styles, style_blend)  # checks the inputs before any work
        shapes, level_steps = pyramid.plan(out_shape, settings.levels, settings.steps)
        start = self._start_image(settings.init, content_img, styles, shapes[0], seed)
        if preserve_color and isinstance(settings.init, str) and settings.init == "noise":
            start = color.as_gray_rgb(start[..., 0])

        def targets_at(level_shape, last):
            if last:
                return final_targets
            from cv2course.data import resize_image

            scale = level_shape[0] / out_shape[0]
            level_styles = None if styles is None else [
                resize_image(s, (max(1, round(s.shape[0] * scale)), max(1, round(s.shape[1] * scale))))
                for s in styles]
            level_content = None if content_img is None else resize_image(content_img, level_shape)
            return self.targets(level_content, level_styles, style_blend)

        t0 = time.perf_counter()
        if settings.jit_compile is None:
            settings.jit_compile = self._fast_path_jit(out_shape, final_targets)
        image, history = pyramid.coarse_to_fine(self._optimizer(settings, verbose, callback_every), targets_at,
                                                start, shapes, level_steps, callback, max_seconds)
        seconds = time.perf_counter() - t0
        if preserve_color:
            image = color.combine_luminance(image.mean(axis=-1), color_source)
        return StyleResult(image=image, history=history, seconds=seconds, weights_label=self.weights_label)


def stylize(content, style, preset="course", verbose=1, **kwargs):
    """One call: ``stylize("tuebingen.jpg", "starry_night.jpg")`` -> :class:`StyleResult`.

    ``kwargs`` split between the preset's model settings (layers, α, β, γ, gram_matrix ...)
    and :meth:`StyleTransfer.run`'s arguments (steps, size, init, preserve_color, optimizer,
    jit_compile ...).
    """
    import inspect

    run_args = (set(inspect.signature(StyleTransfer.run).parameters) - {"self", "content", "style", "settings"}
                | {f.name for f in dataclasses.fields(RunSettings)})
    run_kwargs = {k: v for k, v in kwargs.items() if k in run_args}
    model_kwargs = {k: v for k, v in kwargs.items() if k not in run_args}
    return StyleTransfer.from_preset(preset, **model_kwargs).run(content, style, verbose=verbose, **run_kwargs)
