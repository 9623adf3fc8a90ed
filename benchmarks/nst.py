"""Style transfer, time to quality: how long each method needs to reach the TF tutorial's 300-step loss.

    nice python benchmarks/nst.py --data /work/shared/data/nst \\
        [--pairs chelsea:immunohistochemistry astronaut:gravel] [--size 256] [--adam-steps 300] [--seed 0]
    nice python benchmarks/nst.py --data /work/shared/data/nst --equal-time    # the default's question
    nice python benchmarks/nst.py --data /work/shared/data/nst --stylize       # stylize before -> after
    nice python benchmarks/nst.py --data /work/shared/data/nst --stylize --after '{"lbfgs_maxcor": 30}'

``--stylize`` (issue 25: ``cv2course stylize`` at 256 px under 60 s at the same final loss or better)
runs stylize's course preset as it was (``STYLIZE_BEFORE``: 100 L-BFGS steps from the content
image) and as it is now, or with the run settings of ``--after JSON`` instead, one after the other on
each pair, each with a fresh StyleTransfer so that tracing counts (the clocks start just before
``run``: targets, tracing and any XLA compile are in, the import and the VGG are not). An "after"
with fewer steps goes on to the before's step count, and the last column says when it first reaches
the before's final loss: that is the cost of "the same loss", whatever step count a preset picks.
"evals" counts loss-and-gradient evaluations (line searches included; a coarse level's cost about
1/4 of the next).

Idle (7 December, 23:34, the same 2-core AMD EPYC, load average 1.6 at start, 2.1 at the end,
``python benchmarks/nst.py --data ../shared/data/nst --stylize --after '{"init":
"content_in_style_colors", "lbfgs_maxcor": 30}'``) the course preset itself is already under 60 s:

    pair                                    wall s        CPU s          final loss, 100 steps   reaches the before's loss
    tuebingen + starry_night 256x192        41.4 -> 44.9   76.3 ->  83.2  17.20 -> 15.89         step 79, 82 evals (0.80), 65 CPU s
    chelsea + immunohistochemistry 256x170  38.2 -> 41.5   70.0 ->  76.8  3.526 -> 3.112         step 69, 72 evals (0.70), 54 CPU s
    astronaut + gravel 256x256              54.0 -> 57.2  100.2 -> 107.2  26.59 -> 26.10         step 89, 93 evals (0.89), 96 CPU s

and ``cv2course stylize chelsea starry_night.jpg --size 256`` (import, VGG and saving included) took
42.4 s wall, 72.2 s user. The issue's 79.6 s was not reproduced idle; under load it is 100-170 s.

The preset was not changed: nothing measured meets the issue. With the best "after" found,
``--after '{"init": "content_in_style_colors", "lbfgs_maxcor": 30}'`` (7 December, 2-core AMD EPYC
shared with other jobs, load average 2-7, one process: the wall times are not comparable with each
other; CPU seconds move less):

    pair                                    wall s          CPU s          final loss, 100 steps    reaches the before's loss
    tuebingen + starry_night 256x192        144.7 -> 169.2   84.2 ->  90.6  17.20 -> 15.89 (-7.6 %)   step 79, 82 evals (0.80), 72 CPU s
    chelsea + immunohistochemistry 256x170  102.9 -> 125.8   73.1 ->  89.0  3.526 -> 3.112 (-12 %)    step 69, 72 evals (0.70), 64 CPU s
    astronaut + gravel 256x256              173.4 -> 113.8  106.9 -> 119.4  26.59 -> 26.10 (-1.9 %)   step 89, 93 evals (0.89), 106 CPU s

(103, 103 and 104 evaluations each at 100 steps.) At equal loss it costs 0.70-0.89 of the
evaluations and, under this load, 0.86-0.99 of the CPU seconds (more CPU per evaluation than the
before's; not separated between the 30 correction pairs and the load): 100 steps from the colours start end lower on all three,
90 would still reach the old loss on all three, but not the issue's 70 % of the work.

What was tried, 256 px, the course preset's objective and weights, the cost counted in full-size
evaluations (a 128-px one as 1/4). The preset's 100-step loss is reached (steps from the start):

    run ("-": not run)                               tuebingen    chelsea    astronaut   (evals 103/103/104)
    content image, SciPy's maxcor 10 (the preset)      100          100         100
    content image, maxcor 30                             -         >100           -
    content in the style's colours, maxcor 10          (>70)         71         (>70)    (): an earlier run
    content in the style's colours, maxcor 30           79           69          89
    content in the style's colours, maxcor 100           -            -          90
    the same + uniform noise ±0.2, maxcor 30             -            -        >100
    coarse to fine 60 (128 px) + 100, colours start      -       60 + 100 (120 evals weighted)

So no start, history size or coarse level gets all three pairs to the preset's loss in 70 % of its
evaluations; the start in the style's colours with 30 correction pairs takes 0.70, 0.80 and 0.89
of them (chelsea, tuebingen, astronaut). The start's loss is no guide: it is 100-300x the final loss,
and what takes the steps is the tail, where content and the deeper style layers (block3/4) trade
off (chelsea after 80 steps: α·J_content 1.70, β·λ·J_style block1..5 0.10, 0.25, 0.62, 0.63, 0.08).
Coarse to fine (see also ``--equal-time`` below): the upsampled 128-px result starts at full size
at 93 (the colours start: 150; the final loss 3.5) and is behind the one-size run after 20 steps. A
Laplacian-pyramid parametrisation of the image (full + 1/2 + 1/4 size components, summed, which
lets the coarse components move faster) was worse than plain pixels (chelsea, colours start, 80
steps: 3.59 vs 3.38), and optimising without bounds on a clipped image was no better (3.38). Per evaluation there is
little to take: the VGG stops at block5_conv1, the targets are computed once, the step is traced
once, and an evaluation at 256x170 (about 25 GFLOP of convolutions forward, as much again for the
input gradient) took 0.55 CPU s, its forward half 0.26: ~90 GFLOP per CPU second, little left
outside the convolutions. Not tried: bfloat16 convolutions (this EPYC has avx512_bf16) measured
1.7-2.0x faster than float32 in a micro-benchmark (one 3x3 convolution, forward and input
gradient, at block1 and block3 sizes); a bfloat16 first phase would need its own test of the
loss. The noise, Laplacian and unbounded runs were scratch scripts (``StyleTransfer.costs`` under
SciPy's L-BFGS-B), not kept; the others are ``--stylize --after '{"init": "content_in_style_colors",
"lbfgs_maxcor": 30}'`` and the like (7 December, 2-core AMD EPYC shared, load average 5-15).

``--equal-time`` asks what ``cv2course stylize`` should do by default, with its own loss (the
``"course"`` preset, 100 L-BFGS steps): it runs one size for 100 steps (time t1), coarse to fine
with the same 100 steps split 63 + 23 + 14, and coarse to fine given t1 of wall time, and prints
each one's full-size loss (lower is better) and time.

For each pair (the lecture pair tuebingen.jpg + starry_night.jpg from ``--data`` when given,
then ``--pairs`` of files or scikit-image sample names, CONTENT:STYLE), at ``--size`` px
(longer side), with the bundled VGG16 and the tutorial's loss (block5_conv2 content,
block1..5_conv1 style, weights 1e4 / 1e-2, total variation 30; the package's
``"tf_tutorial"`` preset is the same loss, a test checks it):

1. ``tutorial Adam``: a transcription of the TensorFlow tutorial's ``train_step`` (Adam 0.02,
   β1 0.99, ε 0.1, clipping) runs ``--adam-steps`` steps from the content image. Its final
   loss is the target L*, its time T the reference.
2. ``package Adam``: ``StyleTransfer`` with the same optimiser, one size (``levels=1``).
3. ``package L-BFGS``: SciPy's L-BFGS-B at full size (``levels=1``), from the content image.
4. ``package coarse-to-fine``: L-BFGS-B at 1/4, then 1/2 of the size (the iterations
   ``split_steps(100, 3)`` gives them: 63 and 23), each level starting from the previous
   result upsampled, then at full size until L* (``StyleTransfer.run(steps=(63, 23, n))``).

Each method starts from the content image, is traced before its clock starts (as the tutorial
is) and stops at L* or after T (Adam: 1.3 T); "time to L*" is the wall time until an image
with a full-size loss <= L* exists, and "ratio" is that time / T. On a shared machine the
wall time depends on the other processes; the process CPU time (all threads) to L* and its
ratio are given beside it and move less with the load. All run in one process,
one after another, so they see the same (noisy) machine. The table also gives loss-and-
gradient evaluations (L-BFGS's line search may use more than one per iteration) and the
share of L* that is the total-variation term.

Why earlier runs disagreed (L-BFGS reached Adam's 300-step loss in 47 % of Adam's time on
the lecture pair, in 95 % on a sample pair): both used this preset, both started from the
content image, and both spent about one loss-and-gradient evaluation per L-BFGS iteration
(the 95 % run: 270 iterations for 91 % of Adam's 300 evaluations; the "steps" and "evals"
columns here agree), so neither the preset, the start image nor the line search explains it.
The pair does: the number of iterations L-BFGS needs to reach Adam's loss differs from pair
to pair (about 140 vs 270 in the earlier runs). And the ratios were wall times on a shared machine, which moves them
further: in one run here, package Adam (the tutorial's algorithm, per-step cost equal within
a few per cent) took 0.60 T of wall time but 0.93 T of CPU time because the load changed
between the two runs. Read the CPU ratios. What makes a pair hard was not isolated; it is
not the share of the total-variation term in L* (the run of 2 December: lecture pair 88 %,
L-BFGS 0.50 T of CPU; chelsea + immunohistochemistry 84 %, 0.65; astronaut + gravel 76 %,
L* not reached within T).

Coarse to fine is not the package's default: with stylize's own loss (the course preset) it
ends worse than one size at equal wall time on all three pairs (``--equal-time``, idle machine,
2 December; full-size loss, one size 100 steps = 1.00):

    pair                               one size    c2f 63+23+14       c2f at one size's time
    tuebingen + starry_night 256x192   38.7 s      2.53 (15.2 s)      1.07
    chelsea + immunohistochemistry     34.6 s      3.34 (13.4 s)      1.19
    astronaut + gravel 256x256         47.2 s      3.09 (17.6 s)      1.22

With the tutorial's loss (whose L1 total variation is 84-88 % of L*) it is the fastest method
on all three pairs, and one-size L-BFGS reaches L* within T on the lecture pair only. Time to L*
as a ratio to the tutorial's T, wall (CPU), from ``nice python benchmarks/nst.py --data
/work/shared/data/nst`` on the idle machine, 2 December, 256 px:

    pair (T)                               coarse-to-fine   L-BFGS one size   package Adam
    tuebingen + starry_night  (89.3 s)     0.15 (0.15)      0.49 (0.49)       0.99 (0.99)
    chelsea + immunohistochemistry (76.2)  0.31 (0.31)      not in T          1.01 (1.01)
    astronaut + gravel        (114.8 s)    0.83 (0.83)      not in T          0.96 (0.96)

The target of 0.3 T holds on the lecture pair only (chelsea + immunohistochemistry is at the
edge). The coarse iterations matter per pair and no split wins on all three (separate runs to
the same L*): 150 + 60 instead of 63 + 23 takes astronaut + gravel to 0.55 T but the lecture
pair to 0.26 and chelsea + immunohistochemistry to 0.37; 4 levels (200 + 100 + 40) gave 0.68 on
astronaut + gravel. What separates the pairs is how far the upsampled coarse result is from L*
at full size: 1.6x L* (lecture) and 2.1x (chelsea) after 63 + 23, still 2.6x after 150 + 60
(astronaut + gravel); from 63 + 23, full-size L-BFGS then needs 7, 46 and 185 iterations.

The total-variation term is why coarse to fine wins with this loss and loses with the course's:
tf.image.total_variation is an L1 sum, whose gradient jumps, and L-BFGS's curvature model suffers;
an upsampled coarse result starts smooth. On astronaut + gravel with the TV weight set to 0
(package Adam's 300-step loss as the target, 109.8 s), one-size L-BFGS reaches it in 0.65 T and
coarse to fine does not within T; with TV 30, one size does not and coarse to fine takes 0.83 T.
"""
import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LECTURE_PAIR = ("tuebingen.jpg", "starry_night.jpg")
DEFAULT_PAIRS = ("chelsea:immunohistochemistry", "astronaut:gravel")
STYLE_LAYERS = [f"block{b}_conv1" for b in range(1, 6)]
CONTENT_LAYERS = ["block5_conv2"]


def tutorial_run(extractor, content, style, steps):
    """The TF tutorial's loop, transcribed: (times after each step, final image, its loss, trace seconds)."""
    import tensorflow as tf

    from cv2course.nst.tutorial_reference import tutorial_loss

    total_loss = tutorial_loss(extractor, content, style, STYLE_LAYERS, CONTENT_LAYERS)
    image = tf.Variable(content[None])
    opt = tf.keras.optimizers.Adam(learning_rate=0.02, beta_1=0.99, epsilon=1e-1)

    def clip_0_1(img):
        return tf.clip_by_value(img, clip_value_min=0.0, clip_value_max=1.0)

    @tf.function()
    def train_step(image):
        with tf.GradientTape() as tape:
            loss = total_loss(image)
        grad = tape.gradient(loss, image)
        opt.apply_gradients([(grad, image)])
        image.assign(clip_0_1(image))
        return loss

    t0 = time.perf_counter()
    train_step.get_concrete_function(image)  # trace (and build the optimizer) without stepping
    trace = time.perf_counter() - t0
    times = [0.0]
    t0, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        train_step(image)
        times.append(time.perf_counter() - t0)
    cpu = time.process_time() - cpu0
    final = image.numpy()[0]
    return times, cpu, final, float(total_loss(tf.constant(final[None]))[0]), trace


def stop_at(target, first_full_step=0):
    """A StyleTransfer callback that ends the run once a full-size step's total loss is <= target;
    ``callback.cpu[step]``: the process CPU seconds (all threads) from its creation to each step."""
    cpu0 = time.process_time()

    def callback(step, image, terms):
        callback.cpu[step] = time.process_time() - cpu0
        if step >= first_full_step and terms["total"] <= target:
            raise StopIteration
    callback.cpu = {}
    return callback


def time_to(history, target, last_level):
    """(seconds, step, evaluations) of the first full-size entry with total <= target, else None."""
    for t, step, ev, level, loss in zip(history["time"], history["step"], history["evaluations"], history["level"],
                                        history["total"]):
        if level == last_level and loss <= target:
            return t, step, ev
    return None


def run_pair(content_spec, style_spec, args):
    from cv2course.backbones import vgg_features
    from cv2course.data import image_from, resize_image
    from cv2course.nst import StyleTransfer
    from cv2course.nst.transfer import level_shapes, long_side_size, split_steps
    from cv2course.settings import set_seed

    set_seed(args.seed)
    content, style = (image_from(s) for s in (content_spec, style_spec))
    content, style = (resize_image(img, long_side_size(img, args.size)) for img in (content, style))
    extractor = vgg_features(STYLE_LAYERS + CONTENT_LAYERS, arch="vgg16", weights="bundled")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        st = StyleTransfer.from_preset("tf_tutorial", arch="vgg16", weights="bundled", extractor=extractor,
                                       size=None)
    coarse = split_steps(100, 3)[:2]
    kept = len(level_shapes(content.shape[:2], 3)) - 1  # coarse levels that fit (>= 32 px)
    coarse = coarse[len(coarse) - kept:] if kept else ()
    # trace every step function the timed runs use (the tutorial's is traced inside tutorial_run)
    st.run(content, style, steps=1, optimizer="adam", levels=1, verbose=0)
    st.run(content, style, steps=(1, 1, 1), optimizer="lbfgs", verbose=0)

    times, cpu, final, target, trace = tutorial_run(extractor, content, style, args.adam_steps)
    budget = times[-1]
    terms = st.costs(final[None], st.targets(content, style))
    tv_share = st.gamma * float(terms["tv"]) / float(terms["total"])
    rows = [("tutorial Adam", budget, cpu, args.adam_steps, args.adam_steps, target)]
    print(f"  tutorial Adam: L* = {target:.5g} after {budget:.1f} s, {cpu:.1f} CPU s", flush=True)
    # the package's default first, Adam (the same algorithm as the tutorial's) last
    runs = [("package coarse-to-fine", dict(steps=coarse + (20 * args.adam_steps,), optimizer="lbfgs"), budget,
             sum(coarse) + 1),  # step sum(coarse) is the last half-size iterate; full-size steps follow
            ("package L-BFGS", dict(steps=20 * args.adam_steps, optimizer="lbfgs", levels=1), budget, 0),
            ("package Adam", dict(steps=int(1.3 * args.adam_steps), optimizer="adam", levels=1), 1.3 * budget, 0)]
    for name, kwargs, limit, first_full in runs:
        stop = stop_at(target, first_full)
        r = st.run(content, style, verbose=0, max_seconds=limit, callback=stop, callback_every=1, **kwargs)
        steps = kwargs["steps"]
        last_level = len(level_shapes(content.shape[:2], len(steps) if isinstance(steps, tuple) else 1)) - 1
        reached = time_to(r.history, target, last_level)
        if reached:
            rows.append((name, reached[0], stop.cpu.get(reached[1], float("nan"))) + reached[1:]
                        + (r.history["total"][-1],))
        else:
            rows.append((name, None, None, r.history["step"][-1], r.history["evaluations"][-1],
                         r.history["total"][-1]))
        t, c = rows[-1][1:3]
        print(f"  {name}: {r.seconds:.1f} s, {r.history['step'][-1]} steps, loss {r.history['total'][-1]:.5g}"
              + ("" if t is None else f"; L* after {t:.1f} s ({t / budget:.2f} T), {c:.1f} CPU s ({c / cpu:.2f})"),
              flush=True)

    h, w = content.shape[:2]
    names = tuple(Path(str(s)).stem for s in (content_spec, style_spec))
    print(f"\n{names[0]} + {names[1]}, {w}x{h} px, {st.weights_label}; tutorial's {args.adam_steps}-step loss "
          f"L* = {target:.5g} (TV share {tv_share:.0%}), T = {budget:.1f} s ({budget / args.adam_steps:.2f} s/step, "
          f"trace {trace:.1f} s); coarse levels {' + '.join(map(str, coarse)) or 'none'} iterations")
    print(f"{'method':24} {'time to L*':>11} {'ratio':>6} {'CPU s':>7} {'CPU ratio':>9} {'steps':>6} {'evals':>6} "
          f"{'loss at stop':>12}")
    for name, t, c, step, ev, loss in rows:
        if t is None:
            t_text = ratio = c_text = c_ratio = "-"
        else:
            t_text, ratio, c_text, c_ratio = f"{t:.1f} s", f"{t / budget:.2f}", f"{c:.1f}", f"{c / cpu:.2f}"
        print(f"{name:24} {t_text:>11} {ratio:>6} {c_text:>7} {c_ratio:>9} {step:6d} {ev:6d} {loss:12.5g}")
    print(flush=True)
    return rows


def equal_time_pair(content_spec, style_spec, args):
    """(name, seconds, full-size loss) for stylize's default and the two coarse-to-fine variants."""
    from cv2course.data import image_from, resize_image
    from cv2course.nst import StyleTransfer
    from cv2course.nst.transfer import long_side_size, split_steps
    from cv2course.settings import set_seed

    set_seed(args.seed)
    content, style = (image_from(s) for s in (content_spec, style_spec))
    content, style = (resize_image(img, long_side_size(img, args.size)) for img in (content, style))
    st = StyleTransfer.from_preset("course", size=None)
    steps = st.settings.steps
    split = split_steps(steps, 3)
    st.run(content, style, steps=1, levels=1, verbose=0)  # trace every shape before the clocks start
    st.run(content, style, steps=(1, 1, 1), verbose=0)
    one = st.run(content, style, levels=1, verbose=0)
    rows = [(f"one size, {steps} steps", one.seconds, one.history["total"][-1])]
    c2f = st.run(content, style, steps=split, verbose=0)
    rows.append((f"coarse to fine, {' + '.join(map(str, split))}", c2f.seconds, c2f.history["total"][-1]))
    timed = st.run(content, style, steps=split[:2] + (100 * steps,), verbose=0, max_seconds=one.seconds)
    rows.append((f"coarse to fine, {one.seconds:.0f} s", timed.seconds, timed.history["total"][-1]))
    names = " + ".join(Path(str(s)).stem for s in (content_spec, style_spec))
    print(f"\n{names}, {content.shape[1]}x{content.shape[0]} px, course preset ({st.weights_label})")
    print(f"{'run':32} {'seconds':>8} {'full-size loss':>15} {'vs one size':>12}")
    for name, seconds, loss in rows:
        print(f"{name:32} {seconds:8.1f} {loss:15.5g} {loss / rows[0][2]:12.2f}", flush=True)
    return rows


# stylize's course preset as it was when issue 25 measured 79.6 s (2 December): 100 L-BFGS steps, SciPy's
# default 10 correction pairs, no XLA, from the content image.
STYLIZE_BEFORE = dict(steps=100, lbfgs_maxcor=10, lbfgs_ftol=0.0, init="content", jit_compile=False)


class StepClock:
    """A StyleTransfer callback (every step) noting the wall and process CPU seconds (all threads) from
    its creation, just before ``run``, to each step: targets, tracing and any XLA compile count."""

    def __init__(self):
        self.t0, self.c0 = time.perf_counter(), time.process_time()
        self.wall, self.cpu = {}, {}

    def __call__(self, step, image, terms):
        self.wall[step], self.cpu[step] = time.perf_counter() - self.t0, time.process_time() - self.c0


def _at(clock, history, step):
    """(wall s, CPU s, evaluations, loss) when the image after ``step`` steps existed."""
    i = history["step"].index(step)
    return clock.wall[step], clock.cpu[step], history["evaluations"][i], history["total"][i]


def stylize_table(pairs, args):
    """``cv2course stylize``'s work before -> after on each pair (a fresh StyleTransfer each, so tracing and
    any XLA compile count; the same VGG): wall s, CPU s (all threads), evaluations and final loss at each
    one's own step count, and when the "after" run first reaches the "before" run's final loss. The
    "after" run goes on to the before's step count if it has fewer steps, to see where it gets there."""
    import json
    import os

    import numpy as np

    from cv2course import fastpath, settings
    from cv2course.nst import StyleTransfer
    from cv2course.nst.images import load_input
    from cv2course.nst.presets import preset

    size, before = args.size, dict(STYLIZE_BEFORE)
    course = {k: v for k, v in preset("course").items() if k in ("steps", "init", "lbfgs_maxcor", "lbfgs_ftol")}
    after = {**course, **(json.loads(args.after) if args.after else {})}
    if settings.QUICK:  # CI: a few steps at 64 px, the same code paths
        size, before["steps"], after["steps"] = 64, 3, 2
    identity = fastpath.cpu_identity()
    print(f"stylize, course preset, {size} px; CPU {identity['model']} ({identity['cores']} cores); "
          f"load average at start {os.getloadavg()[0]:.1f}")
    print(f"before: {before}\nafter: {after} (jit_compile: the machine's choice, cv2course.fastpath)")
    extractor = StyleTransfer.from_preset("course").extractor  # one VGG for all runs (built once, as in stylize)
    rows = []
    for content_spec, style_spec in pairs:
        c, s = load_input(content_spec, size, "content"), load_input(style_spec, size, "style")
        result = {}
        for name, kwargs in (("before", before), ("after", after)):
            st = StyleTransfer.from_preset("course", extractor=extractor, size=None)
            clock = StepClock()
            steps = kwargs["steps"]  # an int, or iterations per level, coarse to fine (run as given)
            run_steps = tuple(steps) if isinstance(steps, (list, tuple)) else max(steps, before["steps"])
            r = st.run(c, s, verbose=0, seed=args.seed, callback=clock, callback_every=1,
                       **{**kwargs, "steps": run_steps})
            h = r.history
            own = _at(clock, h, h["step"][-1] if isinstance(run_steps, tuple) else min(steps, h["step"][-1]))
            result[name] = own + (steps,)
            if name == "before":
                target = own[3]
            else:  # the first full-size image at or below the before's final loss
                full = max(h["level"])
                hit = next((k for k, level, loss in zip(h["step"], h["level"], h["total"])
                            if level == full and loss <= target), None)
                result["reach"] = None if hit is None else _at(clock, h, hit) + (hit,)
        names = " + ".join(Path(str(x)).stem for x in (content_spec, style_spec))
        rows.append((f"{names} {c.shape[1]}x{c.shape[0]}", result))
        print(f"  {rows[-1][0]}: {result}", flush=True)
    print(f"\nload average at end {os.getloadavg()[0]:.1f}")
    print(f"{'pair':38} {'wall s':>15} {'CPU s':>15} {'evals':>10} {'final loss':>21} {'reaches before':>26}")
    for pair, r in rows:
        b, a, hit = r["before"], r["after"], r["reach"]
        reach = "not in run" if hit is None else (f"step {hit[4]}, {hit[2]} evals "
                                                  f"({hit[2] / b[2]:.2f}), {hit[1]:.0f} CPU s")
        print(f"{pair:38} {b[0]:6.1f} -> {a[0]:6.1f} {b[1]:6.1f} -> {a[1]:6.1f} {b[2]:4d} -> {a[2]:3d} "
              f"{b[3]:9.4g} -> {a[3]:9.4g} {reach:>26}")
    ratios = np.array([[r["after"][i] / r["before"][i] for i in (0, 1, 2, 3)] for _, r in rows])
    print(f"{'after / before (mean)':38} {ratios[:, 0].mean():15.2f} {ratios[:, 1].mean():15.2f} "
          f"{ratios[:, 2].mean():10.2f} {ratios[:, 3].mean():21.3f}")
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="folder with tuebingen.jpg and starry_night.jpg (the lecture pair)")
    parser.add_argument("--pairs", nargs="*", default=list(DEFAULT_PAIRS), metavar="CONTENT:STYLE")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--adam-steps", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--equal-time", action="store_true",
                        help="the course preset: one size vs coarse to fine at stylize's budget (see above)")
    parser.add_argument("--stylize", action="store_true",
                        help="cv2course stylize's course preset before -> after (issue 25): wall, CPU, final loss")
    parser.add_argument("--after", default=None, metavar="JSON",
                        help='with --stylize: run settings replacing the preset\'s for "after", e.g. '
                             '\'{"init": "content_in_style_colors", "lbfgs_maxcor": 30}\'')
    args = parser.parse_args(argv)

    pairs = []
    if args.data:
        folder = Path(args.data)
        paths = [folder / name for name in LECTURE_PAIR]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise SystemExit(f"--data: missing {', '.join(missing)}")
        pairs.append(tuple(str(p) for p in paths))
    for spec in args.pairs:
        if spec.count(":") != 1:
            raise SystemExit(f"--pairs: expected CONTENT:STYLE, got {spec!r}")
        pairs.append(tuple(spec.split(":")))
    if args.stylize:
        stylize_table(pairs, args)
        return 0
    if args.equal_time:
        for content, style in pairs:
            equal_time_pair(content, style, args)
        return 0
    summary = []
    for content, style in pairs:
        rows = run_pair(content, style, args)
        summary.append((f"{Path(content).stem} + {Path(style).stem}", rows))
    print("Ratios to the tutorial's time to its own 300-step loss, wall (CPU) — lower is faster; "
          "'-' = not reached within T")
    methods = [row[0] for row in summary[0][1]]
    print(f"{'pair':34} " + " ".join(f"{m:>24}" for m in methods))
    for pair, rows in summary:
        cells = ["-" if t is None else f"{t / rows[0][1]:.2f} ({c / rows[0][2]:.2f})" for _, t, c, *_ in rows]
        print(f"{pair:34} " + " ".join(f"{c:>24}" for c in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
