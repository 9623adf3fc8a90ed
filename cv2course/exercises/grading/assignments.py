"""The released assignments: which exercises a notebook is graded on, under which function names, for how many points.

The grader takes exercise names and points from here (or from an instructor's JSON file,
``--assignment spec.json``), never from the submission: a deleted exercise scores 0 of
its points and a ``check`` on anything else scores nothing. ``CATALOGUE`` names every
exercise's topic module and the dotted path of its reference, so the grader can look for
uses of the references in a notebook without importing them (and TensorFlow).
"""
import dataclasses
import json
import math
from pathlib import Path

# exercise -> (topic module in cv2course.exercises, the reference the package computes it with)
CATALOGUE = {
    "conv_output_size": ("convnets", "cv2course.featviz.cnn_basics.conv_output_size"),
    "conv2d": ("convnets", "cv2course.featviz.cnn_basics.conv2d"),
    "max_pool": ("convnets", "cv2course.featviz.cnn_basics.max_pool"),
    "avg_pool": ("convnets", "cv2course.featviz.cnn_basics.avg_pool"),
    "gan_discriminator_loss": ("gans", "cv2course.gans.losses.minimax_discriminator_loss"),
    "gan_generator_loss": ("gans", "cv2course.gans.losses.non_saturating_generator_loss"),
    "wasserstein_critic_loss": ("gans", "cv2course.gans.losses.wasserstein_critic_loss"),
    "weight_clipping": ("gans", "cv2course.gans.losses.clip_weights"),
    "gradient_penalty": ("gans", "cv2course.gans.losses.gradient_penalty"),
    "kl_divergence": ("metrics", "cv2course.metrics.divergences.kl_divergence"),
    "js_divergence": ("metrics", "cv2course.metrics.divergences.js_divergence"),
    "earth_movers_distance_1d": ("metrics", "cv2course.metrics.divergences.earth_movers_distance_1d"),
    "inception_score": ("metrics", "cv2course.metrics.inception.inception_score"),
    "frechet_distance": ("metrics", "cv2course.metrics.frechet.frechet_distance"),
    "gram_matrix": ("nst", "cv2course.nst.losses.gram_matrix"),
    "content_cost": ("nst", "cv2course.nst.losses.content_cost"),
    "style_cost_layer": ("nst", "cv2course.nst.losses.style_cost_layer"),
    "total_variation": ("nst", "cv2course.nst.losses.total_variation"),
    "psnr": ("sr", "cv2course.sr.evaluate.psnr"),
    "pixel_shuffle": ("sr", "cv2course.sr.pixel_shuffle.pixel_shuffle"),
    "reparameterize": ("vae", "cv2course.autoencoders.vae.reparameterize"),
    "vae_kl": ("vae", "cv2course.autoencoders.losses.vae_kl"),
}


@dataclasses.dataclass(frozen=True)
class Task:
    """One graded exercise: the registered ``exercise``, the ``function`` the student defines, its ``points``."""
    exercise: str
    function: str
    points: float = 1


@dataclasses.dataclass(frozen=True)
class Assignment:
    name: str
    tasks: tuple
    notebook: str = ""  # the released notebook in notebooks/exercises/

    @property
    def max_score(self):
        return sum(t.points for t in self.tasks)

    @property
    def topic_modules(self):
        return sorted({f"cv2course.exercises.{CATALOGUE[t.exercise][0]}" for t in self.tasks})


def _released(name, notebook, exercises):
    return Assignment(name, tuple(Task(e, e) for e in exercises), notebook)


ASSIGNMENTS = {a.name: a for a in (
    _released("convnets", "convnets_exercises.ipynb", ("conv_output_size", "conv2d", "max_pool", "avg_pool")),
    _released("gans", "gan_exercises.ipynb", ("gan_discriminator_loss", "gan_generator_loss",
                                              "wasserstein_critic_loss", "weight_clipping", "gradient_penalty")),
    _released("metrics", "metrics_exercises.ipynb", ("kl_divergence", "js_divergence", "earth_movers_distance_1d",
                                                     "inception_score", "frechet_distance")),
    _released("nst", "nst_exercises.ipynb", ("gram_matrix", "content_cost", "style_cost_layer", "total_variation")),
    _released("sr", "sr_exercises.ipynb", ("psnr", "pixel_shuffle")),
    _released("vae", "vae_exercises.ipynb", ("reparameterize", "vae_kl")),
)}


def _spec_error(path, what):
    return ValueError(f"assignment file {str(path)!r}: {what}")


def load_assignment(name_or_path):
    """A released assignment by name, or an instructor's JSON file.

    The file holds ``{"name": ..., "exercises": [{"exercise": "vae_kl", "function": "kl",
    "points": 2}, ...]}`` (``function`` defaults to the exercise's name, ``points`` to 1).
    """
    text = str(name_or_path)
    if text in ASSIGNMENTS:
        return ASSIGNMENTS[text]
    path = Path(text)
    if not text.endswith(".json"):
        raise ValueError(f"--assignment must be one of {sorted(ASSIGNMENTS)} or a .json file, got {text!r}")
    if not path.is_file():
        raise FileNotFoundError(f"assignment file {text!r} does not exist")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _spec_error(path, f"not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("exercises"), list) or not data["exercises"]:
        raise _spec_error(path, 'expected {"name": ..., "exercises": [{"exercise": ..., "points": ...}, ...]}')
    tasks = []
    for entry in data["exercises"]:
        entry = {"exercise": entry} if isinstance(entry, str) else entry
        if not isinstance(entry, dict) or entry.get("exercise") not in CATALOGUE:
            raise _spec_error(path, f"unknown exercise in {entry!r}; known: {sorted(CATALOGUE)}")
        function = entry.get("function", entry["exercise"])
        points = entry.get("points", 1)
        if not isinstance(function, str) or not function.isidentifier():
            raise _spec_error(path, f"function must be a Python name, got {function!r}")
        if isinstance(points, bool) or not isinstance(points, (int, float)) or not math.isfinite(points) \
                or points <= 0:
            raise _spec_error(path, f"points must be a finite number > 0, got {points!r}")
        tasks.append(Task(entry["exercise"], function, points))
    if len({t.exercise for t in tasks}) != len(tasks):
        raise _spec_error(path, "an exercise is listed twice")
    return Assignment(str(data.get("name") or path.stem), tuple(tasks))


def infer_assignment(notebook):
    """The released assignment whose notebook has ``notebook``'s file name, else None."""
    name = Path(notebook).name
    return next((a for a in ASSIGNMENTS.values() if a.notebook == name), None)
