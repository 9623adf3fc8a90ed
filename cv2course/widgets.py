"""Controls to turn in the notebooks, with a static fallback that reads and runs anywhere; compact training progress.

    interactive_or_static(show_transfer, [{"beta": 1e3}, {"beta": 1e5}], beta=(1e2, 1e6, 1e2))

shows ``show_transfer`` with an ipywidgets slider when a widget frontend can show it, and
otherwise calls ``show_transfer(beta=1e3)`` then ``show_transfer(beta=1e5)``: the same plot for a
few fixed values, so the notebook also reads without widgets (GitHub, a static site) and runs in CI.

The static fallback is used when ``CV2COURSE_WIDGETS`` is 0/false/static (the executed copies of
``cv2course notebooks --execute`` set it), always in quick mode (``CV2COURSE_QUICK=1``, the tests),
outside an IPython kernel, and when ipywidgets is not installed. ``CV2COURSE_WIDGETS=1`` asks for
widgets even in quick mode (to try a widget cell quickly).
"""
import inspect
import os

FALSE_WORDS = {"0", "false", "no", "off", "static"}
TRUE_WORDS = {"1", "true", "yes", "on"}


def widgets_enabled():
    """True when the controls can be shown: an IPython kernel with ipywidgets, not quick mode, not
    ``CV2COURSE_WIDGETS=0``. A kernel cannot see whether a frontend is attached (nbclient, nbconvert):
    whoever executes notebooks without one sets ``CV2COURSE_WIDGETS=0``."""
    from cv2course import settings

    choice = os.environ.get("CV2COURSE_WIDGETS", "").strip().lower()
    if choice in FALSE_WORDS or (settings.QUICK and choice not in TRUE_WORDS):
        return False
    try:
        from IPython import get_ipython
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _check_arguments(fn, static_values, controls):
    if not callable(fn):
        raise TypeError(f"fn must be a callable that draws one setting, got {type(fn).__name__}")
    if not controls:
        raise ValueError("give at least one control, e.g. interactive_or_static(fn, [{'beta': 1.0}], beta=(0.1, 10.0))")
    if isinstance(static_values, dict) or not isinstance(static_values, (list, tuple)) or not static_values:
        raise ValueError("static_values must be a non-empty list of dicts (one per fixed setting), "
                         f"got {static_values!r}")
    try:
        accepted = set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):  # builtins without a signature
        accepted = None
    unknown = set(controls) - accepted if accepted is not None else set()
    if unknown:
        raise ValueError(f"controls {sorted(unknown)} are not parameters of {getattr(fn, '__name__', 'fn')} "
                         f"(it takes {sorted(accepted)})")
    for i, values in enumerate(static_values):
        if not isinstance(values, dict):
            raise ValueError(f"static_values[{i}] must be a dict of control values, got {values!r}")
        extra = set(values) - set(controls)
        if extra:
            raise ValueError(f"static_values[{i}] sets {sorted(extra)}, which are not controls "
                             f"(controls: {sorted(controls)})")


def _widget(name, control, start):
    """An ipywidgets control from a widget or an ``interact`` abbreviation, set to ``start`` (the first static
    setting's value, if it has one); sliders update on release."""
    import ipywidgets

    widget = control if isinstance(control, ipywidgets.Widget) else \
        ipywidgets.interactive.widget_from_abbrev(control, start)
    if widget is None:
        raise ValueError(f"control {name}={control!r} is neither a widget nor an ipywidgets abbreviation "
                         "((min, max[, step]), a list of options, a bool, a number or a string)")
    if hasattr(widget, "continuous_update"):
        widget.continuous_update = False  # one redraw when the slider is released, not one per pixel
    if not getattr(widget, "description", None):
        widget.description = name
    return widget


def interactive_or_static(fn, static_values, **controls):
    """``fn`` with one control per keyword (an ipywidgets widget or an ``interact`` abbreviation such as
    ``(min, max, step)`` or a list of options) when widgets can be shown; else ``fn(**values)`` for each
    dict in ``static_values``.

    Returns the ``ipywidgets.interactive`` box (already displayed) or the list of ``fn``'s results.
    """
    _check_arguments(fn, static_values, controls)
    if not widgets_enabled():
        from cv2course.i18n import tr

        names = ", ".join(sorted(controls))
        print(tr("Static view: {count} fixed settings of {names}. In Jupyter with ipywidgets (normal mode) "
                 "this cell shows controls.", count=len(static_values), names=names))
        return [fn(**values) for values in static_values]

    import ipywidgets
    from IPython.display import display

    first = static_values[0]
    box = ipywidgets.interactive(fn, **{name: _widget(name, c, first.get(name, inspect.Parameter.empty))
                                        for name, c in controls.items()})
    display(box)
    return box


def epoch_progress(verbose=True, desc=None, **bar_options):
    """Callbacks for ``model.fit(..., verbose=0, callbacks=epoch_progress(VERBOSE))``: one ``tqdm.auto`` bar over
    the epochs with the latest losses (a bar in Jupyter, one line of text elsewhere) instead of Keras' one or
    more lines per epoch; no callback when ``verbose`` is falsy. ``bar_options`` go to the bar (``file=`` ...)."""
    if not verbose:
        return []
    from tqdm.keras import TqdmCallback

    return [TqdmCallback(verbose=0, desc=desc, **bar_options)]
