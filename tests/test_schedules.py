"""cv2course.schedules.LinearDecay: CycleGAN's decay and the SGAN's held-then-decayed rate are one
schedule; the SGAN's old saved name still loads."""
import keras
import numpy as np
import pytest

from cv2course.schedules import LinearDecay


def test_linear_decay_closed_form():
    sched = LinearDecay(2e-4, constant_steps=100, decay_steps=50)
    steps = np.array([0, 1, 99, 100, 110, 125, 149, 150, 151, 1000])
    want = 2e-4 * np.clip(1 - (steps - 100) / 50, 0, 1)
    got = np.array([float(sched(s)) for s in steps])
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-12)
    assert np.isclose(got[0], 2e-4) and got[0] == got[2] and np.isclose(got[5], 1e-4) and got[7] == 0
    again = keras.optimizers.schedules.deserialize(keras.optimizers.schedules.serialize(sched))
    assert isinstance(again, LinearDecay) and again.get_config() == sched.get_config()
    with pytest.raises(ValueError, match="decay_steps"):
        LinearDecay(2e-4, 10, 0)


def test_held_for_two_thirds_then_linear_to_zero():
    schedule = LinearDecay.over_last(6e-4, 90, decay_fraction=1 / 3)
    lrs = [float(schedule(step)) for step in (0, 59, 60, 75, 90, 120)]
    np.testing.assert_allclose(lrs, [6e-4, 6e-4, 6e-4, 3e-4, 0.0, 0.0], atol=1e-10)
    with pytest.raises(ValueError, match="decay_fraction"):
        LinearDecay.over_last(1e-3, 10, decay_fraction=0)


def test_the_sgan_schedule_saved_under_its_old_name_loads_as_linear_decay():
    old = {"module": None, "class_name": "ConstantThenLinearDecay", "registered_name": "cv2course>ConstantThenLinearDecay",
           "config": {"learning_rate": 6e-4, "total_steps": 90, "decay_fraction": 1 / 3}}
    schedule = keras.saving.deserialize_keras_object(old)
    assert isinstance(schedule, LinearDecay)
    assert float(schedule(75)) == pytest.approx(3e-4)
