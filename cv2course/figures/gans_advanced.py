"""Slide figures for lecture 10: semi-supervised GAN and CycleGAN.

``sgan_accuracy``: test accuracy of a semi-supervised GAN trained with 100 labelled digits
(and all training digits unlabelled) during training, against the same classifier trained
on the 100 labels only (trained live: the figure is about training). ``cyclegan_translation``:
a small CycleGAN trained on unpaired digits ↔ thick digits, with its translations,
reconstructions and the true mapping: the shipped demo CycleGAN
(:func:`cv2course.demos.load_demo`, trained by ``train_digits_cyclegan`` at the normal-mode
budget) unless called with ``pretrained=False``, which trains it live. The title says which.
"""
import numpy as np

from cv2course import settings
from cv2course.figures import figure
from cv2course.i18n import tr

LECTURE = "10_sgan_and_cyclegan"


def accuracy_plot(result, n_labelled=100):
    """Plot ``sgan.run_sgan_experiment``'s test accuracy per epoch against the baseline's."""
    import matplotlib.pyplot as plt

    acc = np.asarray(result["history"]["val_accuracy"])
    steps_per_epoch = result["steps"] / len(acc)
    steps = steps_per_epoch * np.arange(1, len(acc) + 1)
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot(steps, acc, marker="o", ms=3, label=tr("semi-supervised GAN ({n} labels + unlabelled)", n=n_labelled))
    ax.axhline(result["baseline_accuracy"], color="C3", ls="--",
               label=tr("same classifier, {n} labels only", n=n_labelled))
    ax.set_xlabel(tr("discriminator updates"))
    ax.set_ylabel(tr("test accuracy (300 digits)"))
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def translation_grid(model, transform_name="dilate", n=8, size=28, radius=2, seed=0):
    """Rows: test digits x, G(x), the true T(x), F(G(x)); then thick digits y = T(x'), F(y), G(F(y))."""
    import matplotlib.pyplot as plt

    from cv2course.gans.unpaired import paired_test_set
    from cv2course.viz import image_grid

    x, y_true = paired_test_set(transform_name, size, radius)
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(x), 2 * n, replace=False)
    xs, ys = x[pick[:n]], y_true[pick[n:]]
    g_x, back_x = model.cycle(xs, "x_to_y")
    f_y, back_y = model.cycle(ys, "y_to_x")
    rows = [("x", xs), ("G(x)", g_x), (tr("true T(x)"), y_true[pick[:n]]), ("F(G(x))", back_x),
            ("y", ys), ("F(y)", f_y), ("G(F(y))", back_y)]
    fig, axes = plt.subplots(len(rows), 1, figsize=(n * 0.8 + 1.2, len(rows) * 0.85))
    for ax, (name, imgs) in zip(axes, rows):
        ax.imshow(image_grid(imgs, nrows=1)[..., 0], cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
        for spine in ax.spines.values():
            spine.set_visible(False)
    fig.tight_layout(h_pad=0.2)
    return fig


@figure("sgan_accuracy", kind="plot", lecture=LECTURE,
        caption="Semi-supervised GAN vs the same classifier trained on the 100 labelled digits only: "
                "test accuracy on 300 held-out digits")
def sgan_accuracy(seed):
    from cv2course.experiments.sgan_digits import run_sgan_experiment

    result = run_sgan_experiment(100, epochs=settings.pick(30, 1), image_size=16, seed=seed)
    return accuracy_plot(result)


@figure("cyclegan_translation", kind="image", lecture=LECTURE,
        caption="CycleGAN trained on unpaired digits and thick digits: G thickens, F thins, and the "
                "cycle F(G(x)) returns the input (the shipped demo CycleGAN unless trained live; the title says "
                "which)")
def cyclegan_translation(seed, pretrained=None):
    if pretrained is None or pretrained:
        from cv2course.demos import load_demo

        model, source = load_demo("cyclegan"), tr("pretrained demo CycleGAN")
    else:
        from cv2course.experiments.cyclegan_digits import train_digits_cyclegan

        model, history = train_digits_cyclegan("dilate", seed=seed)
        source = tr("CycleGAN trained live ({epochs} epochs)", epochs=len(history.epoch))
    fig = translation_grid(model, "dilate", seed=seed)
    fig.suptitle(source, fontsize=10)
    fig.tight_layout(h_pad=0.2)
    return fig
