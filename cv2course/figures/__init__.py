"""Slide figures: each lecture module registers named figures with :func:`figure`.

A figure function takes a seed and returns a matplotlib Figure; ``kind="image"`` figures
are written as 300-dpi PNG, ``kind="plot"`` figures as SVG. Modules in this package are
discovered automatically, so a lecture adds its figures without touching this file.
"""
import dataclasses
import importlib
import pkgutil
from typing import Callable

FIGURES = {}


@dataclasses.dataclass(frozen=True)
class FigureSpec:
    name: str
    kind: str
    caption: str
    lecture: str
    func: Callable


def figure(name, kind, caption, lecture=None):
    """Register ``func(seed) -> matplotlib.figure.Figure`` as slide figure ``name``."""
    if kind not in ("image", "plot"):
        raise ValueError(f"kind must be 'image' (PNG) or 'plot' (SVG), got {kind!r}")

    def register(func):
        if name in FIGURES and FIGURES[name].func.__module__ != func.__module__:
            raise ValueError(f"figure {name!r} is registered twice ({FIGURES[name].func.__module__}, {func.__module__})")
        FIGURES[name] = FigureSpec(name, kind, caption, lecture or func.__module__.rsplit(".", 1)[-1], func)
        return func

    return register


def load_all():
    """Import every lecture module of this package; return {name: FigureSpec} in lecture order."""
    for info in pkgutil.iter_modules(__path__):
        if info.name not in ("cli",) and not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return dict(sorted(FIGURES.items(), key=lambda kv: (kv[1].lecture, kv[0])))


def render(name, out_dir, seed=0):
    """Draw figure ``name`` with ``seed`` and save it in ``out_dir``; return the file path."""
    import matplotlib

    matplotlib.use("Agg")
    from pathlib import Path

    from cv2course.settings import set_seed
    from cv2course.viz import save_figure

    specs = load_all()
    if name not in specs:
        raise ValueError(f"unknown figure {name!r}; known figures: {sorted(specs)}")
    spec = specs[name]
    set_seed(seed)
    fig = spec.func(seed)
    return save_figure(fig, Path(out_dir) / name, kind=spec.kind)
