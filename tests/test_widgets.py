"""cv2course.widgets: controls when a widget frontend can show them, the static fallback otherwise."""
import types

import pytest

from cv2course import settings, widgets


def draw(beta=1.0, layer="block1"):
    return (beta, layer)


@pytest.fixture
def kernel(monkeypatch):
    """Pretend to run inside an IPython kernel, in normal mode, with displays recorded."""
    import IPython
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: types.SimpleNamespace(kernel=object()))
    monkeypatch.setattr(IPython.display, "display", lambda *objs: shown.extend(objs))
    monkeypatch.setattr(settings, "QUICK", False)
    monkeypatch.delenv("CV2COURSE_WIDGETS", raising=False)
    return shown


def test_static_fallback_calls_fn_once_per_setting_in_order(monkeypatch, capsys):
    monkeypatch.setattr(settings, "QUICK", True)
    results = widgets.interactive_or_static(draw, [{"beta": 2.0}, {"beta": 3.0, "layer": "block5"}],
                                            beta=(0.0, 10.0), layer=["block1", "block5"])
    assert results == [(2.0, "block1"), (3.0, "block5")]
    assert "2 fixed settings of beta, layer" in capsys.readouterr().out


def test_quick_mode_outside_a_kernel_and_the_env_switch_choose_static(kernel, monkeypatch):
    assert widgets.widgets_enabled()
    monkeypatch.setenv("CV2COURSE_WIDGETS", "0")
    assert not widgets.widgets_enabled()
    monkeypatch.setenv("CV2COURSE_WIDGETS", "1")
    monkeypatch.setattr(settings, "QUICK", True)
    assert widgets.widgets_enabled(), "CV2COURSE_WIDGETS=1 overrides quick mode"
    monkeypatch.delenv("CV2COURSE_WIDGETS")
    assert not widgets.widgets_enabled(), "quick mode is static"
    import IPython

    monkeypatch.setattr(settings, "QUICK", False)
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert not widgets.widgets_enabled(), "no kernel, no widgets"


def test_in_a_kernel_the_controls_start_at_the_first_static_setting(kernel):
    import ipywidgets

    box = widgets.interactive_or_static(draw, [{"beta": 4.0, "layer": "block5"}, {"beta": 1.0}],
                                        beta=(0.0, 10.0, 0.5), layer=["block1", "block5"])
    assert isinstance(box, ipywidgets.interactive) and kernel == [box]
    beta, layer = box.children[:2]
    assert (beta.value, layer.value) == (4.0, "block5")
    assert beta.continuous_update is False and beta.description == "beta"
    assert box.result == (4.0, "block5")
    beta.value = 6.5
    assert box.result == (6.5, "block5"), "turning the control calls fn again"


@pytest.mark.parametrize("static_values, controls, message", [
    ({"beta": 1.0}, {"beta": (0.0, 1.0)}, "non-empty list of dicts"),
    ([], {"beta": (0.0, 1.0)}, "non-empty list of dicts"),
    ([{"gamma": 1.0}], {"beta": (0.0, 1.0)}, "static_values[0] sets ['gamma']"),
    ([{"beta": 1.0}], {"alpha": (0.0, 1.0)}, "controls ['alpha'] are not parameters of draw"),
    ([{"beta": 1.0}], {}, "at least one control"),
])
def test_bad_arguments_name_what_is_wrong(static_values, controls, message):
    with pytest.raises(ValueError, match=None) as err:
        widgets.interactive_or_static(draw, static_values, **controls)
    assert message in str(err.value)


def test_an_unusable_control_is_named(kernel):
    with pytest.raises(ValueError, match="control beta="):
        widgets.interactive_or_static(draw, [{"beta": 1.0}], beta=object())


def test_epoch_progress_is_one_bar_over_the_epochs():
    import io

    import keras
    import numpy as np

    assert widgets.epoch_progress(0) == []
    out = io.StringIO()
    (callback,) = widgets.epoch_progress(True, file=out)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=3, batch_size=4, verbose=0, callbacks=[callback])
    text = out.getvalue()
    assert "3/3" in text and "\n" not in text.rstrip("\n"), "one bar, updated in place"
