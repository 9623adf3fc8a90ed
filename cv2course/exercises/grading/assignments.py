"""The released assignments: which exercises a notebook is graded on, under which function names, for how many points.

The grader takes exercise names and points from here (or from an instructor's JSON file,
``--assignment spec.json``), never from the submission: a deleted exercise scores 0 of
its points and a ``check`` on anything else scores nothing. ``CATALOGUE`` names every
exercise's topic module and the dotted path of its reference, read from the
``exercise(...)`` registrations in the topic modules (the registry's one source), so the
grader can look for uses of the references in a notebook without importing them (and TensorFlow).
"""
import ast
import dataclasses
import json
import math
from pathlib import Path

TOPIC_MODULES = ("convnets", "gans", "metrics", "nst", "sr", "vae")  # as core.TOPIC_MODULES, without importing it


def _registrations(topic):
    """(exercise, dotted reference) for each ``exercise(name, reference, ...)`` call in topic module ``topic``."""
    source = (Path(__file__).resolve().parents[1] / f"{topic}.py").read_text(encoding="utf-8")
    bindings = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            bindings.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
        elif isinstance(node, ast.Import):
            bindings.update({a.asname or a.name.split(".")[0]: a.name if a.asname else a.name.split(".")[0]
                             for a in node.names})
        elif (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
              and isinstance(node.value.func, ast.Name) and node.value.func.id == "exercise"):
            call = node.value
            keywords = {k.arg: k.value for k in call.keywords}
            name = call.args[0].value if call.args else keywords["name"].value
            reference = call.args[1] if len(call.args) > 1 else keywords["reference"]
            parts = []
            while isinstance(reference, ast.Attribute):
                parts.append(reference.attr)
                reference = reference.value
            yield name, ".".join([bindings.get(reference.id, reference.id)] + parts[::-1])


def _catalogue():
    """exercise -> (topic module, dotted path of its reference), read from the topic modules' registrations.

    Read from the source, not imported, so that the grader can name every reference (for
    the static scan) without importing TensorFlow; a test checks it against the imported registry.
    """
    return {name: (topic, path) for topic in TOPIC_MODULES for name, path in _registrations(topic)}


CATALOGUE = _catalogue()


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


def released_code(assignment):
    """The code cells of the released notebook (both languages' copies), where a checkout has them: the
    instructor's own cells, whose imports are not the student's to explain. Empty when not found."""
    if not assignment.notebook:
        return set()
    notebooks = Path(__file__).resolve().parents[3] / "notebooks"
    sources = set()
    for path in (notebooks / "exercises" / assignment.notebook, notebooks / "es" / "exercises" / assignment.notebook):
        try:
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        except (OSError, ValueError, KeyError):
            continue
        sources |= {"".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                    for c in cells if c.get("cell_type") == "code"}
    return sources


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
