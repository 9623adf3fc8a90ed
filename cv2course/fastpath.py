"""The fast path chosen on the machine it runs on: measured once, cached, said in one line.

Whether XLA (``jit_compile``) or a mixed-precision policy makes a step faster flips between
CPUs: on a 2-core AMD EPYC XLA made the GAN step 1.4x faster (XLA/plain 0.71) while it
measured 1.07 on the Intel machine the old default was chosen on, and ``mixed_bfloat16`` was
7x slower without AMX. So :func:`choose` times a few steps of each option on the model's own
shapes, keeps the faster, caches the result in ``settings.data_dir() / "fastpath.json"`` under
a key made of the task, the CPU's identity (model name, core count, the flags that matter) and
the TensorFlow version, and prints one line saying what it picked. An explicit argument
always wins; in quick mode and under pytest nothing is measured unless ``measure=True``
(the default option, or a cached choice, is used).

Thread settings are not chosen here: TensorFlow fixes its thread pools when its runtime
starts, so they cannot be compared inside one process.
"""
import json
import os
import statistics
import sys
import time

CACHE_FILE = "fastpath.json"
FLAGS_THAT_MATTER = ("amx_bf16", "amx_int8", "amx_tile", "avx512_bf16", "avx512f", "avx512_vnni", "avx2", "fma")
WARMUP_STEPS = 1  # the first call traces (and, with XLA, compiles)
TIMED_STEPS = 3


def cpu_identity(cpuinfo="/proc/cpuinfo"):
    """{"model", "cores", "flags"} of this machine: the CPU model name, the cores this process
    may use, and which of :data:`FLAGS_THAT_MATTER` the CPU has."""
    model, flags = "unknown CPU", set()
    try:
        with open(cpuinfo) as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name" and model == "unknown CPU":
                    model = value.strip()
                elif key == "flags" and not flags:
                    flags = set(value.split())
    except OSError:
        import platform

        model = platform.processor() or platform.machine() or model
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"model": model, "cores": int(cores or 1), "flags": sorted(f for f in FLAGS_THAT_MATTER if f in flags)}


def has_amx(identity=None):
    """True if the CPU has AMX tiles for bfloat16 (the only CPUs where ``mixed_bfloat16`` measured faster)."""
    return "amx_bf16" in (identity or cpu_identity())["flags"]


def precision_options(identity=None):
    """Policies worth timing here: float32 always; ``mixed_bfloat16`` only with AMX (7x slower without)."""
    return ("float32", "mixed_bfloat16") if has_amx(identity) else ("float32",)


def cache_key(task, identity, tf_version):
    """The cache entry's name: a new CPU, core count, flag set or TensorFlow version measures afresh."""
    return f"{task} | {identity['model']} | {identity['cores']} cores | {'+'.join(identity['flags'])} | TF {tf_version}"


def _tf_version():
    import tensorflow as tf

    return tf.__version__


def cache_path():
    from cv2course import settings

    return settings.data_dir() / CACHE_FILE


def _read_cache(path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _write_cache(path, cache):
    from cv2course.atomic import atomic_path

    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(cache, indent=1, sort_keys=True))


def _measuring_allowed():
    from cv2course import settings

    return not settings.QUICK and "PYTEST_CURRENT_TEST" not in os.environ


def time_option(step, timer=time.perf_counter, warmup=WARMUP_STEPS, timed=TIMED_STEPS):
    """Median seconds of one call of ``step()`` after ``warmup`` calls (tracing, compiling)."""
    for _ in range(warmup):
        step()
    times = []
    for _ in range(timed):
        t0 = timer()
        step()
        times.append(timer() - t0)
    return statistics.median(times)


def choose(task, options, make_step, explicit=None, measure=None, timer=time.perf_counter, path=None,
           identity=None, tf_version=None, log=None):
    """The faster of ``options`` for ``task`` on this machine.

    ``make_step(option)`` returns a function running one step with that option (built on the
    model's own shapes). ``explicit`` (not None) is returned as it is, with nothing measured.
    Otherwise a cached choice for this task, CPU and TensorFlow version is used; if there is
    none, the options are timed (:func:`time_option`) when ``measure`` is True, or when it is
    None outside quick mode and pytest; else ``options[0]`` (the plain path) is used uncached.
    A measured choice is written to the cache and said in one line (``log``, default stderr).
    """
    from cv2course.i18n import tr

    if explicit is not None:
        return explicit
    options = tuple(options)
    if len(options) == 1:
        return options[0]
    identity = identity or cpu_identity()
    key = cache_key(task, identity, tf_version or _tf_version())
    path = path or cache_path()
    cache = _read_cache(path)
    entry = cache.get(key)
    if entry is not None and entry.get("choice") in options:
        return entry["choice"]
    if not (measure if measure is not None else _measuring_allowed()):
        return options[0]
    seconds = {option: time_option(make_step(option), timer) for option in options}
    best = min(options, key=lambda option: seconds[option])
    base = seconds[options[0]]
    cache[key] = {"choice": best, "seconds": {str(o): s for o, s in seconds.items()}}
    _write_cache(path, cache)
    ratios = ", ".join(f"{o}: {seconds[o] / base:.2f}" for o in options)
    line = tr("fast path for {task} on {cpu} ({cores} cores): {choice} (step time vs {plain}: {ratios}); "
              "cached in {path}", task=task, cpu=identity["model"], cores=identity["cores"], choice=best,
              plain=options[0], ratios=ratios, path=path)
    (log or (lambda text: print(text, file=sys.stderr)))(line)
    return best


def choose_jit(task, make_step, explicit=None, **kwargs):
    """``jit_compile`` for ``task``: False or True, by :func:`choose` (``make_step(jit_compile)``)."""
    return bool(choose(task, (False, True), make_step, explicit=explicit, **kwargs))


def forget(task=None, path=None):
    """Drop the cached choices (of ``task`` only, if given) so that the next call measures again."""
    path = path or cache_path()
    cache = _read_cache(path)
    kept = {} if task is None else {k: v for k, v in cache.items() if not k.startswith(f"{task} | ")}
    _write_cache(path, kept)
