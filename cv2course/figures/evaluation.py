"""Slide figures for comparing distributions (lecture 06) and evaluating generators (lecture 09).

Every number drawn comes from ``cv2course.metrics``; nothing is re-typed here.
"""
import numpy as np

from cv2course import settings
from cv2course.figures import figure
from cv2course.i18n import tr

DISTRIBUTIONS = "06_mode_collapse"
EVALUATION = "09_evaluation"


def _gaussian_histogram(grid, mean, std):
    density = np.exp(-0.5 * ((grid - mean) / std) ** 2)
    return density / density.sum()


@figure("divergences", kind="plot", lecture=DISTRIBUTIONS,
        caption="KL is asymmetric and blows up on disjoint supports, JS saturates at log 2, the Earth Mover's "
                "distance grows with the shift: P = N(0, 1) against Q shifted by θ (top) and two point masses "
                "θ apart (bottom right), as in the WGAN paper.")
def divergences(seed):
    import matplotlib.pyplot as plt

    from cv2course.metrics import earth_movers_distance_1d, js_divergence, kl_divergence

    grid = np.linspace(-6.0, 14.0, settings.pick(801, 201))
    step = grid[1] - grid[0]
    p = _gaussian_histogram(grid, 0.0, 1.0)
    thetas = np.linspace(0.0, 8.0, settings.pick(41, 9))
    rows = []
    for theta in thetas:
        q = _gaussian_histogram(grid, theta, 2.0)
        rows.append((kl_divergence(p, q), kl_divergence(q, p), js_divergence(p, q),
                     earth_movers_distance_1d(p, q, positions=grid)))
    kl_pq, kl_qp, js, emd = np.array(rows).T

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    ax = axes[0]
    ax.fill_between(grid, p / step, alpha=0.4, label="P = N(0, 1)")
    for theta in (0.0, 3.0, 6.0):
        ax.plot(grid, _gaussian_histogram(grid, theta, 2.0) / step, label=f"Q = N({theta:g}, 2²)")
    ax.set(xlim=(-5, 12), xlabel="x", ylabel=tr("density"), title=tr("P and shifted, wider Q"))
    ax.legend(fontsize=8)

    ax = axes[1]
    ax.plot(thetas, kl_pq, label="KL(P‖Q)")
    ax.plot(thetas, kl_qp, label="KL(Q‖P)")
    ax.plot(thetas, js, label="JS(P, Q)")
    ax.plot(thetas, emd, label="EMD(P, Q)", color="k")
    ax.axhline(np.log(2), color="gray", ls=":", lw=1)
    ax.text(thetas[-1], np.log(2), "log 2", va="bottom", ha="right", fontsize=8, color="gray")
    ax.set(xlabel=tr("shift θ"), ylabel=tr("nats / distance"), title=tr("Overlapping supports"), ylim=(0, 20))
    ax.legend(fontsize=8)

    # Point masses at 0 and θ on a line: KL = ∞, JS = log 2, EMD = |θ| (Arjovsky et al., 2017, Example 1).
    line = np.arange(-5, 6, dtype=float)
    shifts = line.copy()
    at_zero = (line == 0).astype(float)
    js_pm, emd_pm, kl_pm = [], [], []
    for shift in shifts:
        at_theta = (line == shift).astype(float)
        js_pm.append(js_divergence(at_zero, at_theta))
        emd_pm.append(earth_movers_distance_1d(at_zero, at_theta, positions=line))
        kl_pm.append(kl_divergence(at_zero, at_theta))
    ax = axes[2]
    ax.plot(shifts, emd_pm, "k-o", ms=3, label="EMD = |θ|")
    ax.plot(shifts, js_pm, "-o", ms=3, color="C2", label=tr("JS (log 2 unless θ = 0)"))
    finite = np.isfinite(kl_pm)
    ax.plot(shifts[finite], np.array(kl_pm)[finite], "s", color="C0", label=tr("KL(P‖Q) (∞ unless θ = 0)"))
    ax.set(xlabel="θ", title=tr("Point masses at 0 and θ"), ylim=(-0.2, 5.5))
    ax.legend(fontsize=8, loc="upper center")
    fig.tight_layout()
    return fig


def _plan_heatmap(ax, plan, rows, cols, title, cmap="Blues"):
    ax.imshow(plan, cmap=cmap, vmin=0, vmax=max(plan.max(), 1e-9))
    for i in range(plan.shape[0]):
        for j in range(plan.shape[1]):
            value = plan[i, j]
            text = f"{value:g}" if abs(value - round(value)) < 1e-9 else f"{value:.2f}"
            ax.text(j, i, text, ha="center", va="center", fontsize=10,
                    color="white" if value > 0.6 * plan.max() else "black")
    ax.set_xticks(range(len(cols)), [str(c) for c in cols])
    ax.set_yticks(range(len(rows)), [str(r) for r in rows])
    ax.set(xlabel=tr("to position (Q)"), ylabel=tr("from position (P)"), title=title)


@figure("emd_plans", kind="plot", lecture=DISTRIBUTIONS,
        caption="Earth Mover's distance as moving boxes: the slide's two transport plans γ₁ and γ₂ from P "
                "(positions 1-3) to Q (positions 7-10) cost the same 42 box-steps; the linear program finds an "
                "optimum of the same cost, so EMD = 7 per box.")
def emd_plans(seed):
    import matplotlib.pyplot as plt

    from cv2course.metrics import distance_cost, earth_movers_distance, emd_box_example, transport_cost

    ex = emd_box_example()
    cost = distance_cost(ex["p_positions"], ex["q_positions"])
    boxes = ex["p_boxes"].sum()
    optimum = earth_movers_distance(ex["p_boxes"], ex["q_boxes"], cost=cost)

    fig, axes = plt.subplots(1, 4, figsize=(15, 3.6), gridspec_kw={"width_ratios": [1.5, 1, 1, 1]})
    ax = axes[0]
    ax.bar(ex["p_positions"], ex["p_boxes"], color="C0", label="P")
    ax.bar(ex["q_positions"], ex["q_boxes"], color="C1", label="Q")
    ax.set_xticks(range(1, 11))
    ax.set(xlabel=tr("position"), ylabel=tr("boxes"), title=tr("P and Q ({boxes} boxes each)", boxes=boxes))
    ax.legend()
    for ax, key, name in ((axes[1], "gamma1", "γ₁"), (axes[2], "gamma2", "γ₂")):
        plan = ex[key]
        _plan_heatmap(ax, plan, ex["p_positions"], ex["q_positions"],
                      tr("{name}: cost {cost:g} ({per_box:g} per box)", name=name, cost=transport_cost(plan, cost),
                         per_box=transport_cost(plan, cost) / boxes))
    _plan_heatmap(axes[3], optimum.plan * boxes, ex["p_positions"], ex["q_positions"],
                  tr("linprog optimum: EMD = {emd:.3g}", emd=optimum.distance), cmap="Greens")
    fig.tight_layout()
    return fig


def _gaussian_noise(images, sigma, seed):
    rng = np.random.default_rng(seed)
    return np.clip(images + sigma * rng.standard_normal(images.shape), 0.0, 1.0).astype(np.float32)


def _blur(images, sigma):
    from scipy.ndimage import gaussian_filter

    if sigma == 0:
        return images
    return gaussian_filter(images, sigma=(0, sigma, sigma, 0)).astype(np.float32)


@figure("is_label_distributions", kind="plot", lecture=EVALUATION,
        caption="The Inception Score rewards sharp p(y|x) (each image clearly one class) and a flat marginal "
                "p(y) (all classes produced): a clean digit vs a blurred one, and the marginal of a diverse set "
                "vs a collapsed one, with the digits classifier.")
def is_label_distributions(seed):
    import matplotlib.pyplot as plt

    from cv2course.data import digits
    from cv2course.metrics import inception_score
    from cv2course.metrics.features import digits_cnn

    classify = digits_cnn(output="probs", seed=seed)
    name = classify.name
    x, y = digits(28, "test")
    rng = np.random.default_rng(seed)
    index = int(rng.choice(np.flatnonzero(y == 3)))
    sharp = classify(x[index:index + 1])[0]
    blurred_image = _blur(x[index:index + 1], 2.5)
    flat = classify(blurred_image)[0]
    diverse = classify(x)
    collapsed = classify(x[y == 3])
    classes = np.arange(10)

    fig, axes = plt.subplots(1, 4, figsize=(15, 3.4))
    for ax, probs, image, title in ((axes[0], sharp, x[index], tr("clean digit: sharp p(y|x)")),
                                    (axes[1], flat, blurred_image[0], tr("blurred digit: flat p(y|x)"))):
        ax.bar(classes, probs, color="C0")
        ax.set(xticks=classes, ylim=(0, 1.05), xlabel=tr("class y"), ylabel="p(y|x)", title=title)
        inset = ax.inset_axes([0.66, 0.55, 0.32, 0.42])
        inset.imshow(image[..., 0], cmap="gray", vmin=0, vmax=1)
        inset.axis("off")
    for ax, probs, title in ((axes[2], diverse, tr("all test digits")), (axes[3], collapsed, tr("only 3s (collapse)"))):
        score = inception_score(probs, splits=1).mean
        ax.bar(classes, probs.mean(axis=0), color="C1")
        ax.axhline(0.1, color="gray", ls=":", lw=1)
        ax.set(xticks=classes, ylim=(0, 1.05), xlabel=tr("class y"), ylabel="p(y)",
               title=f"{title}: IS ({name}) = {score:.2f}")
    fig.tight_layout()
    return fig


@figure("fid_vs_noise", kind="plot", lecture=EVALUATION,
        caption="The Fréchet distance (digits classifier features, so FD, not FID) between real test digits "
                "and the training digits grows as the test digits get noisier or blurrier.")
def fid_vs_noise(seed):
    import matplotlib.pyplot as plt

    from cv2course.data import digits
    from cv2course.metrics import FeatureStatistics, frechet_distance
    from cv2course.metrics.features import digits_cnn

    extractor = digits_cnn(seed=seed)
    name = extractor.name
    train, _ = digits(28, "train")
    test, _ = digits(28, "test")
    train, test = train[:settings.pick(None, 500)], test[:settings.pick(None, 150)]
    real = extractor.statistics(train, batch_size=256)
    corruptions = {  # axis label: (title's name, levels, corruption)
        tr("Gaussian noise σ"): (tr("Gaussian noise"), np.linspace(0, 0.6, settings.pick(7, 3)),
                                 lambda im, s: _gaussian_noise(im, s, seed)),
        tr("Gaussian blur σ (pixels)"): (tr("Gaussian blur"), np.linspace(0, 2.4, settings.pick(7, 3)), _blur),
    }
    fig, axes = plt.subplots(2, 2, figsize=(11, 5.5), gridspec_kw={"height_ratios": [3, 1]})
    for col, (label, (kind, levels, corrupt)) in enumerate(corruptions.items()):
        scores, examples = [], []
        for level in levels:
            images = corrupt(test, level)
            stats = FeatureStatistics().update(extractor(images, batch_size=256))
            scores.append(frechet_distance(real.mu, real.sigma, stats.mu, stats.sigma))
            examples.append(images[0, ..., 0])
        ax = axes[0, col]
        ax.plot(levels, scores, "o-")
        ax.set(xlabel=label, ylabel=f"FD ({name})", title=tr("FD to the training digits vs {kind}", kind=kind))
        strip = axes[1, col]
        strip.imshow(np.concatenate(examples, axis=1), cmap="gray", vmin=0, vmax=1)
        strip.set_xticks(np.arange(len(levels)) * 28 + 13.5, [f"{v:.2g}" for v in levels], fontsize=8)
        strip.set_yticks([])
    fig.tight_layout()
    return fig


@figure("precision_recall", kind="plot", lecture=EVALUATION,
        caption="Precision and recall with k-NN balls (k = 3, Kynkäänniemi et al. 2019): a collapsed generator "
                "is precise but misses modes, an over-spread one covers the modes but wastes samples.")
def precision_recall(seed):
    import matplotlib.pyplot as plt
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Circle

    from cv2course.metrics import knn_radii
    from cv2course.metrics import precision_recall as pr

    rng = np.random.default_rng(seed)
    n = settings.pick(80, 30)
    angles = np.arange(8) * np.pi / 4
    centres = 4 * np.stack([np.cos(angles), np.sin(angles)], axis=1)

    def mixture(modes, spread, count):
        picks = rng.integers(0, len(modes), count)
        return modes[picks] + spread * rng.standard_normal((count, 2))

    real = mixture(centres, 0.35, 8 * n)
    generated = {tr("collapsed (2 of 8 modes)"): mixture(centres[:2], 0.3, 8 * n),
                 tr("good"): mixture(centres, 0.35, 8 * n),
                 tr("over-spread"): mixture(centres, 1.3, 8 * n)}
    radii = knn_radii(real, 3)
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.4))
    for ax, (name, fake) in zip(axes, generated.items()):
        balls = PatchCollection([Circle(c, r) for c, r in zip(real, radii)], facecolor="C0", alpha=0.12,
                                edgecolor="none")
        ax.add_collection(balls)
        ax.scatter(*real.T, s=3, color="C0", label=tr("real"))
        ax.scatter(*fake.T, s=3, color="C3", label=tr("generated"))
        score = pr(real, fake, k=3)
        ax.set(title=tr("{name}\nprecision {precision:.2f}, recall {recall:.2f}", name=name, precision=score.precision,
                        recall=score.recall),
               xlim=(-8, 8), ylim=(-8, 8), aspect="equal")
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0].legend(loc="lower left", fontsize=8, markerscale=3)
    fig.tight_layout()
    return fig
