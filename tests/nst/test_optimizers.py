"""The optimisation loops' bookkeeping: the progress bar and the history."""
from cv2course.nst import optimizers


def test_the_progress_bar_is_not_redrawn_at_every_step(capsys):
    # 200 fast steps: a bar redrawn at every step (set_postfix refreshes by default) writes 200 lines
    # in a plain terminal; at most one redraw a second writes a handful
    trace = optimizers.Trace(200, "lbfgs", verbose=1)
    for step in range(201):
        trace.record(step, {"total": 1.0 / (step + 1)}, evaluations=step + 1)
    trace.close()
    redraws = capsys.readouterr().err.count("\r")
    assert redraws <= 5, redraws
    assert trace.history["step"] == list(range(201)) and trace.history["evaluations"][-1] == 201
