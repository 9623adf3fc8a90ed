"""cv2course.fastpath: the choice logic with a fake timer, the cache key and its invalidation."""
import json

import pytest

from cv2course import fastpath

AMD = {"model": "AMD EPYC", "cores": 2, "flags": ["avx2", "avx512_bf16", "avx512f", "fma"]}
SAPPHIRE = {"model": "Intel(R) Xeon(R) Platinum 8480+", "cores": 2, "flags": ["amx_bf16", "amx_tile", "avx512f"]}


class FakeClock:
    """A timer that a step advances by the seconds its option costs: no real time is measured."""

    def __init__(self):
        self.now = 0.0
        self.calls = []

    def __call__(self):
        return self.now

    def step_costing(self, option, seconds):
        def step():
            self.calls.append(option)
            self.now += seconds
        return step


def choose(clock, costs, tmp_path, **kwargs):
    lines = []
    kwargs = {"measure": True, "identity": AMD, "tf_version": "2.21.0", "path": tmp_path / "fastpath.json",
              "timer": clock, "log": lines.append, **kwargs}
    choice = fastpath.choose("gan step", tuple(costs), lambda o: clock.step_costing(o, costs[o]), **kwargs)
    return choice, lines


def test_the_faster_option_is_chosen_said_in_one_line_and_cached(tmp_path):
    clock = FakeClock()
    choice, lines = choose(clock, {False: 1.0, True: 0.71}, tmp_path)
    assert choice is True and len(lines) == 1
    assert "AMD EPYC" in lines[0] and "True" in lines[0] and "0.71" in lines[0]
    n = fastpath.WARMUP_STEPS + fastpath.TIMED_STEPS
    assert clock.calls == [False] * n + [True] * n
    # the second call reads the cache: nothing is run, nothing is said
    again, lines = choose(clock, {False: 1.0, True: 0.71}, tmp_path)
    assert again is True and lines == [] and len(clock.calls) == 2 * n
    # where plain is faster, plain is kept
    slower, _ = choose(FakeClock(), {False: 1.0, True: 1.07}, tmp_path / "other")
    assert slower is False


def test_the_median_ignores_one_slow_step():
    clock = FakeClock()
    costs = iter([50.0, 1.0, 9.0, 1.0])  # the warm-up compiles; one timed step is disturbed

    def step():
        clock.now += next(costs)
    assert fastpath.time_option(step, clock, warmup=1, timed=3) == 1.0


def test_an_explicit_choice_wins_without_measuring(tmp_path):
    clock = FakeClock()
    assert choose(clock, {False: 1.0, True: 0.5}, tmp_path, explicit=False)[0] is False
    assert clock.calls == [] and not (tmp_path / "fastpath.json").exists()


def test_quick_mode_and_tests_measure_nothing_unless_asked(tmp_path, monkeypatch):
    from cv2course import settings

    clock = FakeClock()
    choice, lines = choose(clock, {False: 1.0, True: 0.5}, tmp_path, measure=None)  # under pytest
    assert choice is False and clock.calls == [] and lines == []
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    monkeypatch.setattr(settings, "QUICK", True)
    assert choose(clock, {False: 1.0, True: 0.5}, tmp_path, measure=None)[0] is False and clock.calls == []


def test_the_cache_key_changes_with_the_cpu_cores_flags_and_tensorflow(tmp_path):
    key = fastpath.cache_key("stylize 256 px", AMD, "2.21.0")
    assert "AMD EPYC" in key and "2 cores" in key and "avx512f" in key and "2.21.0" in key
    assert key != fastpath.cache_key("stylize 256 px", {**AMD, "cores": 4}, "2.21.0")
    assert key != fastpath.cache_key("stylize 256 px", AMD, "2.22.0")
    assert key != fastpath.cache_key("stylize 256 px", {**AMD, "flags": AMD["flags"] + ["amx_bf16"]}, "2.21.0")
    # a choice cached on one machine or TF version is measured afresh on another
    clock = FakeClock()
    choose(clock, {False: 1.0, True: 0.5}, tmp_path)
    measured = len(clock.calls)
    choose(clock, {False: 1.0, True: 0.5}, tmp_path, tf_version="2.22.0")
    choose(clock, {False: 1.0, True: 0.5}, tmp_path, identity=SAPPHIRE)
    assert len(clock.calls) == 3 * measured
    cache = json.loads((tmp_path / "fastpath.json").read_text())
    assert len(cache) == 3 and all(entry["choice"] is True for entry in cache.values())
    fastpath.forget("gan step", path=tmp_path / "fastpath.json")
    assert json.loads((tmp_path / "fastpath.json").read_text()) == {}


def test_a_corrupt_cache_is_measured_again(tmp_path):
    (tmp_path / "fastpath.json").write_text("{not json")
    assert choose(FakeClock(), {False: 1.0, True: 0.5}, tmp_path)[0] is True


def test_cpu_identity_reads_the_model_and_the_flags_that_matter(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse avx2 fma avx512f avx512_bf16\n\n"
                    "processor\t: 1\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse avx2 fma avx512f avx512_bf16\n")
    identity = fastpath.cpu_identity(info)
    assert identity["model"] == "AMD EPYC" and identity["flags"] == ["avx2", "avx512_bf16", "avx512f", "fma"]
    assert identity["cores"] >= 1
    assert fastpath.precision_options(identity) == ("float32",)  # no AMX: bf16 measured 7x slower
    assert fastpath.precision_options(SAPPHIRE) == ("float32", "mixed_bfloat16")


@pytest.mark.parametrize("options", [(False,), ("float32",)])
def test_a_single_option_needs_no_measuring(tmp_path, options):
    clock = FakeClock()
    assert fastpath.choose("x", options, lambda o: clock.step_costing(o, 1.0), measure=True,
                           path=tmp_path / "f.json", identity=AMD, tf_version="t") == options[0]
    assert clock.calls == []
