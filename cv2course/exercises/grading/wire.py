"""Cases and answers between the grader and the student's kernel: JSON plus ``.npy`` files, no code.

A value is a JSON tree: ``{"npy": "name.npy"}`` for an array, ``{"int": 3}``,
``{"float": 0.5}``, ``{"bool": true}``, ``{"list": [...]}``, ``{"tuple": [...]}``, or
``{"object": "LinearCritic", "fields": {...}}`` for a registered case object
(:func:`cv2course.exercises.core.wire_type`). Arrays are written and read with
``allow_pickle=False``, so no file can carry code; :func:`read_answer` in the grader treats
everything the kernel wrote as hostile: file names must be plain names inside the answer
folder, sizes are capped, and any surprise is a ``ValueError`` with the reason.
"""
import json
import math
import re
from pathlib import Path

import numpy as np

from cv2course.exercises import core

_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,80}\.npy$")
MAX_FILE_BYTES = 64 * 2 ** 20
MAX_JSON_BYTES = 2 ** 20


# --- grader side: write cases -------------------------------------------------------------------

def _encode(value, folder, stem, counter):
    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, int):
        return {"int": value}
    if isinstance(value, float) and math.isfinite(value):
        return {"float": value}
    if isinstance(value, (list, tuple)):
        key = "list" if isinstance(value, list) else "tuple"
        return {key: [_encode(v, folder, stem, counter) for v in value]}
    if type(value).__name__ in core.WIRE_TYPES and type(value) is core.WIRE_TYPES[type(value).__name__]:
        fields = {k: _encode(v, folder, stem, counter) for k, v in value.wire_fields().items()}
        return {"object": type(value).__name__, "fields": fields}
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"cannot send a {type(value).__name__} to the kernel")
    return _save_npy(array, folder, stem, counter)


def _save_npy(array, folder, stem, counter):
    """``array`` as the next ``stem.N.npy`` file of ``folder`` (no pickles); its JSON node."""
    name = f"{stem}.{len(counter)}.npy"
    counter.append(name)
    np.save(Path(folder) / name, array, allow_pickle=False)
    return {"npy": name}


def write_cases(cases, folder):
    """Write ``cases`` (a list of (args, kwargs)) to ``folder``/cases.json and .npy files."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    specs = []
    for i, (args, kwargs) in enumerate(cases):
        counter = []
        specs.append({"args": [_encode(a, folder, f"in{i}", counter) for a in args],
                      "kwargs": {k: _encode(v, folder, f"in{i}", counter) for k, v in kwargs.items()}})
    (folder / "cases.json").write_text(json.dumps(specs), encoding="utf-8")


# --- kernel side: read cases, write answers ------------------------------------------------------

def _decode(tree, folder):
    if "object" in tree:
        cls = core.WIRE_TYPES[tree["object"]]
        return cls.from_wire(**{k: _decode(v, folder) for k, v in tree["fields"].items()})
    (key, value), = tree.items()
    if key == "npy":
        return np.load(Path(folder) / value, allow_pickle=False)
    if key in ("int", "float", "bool"):
        return value
    if key in ("list", "tuple"):
        items = [_decode(v, folder) for v in value]
        return items if key == "list" else tuple(items)
    raise ValueError(f"unknown value kind {key!r}")


def read_cases(folder):
    """The (args, kwargs) cases written by :func:`write_cases` (in the kernel)."""
    specs = json.loads((Path(folder) / "cases.json").read_text(encoding="utf-8"))
    return [([_decode(a, folder) for a in s["args"]], {k: _decode(v, folder) for k, v in s["kwargs"].items()})
            for s in specs]


def write_answer(value, folder, stem):
    """Write a function's return value as .npy files; return its JSON tree (TypeError if not numbers)."""
    value = core.plain(value)
    counter = []

    def put(v):
        if isinstance(v, list):
            return {"list": [put(x) for x in v]}
        if v.dtype.kind not in "biufc":
            raise TypeError(f"expected numbers, got an array of dtype {v.dtype}")
        return _save_npy(v, folder, stem, counter)

    return put(value)


# --- grader side: read answers -------------------------------------------------------------------

def read_json(path, max_bytes=MAX_JSON_BYTES):
    """A JSON object from a file the kernel wrote; ValueError with the reason when it is not one."""
    path = Path(path)
    if path.is_symlink() or not path.is_file():
        raise ValueError(f"{path.name} is missing")
    if path.stat().st_size > max_bytes:
        raise ValueError(f"{path.name} is larger than {max_bytes} bytes")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path.name} is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} holds a {type(data).__name__}, not an object")
    return data


def _load_array(folder, name):
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"bad array file name {name!r}")
    path = Path(folder) / name
    if path.is_symlink() or not path.is_file():
        raise ValueError(f"the array file {name} is missing")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"the array file {name} is larger than {MAX_FILE_BYTES // 2 ** 20} MB")
    try:
        array = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise ValueError(f"{name} is not a plain numeric .npy array ({str(exc)[:100]})") from None
    if not isinstance(array, np.ndarray):
        raise ValueError(f"{name} is not a single array")
    return array


def read_answer(tree, folder, depth=0):
    """The plain value (arrays and lists) described by a kernel's answer tree; ValueError if malformed."""
    if depth > core.MAX_DEPTH:
        raise ValueError("the answer is nested too deeply")
    if not isinstance(tree, dict) or len(tree) != 1:
        raise ValueError("the answer description is malformed")
    (key, value), = tree.items()
    if key == "npy":
        return _load_array(folder, value)
    if key == "list" and isinstance(value, list) and len(value) <= core.MAX_ITEMS:
        return [read_answer(v, folder, depth + 1) for v in value]
    raise ValueError("the answer description is malformed")
