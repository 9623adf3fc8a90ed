"""Neural style transfer (Gatys et al., 2015): gradient descent on the image itself.

A frozen VGG gives the activations; the targets (content activations, style Gram
matrices) are computed once; the generated image is the only variable. One step is a
``tf.function`` with ``tf.GradientTape``, traced once per image shape and reused by every
:meth:`StyleTransfer.run`; pixels stay in [0, 1] (clipped after each Adam step, bounds for
L-BFGS-B). Coarse to fine (``levels=3``): optimise at 1/4 and 1/2 of the size first and
upsample each result as the start of the next level; the last level minimises the slides'
loss at full size, unchanged. Not the default: from the content image with the course preset
it reaches a given full-size loss later than one size does (``benchmarks/nst.py``).

    >>> st = StyleTransfer.from_preset("course")
    >>> result = st.run("tuebingen.jpg", "starry_night.jpg")
    >>> result.image, result.history["total"]
"""
import dataclasses
import time

import numpy as np

from cv2course.checks import check_choice, check_images, check_positive
from cv2course.nst import losses

OPTIMIZERS = ("adam", "lbfgs")
INITS = ("content", "noise", "style")
MIN_LEVEL_SIDE = 32  # coarser levels are skipped: VGG's block5 would see 2x2 px or less


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


def _as_layer_weights(layers, name):
    """str, list or {layer: weight} -> {layer: float weight}; a list gets equal weights 1/n."""
    if layers is None:
        return {}
    if isinstance(layers, str):
        layers = [layers]
    if isinstance(layers, dict):
        out = {}
        for layer, w in layers.items():
            check_positive(w, f"{name}[{layer!r}]", allow_zero=True)
            out[str(layer)] = float(w)
        return out
    layers = list(layers)
    return {str(layer): 1.0 / len(layers) for layer in layers}


def split_steps(steps, levels):
    """Iterations per level, coarse to fine, summing to ``steps``: 5/8 at the coarsest level, then
    5/8 of the rest, ..., so that most iterations are the cheap ones (a level costs 1/4 of the
    next) while the full-size level still gets enough to restore fine texture; every level
    gets at least one when ``steps >= levels``."""
    out, rest = [], int(steps)
    for k in range(levels - 1):
        n = min(max((rest * 5 + 4) // 8, 1), rest - (levels - 1 - k))
        out.append(max(n, 0))
        rest -= out[-1]
    return tuple(out + [rest])


def level_shapes(shape, levels):
    """(h, w) of each level, coarse to fine: the last is ``shape``, each one before half the next;
    levels whose longer side would fall below :data:`MIN_LEVEL_SIDE` are left out."""
    h, w = int(shape[0]), int(shape[1])
    out = [(h, w)]
    for k in range(1, levels):
        scale = 0.5 ** k
        if max(h, w) * scale < MIN_LEVEL_SIDE:
            break
        out.insert(0, (max(1, round(h * scale)), max(1, round(w * scale))))
    return out


def long_side_size(image, size):
    """(h, w) with the longer side equal to ``size``, keeping the aspect ratio."""
    h, w = image.shape[:2]
    scale = size / max(h, w)
    return max(1, round(h * scale)), max(1, round(w * scale))


def _load(spec, size, name):
    from cv2course.data import image_from, resize_image

    if isinstance(spec, np.ndarray) or hasattr(spec, "numpy"):
        img = check_images(np.asarray(spec), name=name, rank=4 if np.ndim(spec) == 4 else 3)
        if img.ndim == 4:
            if img.shape[0] != 1:
                raise ValueError(f"{name} must be one image (H, W, 3) or (1, H, W, 3), got shape {img.shape}")
            img = img[0]
    else:
        img = image_from(spec)
    return resize_image(img, long_side_size(img, size)) if size is not None else img


def _luminance(image):
    """Y of YIQ (the luminance used for colour preservation)."""
    from skimage.color import rgb2yiq

    return rgb2yiq(image)[..., 0].astype(np.float32)


def match_luminance(style_y, content_y):
    """Style luminance shifted and scaled to the content's mean and std (Gatys et al., 2016)."""
    sigma = style_y.std()
    scaled = (style_y - style_y.mean()) * (content_y.std() / sigma if sigma > 0 else 1.0) + content_y.mean()
    return np.clip(scaled, 0.0, 1.0).astype(np.float32)


def combine_luminance(luminance, color_source):
    """RGB image with the Y channel from ``luminance`` and the I, Q (colour) channels of ``color_source``."""
    from skimage.color import rgb2yiq, yiq2rgb

    yiq = rgb2yiq(color_source)
    yiq[..., 0] = luminance
    return np.clip(yiq2rgb(yiq), 0.0, 1.0).astype(np.float32)


class StyleTransfer:
    """Style transfer with the course's costs (see :mod:`cv2course.nst.losses`).

    J(G) = α·Σ_l μ_l J_content^[l](C, G) + β·Σ_l λ_l J_style^[l](S, G) + γ·J_TV(G)

    ``content_layers`` / ``style_layers``: a layer name, a list (equal weights 1/n) or
    {layer: weight}; an empty style gives content reconstruction, an empty content gives
    texture synthesis. ``arch``, ``weights``, ``pooling`` go to
    :func:`cv2course.backbones.vgg_features` (``pooling="avg"`` as Gatys suggests).
    ``optimizer``: ``"adam"`` (``learning_rate``, ``beta_1``, ``epsilon``; the TF tutorial
    uses 0.02, 0.99, 0.1) or ``"lbfgs"`` (SciPy's L-BFGS-B with bounds [0, 1], as Gatys).
    ``levels``: coarse to fine over that many sizes (each half the next; the start image is
    resized to the coarsest, each result upsampled to start the next, ``steps`` split by
    :func:`split_steps`); 1 (the default) optimises at one size.
    ``steps``, ``size`` (longer side in pixels; None keeps the images' own sizes),
    ``init`` ("content", "noise", "style" or an image) and ``levels`` are the defaults of
    :meth:`run`. The step functions are traced once per image shape and kept
    (:attr:`tracing_count`), so later runs at the same sizes start at once.
    """

    def __init__(self, content_layers="block5_conv2", style_layers=None, alpha=10.0, beta=40.0, gamma=0.0,
                 arch="vgg19", weights="auto", pooling="max", optimizer="adam", learning_rate=0.02, beta_1=0.99,
                 epsilon=0.1, steps=300, size=256, init="content", extractor=None, levels=1):
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
        self.optimizer = check_choice(optimizer, "optimizer", OPTIMIZERS)
        self.learning_rate = float(check_positive(learning_rate, "learning_rate"))
        self.beta_1 = float(beta_1)
        self.epsilon = float(check_positive(epsilon, "epsilon"))
        self.steps = int(check_positive(steps, "steps", allow_zero=True, integer=True))
        self.size = None if size is None else int(check_positive(size, "size", integer=True))
        self.init = init
        self.levels = int(check_positive(levels, "levels", integer=True))
        self.arch, self.weights, self.pooling = arch, weights, pooling
        self._extractor = extractor
        self._value_and_grad = None  # tf.function, traced once per image shape
        self._adam = {}  # image shape -> (image variable, Adam, traced train step)

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
        fns = [self._value_and_grad] + [step for _, _, step in self._adam.values()]
        return sum(fn.experimental_get_tracing_count() for fn in fns if fn is not None)

    def features(self, image):
        """{layer: activation (1, h, w, c)} of one [0, 1] image (H, W, 3) or (1, H, W, 3)."""
        import tensorflow as tf

        x = tf.convert_to_tensor(image, tf.float32)
        if x.shape.rank == 3:
            x = x[None]
        return self.extractor(x)

    # -- targets and costs -------------------------------------------------------------
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
                    grams[layer] = grams[layer] + float(w) * losses.normalized_gram(feats[layer])
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
        zero = tf.constant(0.0)
        content = zero
        for layer, target in targets["content"].items():
            terms[f"content/{layer}"] = losses.content_cost(target, feats[layer])
            content = content + self.content_layers[layer] * terms[f"content/{layer}"]
        style = zero
        for layer, target in targets["style"].items():
            terms[f"style/{layer}"] = losses.style_cost_from_grams(target, losses.normalized_gram(feats[layer]))
            style = style + self.style_layers[layer] * terms[f"style/{layer}"]
        tv = losses.total_variation(image) if self.gamma > 0 else zero
        terms.update(content=content, style=style, tv=tv,
                     total=losses.total_cost(content, style, tv, self.alpha, self.beta, self.gamma))
        return terms

    # -- optimisation ------------------------------------------------------------------
    def _start_image(self, init, content, shape, seed):
        rng = np.random.default_rng(seed)
        if isinstance(init, str):
            check_choice(init, "init", INITS)
            if init == "content":
                if content is None:
                    raise ValueError("init='content' needs a content image; use init='noise' for texture synthesis")
                return np.asarray(content, np.float32)
            if init == "noise":
                return rng.uniform(0.0, 1.0, size=shape).astype(np.float32)
            return None  # "style": resized by the caller
        img = check_images(np.asarray(init), name="init", rank=3)
        if img.shape != tuple(shape):
            from cv2course.data import resize_image

            img = resize_image(img, shape[:2])
        return img

    def run(self, content, style=None, steps=None, size=None, optimizer=None, init=None, style_blend=None,
            preserve_color=False, shape=None, callback=None, callback_every=10, verbose=1, seed=0, max_seconds=None,
            levels=None):
        """Optimise the image; return a :class:`StyleResult`.

        ``content`` / ``style``: file paths, sample-image names or [0, 1] arrays (``style``
        may be a list, mixed with ``style_blend``); ``content=None`` with ``shape=(h, w)``
        synthesises a texture. Both are resized so that the longer side is ``size``
        (default: the transfer's ``size``; if that is None the images keep their sizes).
        ``preserve_color``: luminance-only transfer (Gatys et al., 2016): the transfer runs
        on luminance images (the style's matched to the content's mean and std) and the
        result keeps the content's colours. ``callback(step, image, terms)`` is called at
        step 0, every ``callback_every`` steps and at the end of each level (frames for a
        GIF; coarse levels' images are upsampled to the output size); a callback that raises
        ``StopIteration`` ends the run with the image it was given (e.g. once a loss is
        reached). ``verbose=0`` hides the progress bar. ``max_seconds`` stops early once that
        much time has passed (the history then has fewer entries): a wall-time budget.
        ``levels``: coarse to fine over that many sizes (default: the transfer's, see the
        class); ``steps`` is then the total over the levels, split by :func:`split_steps`,
        or a sequence of counts per level, coarse to fine (which sets the number of levels).
        """
        steps = self.steps if steps is None else steps
        per_level = None
        if isinstance(steps, (list, tuple)):
            per_level = tuple(int(check_positive(n, "steps", allow_zero=True, integer=True)) for n in steps)
            if not per_level:
                raise ValueError("steps as a sequence needs one count per level (coarse to fine), got an empty one")
            levels = len(per_level)
        else:
            steps = int(check_positive(steps, "steps", allow_zero=True, integer=True))
        size = self.size if size is None else int(check_positive(size, "size", integer=True))
        optimizer = check_choice(optimizer or self.optimizer, "optimizer", OPTIMIZERS)
        init = self.init if init is None else init
        levels = self.levels if levels is None else int(check_positive(levels, "levels", integer=True))
        check_positive(callback_every, "callback_every", integer=True)
        if max_seconds is not None:
            check_positive(max_seconds, "max_seconds")

        content_img = None if content is None else _load(content, size, "content")
        styles = None
        if style is not None:
            styles = [_load(s, size, "style") for s in (style if isinstance(style, (list, tuple)) else [style])]
        if content_img is not None:
            out_shape = content_img.shape
        elif shape is not None:
            h, w = (shape, shape) if np.ndim(shape) == 0 else shape[:2]
            out_shape = (int(h), int(w), 3)
        else:
            out_shape = (size, size, 3)

        color_source = None
        if preserve_color:
            if content_img is None:
                raise ValueError("preserve_color=True needs a content image to take the colours from")
            color_source = content_img
            content_y = _luminance(content_img)
            content_img = np.repeat(content_y[..., None], 3, axis=-1)
            if styles is not None:
                styles = [np.repeat(match_luminance(_luminance(s), content_y)[..., None], 3, axis=-1) for s in styles]

        from cv2course.data import resize_image

        final_targets = self.targets(content_img, styles, style_blend)  # checks the inputs before any work
        shapes = level_shapes(out_shape, levels)
        if per_level is None:
            shapes = shapes[-max(1, min(len(shapes), steps)):]  # at least one step per level
            level_steps = split_steps(steps, len(shapes))
        else:
            level_steps = per_level[-len(shapes):]  # levels below MIN_LEVEL_SIDE are dropped, coarsest first
        first = shapes[0] + (3,)
        coarse = len(shapes) > 1
        start = self._start_image(init, resize_image(content_img, shapes[0]) if coarse and content_img is not None
                                  else content_img, first, seed)
        if start is None:  # init="style"
            if not styles:
                raise ValueError("init='style' needs a style image")
            start = resize_image(styles[0], shapes[0])
        elif preserve_color and isinstance(init, str) and init == "noise":
            start = np.repeat(start[..., :1], 3, axis=-1)

        history, image = {}, start
        t0 = time.perf_counter()
        for level, (level_shape, n) in enumerate(zip(shapes, level_steps)):
            last = level == len(shapes) - 1
            if level:
                image = np.clip(resize_image(image, level_shape), 0.0, 1.0)
            scale = level_shape[0] / out_shape[0] if out_shape[0] else 1.0
            level_content = content_img if last or content_img is None else resize_image(content_img, level_shape)
            level_styles = styles if last or styles is None else [
                resize_image(s_img, (max(1, round(s_img.shape[0] * scale)), max(1, round(s_img.shape[1] * scale))))
                for s_img in styles]
            targets = final_targets if last else self.targets(level_content, level_styles, style_blend)
            done = time.perf_counter() - t0  # the coarse targets' time counts too
            budget = None if max_seconds is None else max(max_seconds - done, 0.0)
            level_callback, stopped = None, []
            if callback is not None:
                offset = history["step"][-1] if history else 0

                def level_callback(step, img, terms, offset=offset, last=last):
                    if step or not offset:  # a level's start image is the previous level's end
                        try:
                            callback(offset + step, img if last else resize_image(img, out_shape[:2]), terms)
                        except StopIteration:
                            stopped.append(True)
                            raise
            run_level = self._run_adam if optimizer == "adam" else self._run_lbfgs
            image, level_history = run_level(image, targets, n, level_callback, callback_every, verbose, budget)
            self._append_level(history, level_history, level, done)
            out_of_time = max_seconds is not None and history["time"][-1] >= max_seconds
            if (stopped or out_of_time) and not last:
                image = np.clip(resize_image(image, out_shape[:2]), 0.0, 1.0)
                break
        seconds = time.perf_counter() - t0
        if color_source is not None:
            image = combine_luminance(image.mean(axis=-1), color_source)
        return StyleResult(image=image, history=history, seconds=seconds, weights_label=self.weights_label)

    @staticmethod
    def _append_level(history, level_history, level, seconds_before):
        """Append one level's history: steps and times continue, the level's step 0 (the
        previous level's end, upsampled) is kept only for the first level."""
        skip = 1 if history else 0
        offsets = {name: history[name][-1] if history else 0 for name in ("step", "evaluations")}
        n = len(level_history["step"]) - skip
        history.setdefault("level", []).extend([level] * n)
        for name, values in level_history.items():
            if name in offsets:
                values = [offsets[name] + v for v in values]
            elif name == "time":
                values = [seconds_before + v for v in values]
            history.setdefault(name, []).extend(values[skip:])

    @staticmethod
    def _record(history, step, seconds, terms, evaluations):
        history.setdefault("step", []).append(step)
        history.setdefault("time", []).append(seconds)
        history.setdefault("evaluations", []).append(evaluations)
        for name, value in terms.items():
            history.setdefault(name, []).append(float(value))

    def _value_and_grad_fn(self):
        """The traced (costs, gradient) of an image (1, H, W, 3) against targets passed in."""
        if self._value_and_grad is None:
            import tensorflow as tf

            @tf.function(autograph=False)  # plain Python over layer dicts: nothing to convert
            def value_and_grad(x, targets):
                with tf.GradientTape() as tape:
                    tape.watch(x)
                    terms = self.costs(x, targets)
                return terms, tape.gradient(terms["total"], x)

            self._value_and_grad = value_and_grad
        return self._value_and_grad

    def _adam_state(self, start):
        """This shape's image variable and Adam, reset to ``start`` and zero moments, and its traced step."""
        import keras
        import tensorflow as tf

        shape = (1,) + tuple(start.shape)
        if shape not in self._adam:
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

            self._adam[shape] = (image, opt, train_step)
        image, opt, train_step = self._adam[shape]
        image.assign(start[None])
        for v in opt.variables:
            if v.name != "learning_rate":  # the step counter and the moments start afresh
                v.assign(tf.zeros_like(v))
        return image, train_step

    def _run_adam(self, start, targets, steps, callback, every, verbose, max_seconds=None):
        import tensorflow as tf
        from tqdm.auto import tqdm

        image, train_step = self._adam_state(start)
        value_and_grad = self._value_and_grad_fn()
        history, stopped = {}, False
        t0 = time.perf_counter()
        with tqdm(total=steps, desc="style transfer (Adam)", disable=not verbose, leave=False) as bar:
            for step in range(steps):
                seconds = time.perf_counter() - t0  # the image after `step` updates exists now
                if max_seconds is not None and seconds >= max_seconds:
                    steps = step
                    break
                before = image.numpy()[0] if callback is not None and step % every == 0 else None
                terms = train_step(targets)  # costs of the image before this update
                self._record(history, step, seconds, terms, evaluations=step + 1)
                if before is not None:
                    try:
                        callback(step, before, {k: float(v) for k, v in terms.items()})
                    except StopIteration:  # the callback ends the run with the image it saw
                        image.assign(before[None])
                        for name in history:
                            history[name].pop()
                        steps, stopped = step, True
                        break
                bar.update(1)
                bar.set_postfix(loss=f"{float(terms['total']):.4g}")
        seconds = time.perf_counter() - t0
        result = image.numpy()[0]
        terms, _ = value_and_grad(tf.constant(result[None]), targets)
        self._record(history, steps, seconds, terms, evaluations=steps + 1)
        if callback is not None and not stopped:
            try:
                callback(steps, result, {k: float(v) for k, v in terms.items()})
            except StopIteration:
                pass
        return result, history

    def _run_lbfgs(self, start, targets, steps, callback, every, verbose, max_seconds=None):
        import scipy.optimize
        import tensorflow as tf
        from tqdm.auto import tqdm

        shape = (1,) + start.shape
        value_and_grad = self._value_and_grad_fn()
        last = {}

        def fun(flat):
            terms, grad = value_and_grad(tf.constant(flat.reshape(shape), tf.float32), targets)
            last.update(x=flat.copy(), terms=terms, evaluations=last.get("evaluations", 0) + 1)
            return float(terms["total"]), grad.numpy().astype(np.float64).ravel()

        history = {}
        t0 = time.perf_counter()
        x0 = np.clip(start, 0.0, 1.0).astype(np.float64).ravel()
        fun(x0)
        self._record(history, 0, 0.0, last["terms"], last["evaluations"])
        if callback is not None:
            try:
                callback(0, start, {k: float(v) for k, v in last["terms"].items()})
            except StopIteration:
                steps = 0
        bar = tqdm(total=steps, desc="style transfer (L-BFGS)", disable=not verbose, leave=False)
        count = [0]

        def on_iteration(xk):
            if last.get("x") is None or not np.array_equal(last["x"], xk):
                fun(xk)
            count[0] += 1
            seconds = time.perf_counter() - t0
            self._record(history, count[0], seconds, last["terms"], last["evaluations"])
            bar.update(1)
            bar.set_postfix(loss=f"{history['total'][-1]:.4g}")
            if callback is not None and count[0] % every == 0:
                callback(count[0], xk.reshape(start.shape).astype(np.float32),
                         {k: float(v) for k, v in last["terms"].items()})
            if max_seconds is not None and seconds >= max_seconds:
                raise StopIteration  # SciPy ends the minimisation and returns this iterate

        if steps:
            bounds = scipy.optimize.Bounds(np.zeros(x0.size), np.ones(x0.size))
            res = scipy.optimize.minimize(fun, x0, jac=True, method="L-BFGS-B", bounds=bounds, callback=on_iteration,
                                          options={"maxiter": steps, "maxfun": 3 * steps, "ftol": 0.0, "gtol": 0.0})
            final = res.x
        else:
            final = x0
        bar.close()
        result = final.reshape(start.shape).astype(np.float32)
        if callback is not None and count[0] % every != 0:
            try:
                callback(count[0], result, {k: float(v) for k, v in last["terms"].items()})
            except StopIteration:
                pass
        return result, history


def stylize(content, style, preset="course", verbose=1, **kwargs):
    """One call: ``stylize("tuebingen.jpg", "starry_night.jpg")`` -> :class:`StyleResult`.

    ``kwargs`` split between the preset's settings (layers, α, β, γ, optimizer, ...) and
    :meth:`StyleTransfer.run`'s arguments (steps, size, init, preserve_color, ...).
    """
    import inspect

    run_args = set(inspect.signature(StyleTransfer.run).parameters) - {"self", "content", "style"}
    run_kwargs = {k: v for k, v in kwargs.items() if k in run_args}
    model_kwargs = {k: v for k, v in kwargs.items() if k not in run_args}
    return StyleTransfer.from_preset(preset, **model_kwargs).run(content, style, verbose=verbose, **run_kwargs)
