"""Slide figures of the GAN lectures (05 GAN, 07 WGAN and WGAN-GP, 08 conditional GAN).

Figures that only need a trained model (latent walk, cGAN grid and morphing) use the shipped
demo generators (:func:`cv2course.demos.load_demo`) unless called with ``pretrained=False``.
The DCGAN progression trains on the embedded digits live in normal mode; in quick mode
(``pretrained=None`` there means "quick mode") it shows the samples recorded while the demo DCGAN
trained, and the samples figure shows the demo generators, since nothing trains to digits in
seconds. The figures that compare GAN, WGAN and WGAN-GP while they train (WGAN vs GAN curves,
mode collapse, the ring progressions) train the package's models live on a 2-D toy
(:mod:`cv2course.experiments.toy2d`), where 1,000 generator steps are enough for the point to
show, and measure them with the exact Earth Mover's distance to the data. Every
picture's title says whether it shows pretrained or live weights. Live models are cached per
(model, seed, quick mode) for the process, so figures of one lecture share their training.
Budgets (generator steps) come from ``settings.pick(normal, quick)``.
"""
import numpy as np

from cv2course import settings
from cv2course.figures import figure
from cv2course.i18n import tr

GAN_LECTURE = "05_gan"
WGAN_LECTURE = "07_wgan_and_wgan_gp"
CGAN_LECTURE = "08_conditional_gan"

_TRAINED = {}


def _pretrained(pretrained, default):
    """``pretrained`` as given, or ``default`` when None."""
    return default if pretrained is None else bool(pretrained)


def _demo(name):
    """The shipped demo model ``name`` (loaded once per process)."""
    key = ("demo", name)
    if key not in _TRAINED:
        from cv2course.demos import demo_record, load_demo

        _TRAINED[key] = (load_demo(name), demo_record(name))
    return _TRAINED[key]


def _demo_steps(name):
    return int(_demo(name)[1]["info"].get("best_step", _demo(name)[1]["info"].get("steps", 0)))


def _network():
    return dict(latent_dim=settings.pick(64, 8), base_filters=settings.pick(32, 4))


def _steps(normal, quick=2):
    return settings.pick(normal, quick)


class _Recorder:
    """Epoch-end logs and optional sample grids at fixed generator steps."""

    def __init__(self):
        self.steps, self.logs, self.snapshots = [], [], []


def _train(name, seed, steps, chunk, snapshot_z=None, record_weights=False):
    """Train model ``name`` for ``steps`` generator steps in chunks; cache and return (model, recorder)."""
    key = (name, seed, settings.QUICK, steps)
    if key in _TRAINED:
        return _TRAINED[key]
    from cv2course.data import digits
    from cv2course.gans.cgan import ConditionalGAN
    from cv2course.gans.gan import GAN
    from cv2course.gans.wgan import WGAN
    from cv2course.gans.wgan_gp import WGANGP
    from cv2course.settings import set_seed

    set_seed(seed)
    cls = {"gan": GAN, "wgan": WGAN, "wgan_gp": WGANGP, "cgan": ConditionalGAN}[name]
    model = cls(seed=seed, **_network())
    model.compile(run_eagerly=settings.QUICK)  # a few eager steps beat tracing the step graph
    x, y = digits(28, "train")
    ds = model.make_dataset(x, labels=y if name == "cgan" else None, batch_size=settings.pick(64, 8),
                            repeat=True, seed=seed)
    rec = _Recorder()
    z = model.latent_vectors(8, seed=seed + 1) if snapshot_z is None else snapshot_z
    done = 0

    def snap():
        if name == "cgan":
            rec.snapshots.append(model.generate(np.arange(8) % 10, z=z))
        else:
            rec.snapshots.append(model.generate(z=z))

    snap()
    rec.steps.append(0)
    rec.logs.append({})
    while done < steps:
        n = min(chunk, steps - done)
        history = model.fit(ds, steps_per_epoch=n, epochs=1, verbose=0)
        done += n
        rec.steps.append(done)
        rec.logs.append({k: float(v[-1]) for k, v in history.history.items()})
        snap()
    _TRAINED[key] = (model, rec)
    return model, rec


# --- 05 GAN ------------------------------------------------------------------------------

def _gan(seed):
    return _train("gan", seed, _steps(800), settings.pick(50, 1))


@figure("gan_progression", kind="image", lecture=GAN_LECTURE,
        caption="A DCGAN learning the embedded digits: the same 8 noise vectors decoded after "
                "0, 50, 100, 200, 400 and 800 generator steps (Algorithm 1, k = 1, non-saturating loss); trained "
                "live in normal mode, in quick mode the samples recorded while the shipped demo DCGAN trained "
                "(the title says which).")
def gan_progression(seed, pretrained=None):
    """Live training in normal mode; ``pretrained`` (default: quick mode) shows the samples recorded
    while the shipped demo DCGAN trained (fixed noise, steps 0 … 3000)."""
    import matplotlib.pyplot as plt

    from cv2course.viz import image_grid

    if _pretrained(pretrained, settings.QUICK):
        record = _demo("dcgan")[1]
        rec = _Recorder()
        rec.steps, rec.snapshots = [int(s) for s in record["steps"]], list(record["samples"])
        wanted = [0, 50, 100, 200, 400, 800, 1600, max(rec.steps)]
        source = tr("recorded while the shipped demo DCGAN trained (pretrained demo)")
    else:
        _, rec = _gan(seed)
        wanted = settings.pick([0, 50, 100, 200, 400, 800], None)
        source = tr("trained live, {steps} generator steps", steps=rec.steps[-1])
    rows = [i for i, s in enumerate(rec.steps) if wanted is None or s in wanted]
    fig, axes = plt.subplots(len(rows), 1, figsize=(8, 1.15 * len(rows)), squeeze=False)
    for ax, i in zip(axes[:, 0], rows):
        ax.imshow(image_grid(rec.snapshots[i], nrows=1)[..., 0], cmap="gray", vmin=0, vmax=1,
                  interpolation="nearest")
        ax.set_ylabel(tr("step {step}", step=rec.steps[i]), rotation=0, ha="right", va="center", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(tr("Training progression (fixed noise): {source}", source=source), fontsize=10)
    fig.tight_layout()
    return fig


@figure("latent_interpolation", kind="image", lecture=GAN_LECTURE,
        caption="Walking the latent space of the trained DCGAN: each row decodes 10 points on the "
                "great circle (slerp) between two noise vectors; the digits morph smoothly.")
def latent_interpolation(seed, pretrained=None):
    """The shipped demo DCGAN unless ``pretrained=False`` (then the live one of ``gan_progression``)."""
    import matplotlib.pyplot as plt

    from cv2course.gans.latent import interpolation_strip
    from cv2course.viz import image_grid

    if _pretrained(pretrained, True):
        model, source = _demo("dcgan")[0], tr("pretrained demo DCGAN ({steps} steps)", steps=_demo_steps("dcgan"))
    else:
        model, rec = _gan(seed)
        source = tr("DCGAN trained live ({steps} steps)", steps=rec.steps[-1])
    strips = [interpolation_strip(model, steps=10, method="slerp", seed=seed * 100 + i) for i in range(4)]
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.imshow(image_grid(np.concatenate(strips), ncols=10)[..., 0], cmap="gray", vmin=0, vmax=1,
              interpolation="nearest")
    ax.set_title(f"slerp(z₀, z₁, t), t = 0 … 1 — {source}", fontsize=10)
    ax.axis("off")
    fig.tight_layout()
    return fig


# The GAN evolution slide's years: (year, model, authors, notebook or None); a notebook marks the
# models this course implements.
GAN_TIMELINE = (
    (2014, "GAN", "Goodfellow et al.", "05"), (2014, "Conditional GAN", "Mirza & Osindero", "08"),
    (2015, "DCGAN", "Radford et al.", "05"),
    (2016, "CoGAN", "Liu & Tuzel", None), (2016, "Semi-supervised GAN", "Salimans et al.", "10"),
    (2016, "SRGAN", "Ledig et al.", "11"),
    (2017, "WGAN", "Arjovsky et al.", "07"), (2017, "WGAN-GP", "Gulrajani et al.", "07"),
    (2017, "CycleGAN", "Zhu et al.", "10"), (2017, "Progressive GAN", "Karras et al.", None),
    (2018, "StyleGAN", "Karras et al.", None),
)


@figure("gan_timeline", kind="plot", lecture=GAN_LECTURE,
        caption="GAN evolution 2014-2018 (the slide's years): the papers behind the usual face sequence and the "
                "models of this course (bold, with their notebook), by the year their paper appeared on arXiv.")
def gan_timeline(seed=0):
    """A timeline of :data:`GAN_TIMELINE` (``seed`` is unused: nothing random)."""
    import matplotlib.pyplot as plt


    years = sorted({entry[0] for entry in GAN_TIMELINE})
    shown = {"Conditional GAN": tr("Conditional GAN"), "Semi-supervised GAN": tr("Semi-supervised GAN"),
             "Progressive GAN": tr("Progressive GAN")}  # the other names are the same in every language
    fig, ax = plt.subplots(figsize=(12, 4.2))
    ax.axhline(0, color="k", lw=1)
    for year in years:
        ax.plot(year, 0, "o", color="k")
        ax.text(year, -0.2, str(year), ha="center", va="top", fontsize=12, fontweight="bold")
        entries = [entry[1:] for entry in GAN_TIMELINE if entry[0] == year]
        for row, (model, authors, nb) in enumerate(entries):
            extra = tr("{authors}, notebook {nb}", authors=authors, nb=nb) if nb else authors
            ax.text(year, 0.25 + 0.6 * row, f"{shown.get(model, model)}\n{extra}", ha="center", va="bottom", fontsize=8.5,
                    fontweight="bold" if nb else "normal", color="k" if nb else "0.4", linespacing=1.1)
    ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)
    ax.set_ylim(-0.6, 0.3 + 0.6 * 4)
    ax.axis("off")
    ax.set_title(tr("GAN evolution 2014–2018 (bold: in this course)"), fontsize=11)
    fig.tight_layout()
    return fig


# --- 07 WGAN / WGAN-GP -------------------------------------------------------------------

def _wgans(seed):
    steps, chunk = _steps(300), settings.pick(20, 1)
    return {name: _train(name, seed, steps, chunk) for name in ("gan", "wgan", "wgan_gp")}


@figure("wgan_vs_gan", kind="plot", lecture=WGAN_LECTURE,
        caption="GAN, WGAN (weight clipping, c = 0.01) and WGAN-GP (gradient penalty) on 8 Gaussians on a ring, "
                "trained live for 1,000 generator steps (cv2course.experiments.toy2d.TOY_SETTINGS). Left: the exact "
                "Earth Mover's distance between 1,000 generated and 1,000 real points (log scale): both WGANs learn, "
                "WGAN-GP faster (seed 0: 0.54 against 0.80 at step 375, 0.19 against 0.87 at step 1,000; below WGAN "
                "at every snapshot on seeds 0, 1 and 2); the GAN (notebook 06's collapsing setting) hops between "
                "modes, its distance jumping between 1 and 11. Middle: the critics' own estimate E f(x) − E f(G(z)): "
                "under the penalty it is in the distance's units and, after a noisy start, falls with it, staying "
                "above it; under clipping it is at most the distance times a tiny unknown Lipschitz bound (right "
                "axis), so only its trend means something. Right: critic weights pile up at ±c under clipping, "
                "spread out under the penalty (Gulrajani et al., Fig. 1b).")
def wgan_vs_gan(seed):
    import matplotlib.pyplot as plt

    from cv2course.experiments import toy2d

    runs, steps = _toy_trio(seed)
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(14, 3.8))
    for kind in ("gan", "wgan", "wgan_gp"):
        _, shots, emd = runs[kind]
        ax1.plot(shots.steps, emd, "o-", ms=2.5, color=_TOY_COLORS[kind], label=_toy_label(kind))
    ax1.axhline(_ring_floor(seed), ls=":", color="k", lw=1, label=tr("two samples of the data"))
    ax1.set_xlabel(tr("generator step"))
    ax1.set_ylabel(tr("exact EMD to the data"))
    ax1.set_yscale("log")  # the GAN's jumps between modes reach ten times the WGANs' distances
    n = len(runs["wgan_gp"][1].points[0])
    ax1.set_title(tr("true distance ({n} vs {n} points)", n=n) + _quick_note(steps), fontsize=10)
    ax1.legend(fontsize=8)
    _, shots, emd = runs["wgan_gp"]
    ax2.plot(*toy2d.critic_estimates(shots), color=_TOY_COLORS["wgan_gp"], label=tr("WGAN-GP: critic's estimate"))
    ax2.plot(shots.steps, emd, "--", color=_TOY_COLORS["wgan_gp"], alpha=0.6, label=tr("WGAN-GP: exact EMD"))
    ax2.set_xlabel(tr("generator step"))
    ax2.set_ylabel("E f(x) − E f(G(z))")
    ax2.set_title(tr("critic's Wasserstein estimate"), fontsize=10)
    right = ax2.twinx()
    right.plot(*toy2d.critic_estimates(runs["wgan"][1]), color=_TOY_COLORS["wgan"],
               label=tr("WGAN (c = 0.01): critic's estimate, right axis"))
    right.tick_params(axis="y", colors=_TOY_COLORS["wgan"])
    lines = ax2.get_legend_handles_labels(), right.get_legend_handles_labels()
    ax2.legend(lines[0][0] + lines[1][0], lines[0][1] + lines[1][1], fontsize=7)
    for kind, label in (("wgan", tr("clipping")), ("wgan_gp", tr("gradient penalty"))):
        model = runs[kind][0]
        w = np.concatenate([np.ravel(np.asarray(v)) for v in model.critic.trainable_weights if "kernel" in v.path])
        ax3.hist(w, bins=np.linspace(-0.3, 0.3, 121), alpha=0.6, color=_TOY_COLORS[kind], label=label, density=True)
    ax3.set_xlabel(tr("critic kernel weight"))
    ax3.set_yscale("log")
    ax3.set_title(tr("critic weights"), fontsize=10)
    ax3.legend(fontsize=8)
    fig.tight_layout()
    return fig


@figure("wgan_samples", kind="image", lecture=WGAN_LECTURE,
        caption="Digits from the shipped demo DCGAN and WGAN-GP (3,000 generator steps each; the titles say "
                "pretrained). Live, 300 steps on the digits are too few for WGAN with clipping (its samples are "
                "still noise): the live comparison of WGAN and WGAN-GP is wgan_toy_progress, on a 2-D ring.")
def wgan_samples(seed, pretrained=None):
    """The shipped demo DCGAN and WGAN-GP unless ``pretrained=False`` (then GAN, WGAN and WGAN-GP trained
    live on the digits for 300 generator steps: too few for WGAN; no weight-clipping WGAN is shipped)."""
    import matplotlib.pyplot as plt

    from cv2course.viz import image_grid

    if _pretrained(pretrained, True):
        panels = [(_demo(name)[0], tr("{title}\npretrained demo, {steps} steps", title=title, steps=_demo_steps(name)))
                  for name, title in (("dcgan", tr("DCGAN (GAN loss)")), ("wgan_gp", "WGAN-GP"))]
    else:
        runs = _wgans(seed)
        panels = [(runs[name][0], tr("{title}\ntrained live, {steps} steps", title=title,
                                     steps=runs[name][1].steps[-1]))
                  for name, title in (("gan", "GAN"), ("wgan", "WGAN"), ("wgan_gp", "WGAN-GP"))]
    fig, axes = plt.subplots(1, len(panels), figsize=(3.4 * len(panels), 3.9), squeeze=False)
    for ax, (model, title) in zip(axes[0], panels):
        ax.imshow(image_grid(model.generate(36, seed=seed), ncols=6)[..., 0], cmap="gray", vmin=0, vmax=1,
                  interpolation="nearest")
        ax.set_title(title, fontsize=10)
        ax.axis("off")
    fig.tight_layout()
    return fig


# --- 2-D ring toys (06 mode collapse, 07 WGAN): the package's models on points, trained live ------

def _toy(kind, seed, steps, marks=(), **options):
    """(model, Snapshots) of ``cv2course.experiments.toy2d`` ``kind`` trained for ``steps`` generator
    steps with snapshots at ``marks``; cached per process like the digits runs."""
    key = ("toy", kind, seed, settings.QUICK, steps, tuple(marks), tuple(sorted(options.items())))
    if key not in _TRAINED:
        from cv2course.experiments import toy2d
        from cv2course.settings import set_seed

        set_seed(seed)
        model = toy2d.build(kind, seed=seed, **options)
        _TRAINED[key] = (model, toy2d.train(model, steps, marks, n_points=settings.pick(1000, 100), seed=seed))
    return _TRAINED[key]


def _marks(steps, count):
    """``count`` snapshot steps spread up to ``steps`` (the last is ``steps``)."""
    return tuple(int(round(steps * (i + 1) / count)) for i in range(count))


def _ring_panel(ax, points, title):
    """Generated ``points`` (red) over the ring's 8 modes (grey circles)."""
    from cv2course.experiments import toy2d

    ax.scatter(*toy2d.ring_centres().T, s=90, facecolors="none", edgecolors="0.55", lw=1)
    ax.scatter(*np.asarray(points).T, s=2, color="tab:red", alpha=0.4)
    ax.set(xlim=(-3, 3), ylim=(-3, 3), aspect="equal", xticks=[], yticks=[])
    ax.set_title(title, fontsize=9)


def _quick_note(steps):
    return tr(" (quick mode: {steps} steps, not meaningful)", steps=steps) if settings.QUICK else ""


_TOY_COLORS = {"gan": "tab:gray", "wgan": "tab:orange", "wgan_gp": "tab:blue"}


def _toy_label(kind):
    # λ = 0.1 is the WGAN-GP authors' toy value (gan_toy.py), not the slide's λ = 10: the label says so
    return {"gan": tr("GAN"), "wgan": tr("WGAN, c = 0.01"), "wgan_gp": tr("WGAN-GP, λ = 0.1")}[kind]


def _curve_marks(steps):
    """Snapshot steps for curves: every fortieth of ``steps`` (every step in quick mode)."""
    every = max(1, steps // 40)
    return tuple(range(every, steps + 1, every))


def _ring_floor(seed):
    """The exact EMD between two samples of the ring itself (as many points as the runs draw)."""
    from cv2course.experiments import toy2d
    from cv2course.metrics import earth_movers_distance_points

    n = settings.pick(1000, 100)
    return earth_movers_distance_points(toy2d.ring_points(n, seed=seed + 7), toy2d.ring_points(n, seed=toy2d.EVAL_SEED))


def _toy_trio(seed, steps=None):
    """({kind: (model, Snapshots, exact EMDs)}, steps): GAN (toy2d.TOY_SETTINGS["gan"]), WGAN (c = 0.01) and
    WGAN-GP (toy2d.TOY_SETTINGS) on the ring, snapshots every fortieth of ``steps`` (default 1,000; 4 in quick
    mode); shared by the figures of lectures 06 and 07."""
    from cv2course.experiments import toy2d

    steps = steps or settings.pick(1000, 4)
    key = ("toy trio", seed, settings.QUICK, steps)
    if key not in _TRAINED:  # the exact EMDs too are computed once per process
        marks = _curve_marks(steps)
        runs = {}
        for kind in ("gan", "wgan", "wgan_gp"):
            model, shots = _toy(kind, seed, steps, marks, **toy2d.TOY_SETTINGS[kind])
            runs[kind] = (model, shots, toy2d.true_distances(shots))
        _TRAINED[key] = runs
    return _TRAINED[key], steps


def ring_progress(rows, title="", distances=None):
    """One row per run, one column per recorded step after 0: ``rows`` = [(name, Snapshots)] from
    :func:`cv2course.experiments.toy2d.train`; each panel says how many of the 8 modes it covers and,
    when ``distances`` = {name: {step: exact EMD}} is given (e.g. ``dict(zip(shots.steps,
    toy2d.true_distances(shots)))``), its Earth Mover's distance to the data."""
    import matplotlib.pyplot as plt

    from cv2course.experiments import toy2d

    distances = distances or {}
    columns = max(len(shots.steps) - 1 for _, shots in rows)
    fig, axes = plt.subplots(len(rows), columns, figsize=(2.6 * columns, 3.3 * len(rows)), squeeze=False)
    for r, (name, shots) in enumerate(rows):
        for c in range(columns):
            ax = axes[r, c]
            if c + 1 >= len(shots.steps):
                ax.axis("off")
                continue
            points = shots.points[c + 1]
            text = tr("{name}\nstep {step}: {k} of 8 modes", name=name, step=shots.steps[c + 1],
                      k=toy2d.modes_covered(points))
            if shots.steps[c + 1] in distances.get(name, {}):
                text += tr(", EMD {emd:.2f}", emd=distances[name][shots.steps[c + 1]])
            _ring_panel(ax, points, text)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


@figure("mode_collapse_sequence", kind="image", lecture="06_mode_collapse",
        caption="Mode collapse as it happens: a standard GAN (non-saturating loss, close to Metz et al.'s 2017 toy "
                "setting) trained on 8 Gaussians on a ring covers one mode at a time and hops between them as "
                "training goes on; the same GAN whose discriminator also sees the batch's standard deviation "
                "(Karras et al. 2018) spreads over all 8. The package's GAN with MLPs, trained live.")
def mode_collapse_sequence(seed=0, steps=None):
    """Rows: the collapsing GAN and the covering one; columns: the same noise vectors after increasing steps."""
    from cv2course.experiments import toy2d

    steps = steps or settings.pick(2000, 4)
    marks = _marks(steps, 4)
    rows = [(tr("GAN"), _toy("gan", seed, steps, marks, **toy2d.COLLAPSING_GAN)[1]),
            (tr("GAN, minibatch std"), _toy("gan", seed, steps, marks, **toy2d.COVERING_GAN)[1])]
    return ring_progress(rows, tr("Trained on 8 Gaussians on a ring: the same noise after each step count")
                         + _quick_note(steps))


@figure("wgan_toy_progress", kind="image", lecture=WGAN_LECTURE,
        caption="WGAN with the paper's clipping c = 0.01 and WGAN-GP, the same small MLPs on 8 Gaussians on a ring, "
                "trained live for 1,000 generator steps (settings and measurements: "
                "cv2course.experiments.toy2d.TOY_SETTINGS); each panel gives the modes covered and the exact Earth "
                "Mover's distance between 1,000 generated and 1,000 real points. Seed 0: WGAN-GP covers the 8 modes "
                "from step 375 (EMD 0.54; 0.19 at step 1,000); WGAN learns more slowly and stops at a blob over the "
                "ring (EMD 0.80 at step 375, 0.87 at 1,000).")
def wgan_toy_progress(seed=0, steps=None):
    """Rows: WGAN (c = 0.01) and WGAN-GP; columns: the same noise after 1/8, 1/4, 3/8 and all of the steps."""
    runs, steps = _toy_trio(seed, steps)
    marks = (steps // 8, steps // 4, 3 * steps // 8, steps) if steps >= 8 else tuple(range(1, steps + 1))[-4:]
    rows, distances = [], {}
    for kind in ("wgan", "wgan_gp"):
        _, shots, emd = runs[kind]
        rows.append((_toy_label(kind), shots.at(marks)))
        distances[_toy_label(kind)] = dict(zip(shots.steps, emd))
    return ring_progress(rows, tr("The same networks and generator steps") + _quick_note(steps), distances)


def critic_toy(kind="wgan", clip_value=0.01, gp_weight=0.1, n_critic=5, steps=None, seed=0):
    """Train a WGAN (``clip_value``) or WGAN-GP (``gp_weight``) with ``n_critic`` on the ring and draw its
    critic's surface f(x) with the real modes and the generated points; returns the figure.

    The notebook's widget calls this for each setting (not a registered figure: it has knobs)."""
    import matplotlib.pyplot as plt

    from cv2course.experiments import toy2d

    steps = steps or settings.pick(300, 3)
    options = dict(n_critic=int(n_critic))
    if kind == "wgan":
        options["clip_value"] = float(clip_value)
        setting = f"c = {clip_value:g}, n_critic = {int(n_critic)}"
    else:
        options["gp_weight"] = float(gp_weight)
        setting = f"λ = {gp_weight:g}, n_critic = {int(n_critic)}"
    model, shots = _toy(kind, seed, steps, (), **{**toy2d.TOY_SETTINGS[kind], **options})
    xs, ys, scores = toy2d.critic_surface(model)
    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    mesh = ax.contourf(xs, ys, scores, levels=20, cmap="RdBu_r")
    fig.colorbar(mesh, ax=ax, label=tr("critic score f(x)"))
    ax.scatter(*toy2d.ring_centres().T, s=90, facecolors="none", edgecolors="k", lw=1.2, label=tr("real modes"))
    ax.scatter(*shots.points[-1].T, s=2, color="gold", alpha=0.6, label=tr("generated"))
    ax.set(xlim=(-3, 3), ylim=(-3, 3), aspect="equal", xticks=[], yticks=[])
    ax.set_title(tr("{model} ({setting})\nafter {steps} generator steps", model="WGAN" if kind == "wgan" else "WGAN-GP",
                    setting=setting, steps=steps) + ("\n" + _quick_note(steps).strip() if settings.QUICK else ""),
                 fontsize=9)
    ax.legend(loc="lower left", fontsize=7)
    fig.tight_layout()
    return fig


# --- 06 mode collapse, measured on the ring ---------------------------------------------

@figure("mode_collapse", kind="plot", lecture="06_mode_collapse",
        caption="Measuring mode collapse on 8 Gaussians on a ring: modes covered (a mode counts with >= 2% of "
                "1,000 generated points near it) after each number of generator steps for a GAN (notebook 06's "
                "collapsing setting), WGAN (clipping, c = 0.01) and WGAN-GP, the package's models with small MLPs "
                "trained live for 1,000 steps (cv2course.experiments.toy2d.TOY_SETTINGS). Seed 0: the GAN covers 0 "
                "to 3 modes at any step, WGAN at most 5 (a blob over the ring, thin near most modes), WGAN-GP all 8 "
                "from step 375. Right: the share of the last "
                "step's points at each mode against the data's 1/8.")
def mode_collapse(seed):
    """Modes covered vs step and the last step's points per mode, for the runs of :func:`wgan_vs_gan`."""
    import matplotlib.pyplot as plt

    from cv2course.experiments import toy2d

    runs, steps = _toy_trio(seed)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.6))
    for kind, (_, shots, _) in runs.items():
        ax1.plot(shots.steps, [toy2d.modes_covered(p) for p in shots.points], "o-", ms=3, color=_TOY_COLORS[kind],
                 label=_toy_label(kind))
    ax1.axhline(8, ls="--", color="k", lw=0.8)
    ax1.set(ylim=(-0.3, 8.5), xlabel=tr("generator step"), ylabel=tr("modes covered (of 8)"))
    ax1.set_title(tr("modes covered during training") + _quick_note(steps), fontsize=10)
    ax1.legend(fontsize=8)
    width = 0.27
    for i, (kind, (_, shots, _)) in enumerate(runs.items()):
        counts, _ = toy2d.mode_counts(shots.points[-1])
        ax2.bar(np.arange(8) + (i - 1) * width, counts / len(shots.points[-1]), width, color=_TOY_COLORS[kind],
                label=_toy_label(kind))
    ax2.axhline(1 / 8, ls="--", color="k", lw=0.8, label=tr("the data (1/8 each)"))
    ax2.set_xticks(range(8))
    ax2.set(xlabel=tr("mode"), ylabel=tr("share of generated points"), ylim=(0, 0.2))
    ax2.set_title(tr("after {steps} generator steps", steps=steps), fontsize=10)
    ax2.legend(fontsize=8, ncol=2, loc="upper left")
    fig.tight_layout()
    return fig


# --- 08 conditional GAN ------------------------------------------------------------------

def _cgan(seed):
    return _train("cgan", seed, _steps(600), settings.pick(100, 1))


def _cgan_model(seed, pretrained):
    """(model, description): the shipped demo cGAN unless ``pretrained=False`` (then trained live)."""
    if _pretrained(pretrained, True):
        return _demo("cgan")[0], tr("pretrained demo cGAN ({steps} steps)", steps=_demo_steps("cgan"))
    model, rec = _cgan(seed)
    return model, tr("cGAN trained live ({steps} steps)", steps=rec.steps[-1])


@figure("cgan_grid", kind="image", lecture=CGAN_LECTURE,
        caption="Conditional DCGAN G(z | y): row k asks for digit k; each column shares one noise vector z, "
                "which carries the style (slant, thickness) across classes.")
def cgan_grid(seed, pretrained=None):
    """The shipped demo cGAN unless ``pretrained=False`` (then trained live)."""
    import matplotlib.pyplot as plt

    from cv2course.viz import image_grid

    model, source = _cgan_model(seed, pretrained)
    fig, ax = plt.subplots(figsize=(6, 7))
    ax.imshow(image_grid(model.class_grid(per_class=8, seed=seed), ncols=8)[..., 0], cmap="gray", vmin=0, vmax=1,
              interpolation="nearest")
    ax.set_yticks(np.arange(10) * 29 + 14, [f"y = {k}" for k in range(10)])
    ax.set_xticks([])
    ax.set_title(source, fontsize=10)
    fig.tight_layout()
    return fig


@figure("class_morphing", kind="image", lecture=CGAN_LECTURE,
        caption="Class morphing: with z fixed, the label code slides from one-hot(a) to one-hot(b).")
def class_morphing(seed, pretrained=None):
    """The shipped demo cGAN unless ``pretrained=False`` (then trained live)."""
    import matplotlib.pyplot as plt

    from cv2course.viz import image_grid

    model, source = _cgan_model(seed, pretrained)
    pairs = [(1, 7), (3, 8), (4, 9), (0, 6)]
    rows = [model.class_morph(a, b, steps=9, n=1, seed=seed + i)[0] for i, (a, b) in enumerate(pairs)]
    fig, ax = plt.subplots(figsize=(9, 4.4))
    ax.imshow(image_grid(np.concatenate(rows), ncols=9)[..., 0], cmap="gray", vmin=0, vmax=1,
              interpolation="nearest")
    ax.set_yticks(np.arange(len(pairs)) * 29 + 14, [f"{a} → {b}" for a, b in pairs])
    ax.set_xticks(np.arange(9) * 29 + 14, [f"{t:.2f}" for t in np.linspace(0, 1, 9)])
    ax.set_xlabel(tr("t in (1 − t)·onehot(a) + t·onehot(b)"))
    ax.set_title(source, fontsize=10)
    fig.tight_layout()
    return fig
