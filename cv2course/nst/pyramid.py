"""Coarse to fine: optimise at 1/4 and 1/2 of the size first, upsample each result as the
start of the next level; the last level minimises the slides' loss at full size, unchanged.

Not the default: from the content image with the course preset it reaches a given
full-size loss later than one size does (``benchmarks/nst.py``).
"""
import time

import numpy as np

MIN_LEVEL_SIDE = 32  # coarser levels are skipped: VGG's block5 would see 2x2 px or less


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


def plan(shape, levels, steps):
    """(shapes, steps per level), coarse to fine, for an output ``shape`` (h, w).

    ``steps``: a total, split by :func:`split_steps` over at most ``steps`` levels (at least
    one step each), or a sequence of counts per level, coarse to fine (its length is the
    number of levels; counts of levels below :data:`MIN_LEVEL_SIDE` are dropped, coarsest first).
    """
    if isinstance(steps, (list, tuple)):
        shapes = level_shapes(shape, len(steps))
        return shapes, tuple(steps)[-len(shapes):]
    shapes = level_shapes(shape, levels)
    shapes = shapes[-max(1, min(len(shapes), steps)):]
    return shapes, split_steps(steps, len(shapes))


def coarse_to_fine(run_level, targets_at, start, shapes, level_steps, callback=None, max_seconds=None):
    """Run ``run_level(image, targets, steps, callback, max_seconds) -> (image, history)`` at each
    level, starting each from the previous result upsampled; return (image, history).

    ``targets_at(shape, last)`` gives a level's targets. The history continues across the
    levels (see :func:`append_level`); ``callback(step, image, terms)`` sees images at the
    output size; when it raises ``StopIteration`` or ``max_seconds`` (which counts the coarse
    targets' time too) runs out on a coarse level, that level's image is upsampled and returned.
    """
    from cv2course.data import resize_image

    out_shape = shapes[-1]
    history, image = {}, start
    t0 = time.perf_counter()
    for level, (level_shape, n) in enumerate(zip(shapes, level_steps)):
        last = level == len(shapes) - 1
        if level:
            image = np.clip(resize_image(image, level_shape), 0.0, 1.0)
        targets = targets_at(level_shape, last)
        done = time.perf_counter() - t0
        budget = None if max_seconds is None else max(max_seconds - done, 0.0)
        stopped = []
        level_callback = None if callback is None else _at_output_size(
            callback, history["step"][-1] if history else 0, None if last else out_shape, stopped)
        image, level_history = run_level(image, targets, n, level_callback, budget)
        append_level(history, level_history, level, done)
        out_of_time = max_seconds is not None and history["time"][-1] >= max_seconds
        if (stopped or out_of_time) and not last:
            return np.clip(resize_image(image, out_shape), 0.0, 1.0), history
    return image, history


def _at_output_size(callback, offset, out_shape, stopped):
    """The level's callback: steps continue from ``offset``, images upsampled to ``out_shape``
    (None: already full size); a stop is noted in ``stopped``."""
    from cv2course.data import resize_image

    def level_callback(step, img, terms):
        if step or not offset:  # a level's start image is the previous level's end
            try:
                callback(offset + step, img if out_shape is None else resize_image(img, out_shape), terms)
            except StopIteration:
                stopped.append(True)
                raise
    return level_callback


def append_level(history, level_history, level, seconds_before):
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
