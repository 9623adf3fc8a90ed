"""Read a submission's source in the grader (never run it): what a person should look at, and reference use.

:func:`scan` parses every code cell and returns ``flags`` -- imports of the package's
reference modules or of the grader's internals, stack-frame inspection, dynamic code
(``exec``, ``__import__``, ``importlib``), monkeypatching of modules, file deletion,
processes, environment reads -- each with its cell and, where the cell belongs to one,
its exercise; and ``reference_use``: for each graded function, the reference code its body
reaches (directly, through the notebook's other functions and aliases, or named in a
string as for ``__import__``). A graded
function that reaches a reference scores 0: it calls the package instead of computing.
"""
import ast
import dataclasses
import re

INTERNAL_MODULES = ("core", "grading", "cli", "hints", "diagnosis") + ("convnets", "gans", "metrics", "nst", "sr",
                                                                       "vae")
ALLOWED_EXERCISE_NAMES = {"check", "hint", "list_exercises"}
FRAME_ATTRIBUTES = {"f_locals", "f_back", "f_globals", "tb_frame", "gi_frame", "cr_frame", "f_builtins"}
FRAME_CALLS = {"sys._getframe", "inspect.currentframe", "inspect.stack", "inspect.getouterframes", "inspect.trace",
               "traceback.walk_stack", "sys._current_frames", "gc.get_referrers", "gc.get_objects"}
DYNAMIC_CALLS = {"exec", "eval", "compile", "__import__", "breakpoint"}
FILE_CALLS = {"os.remove", "os.unlink", "os.rmdir", "os.removedirs", "os.rename", "os.replace", "os.truncate",
              "shutil.rmtree", "shutil.move", "os.chmod", "os.symlink", "os.link", "pathlib.Path.unlink"}
PROCESS_MODULES = {"subprocess", "multiprocessing", "pty", "signal", "ctypes", "socket", "resource"}
PROCESS_CALLS = {"os.system", "os.popen", "os.fork", "os.forkpty", "os.setsid", "os.kill", "os.killpg", "os.spawnl",
                 "os.spawnv", "os.execv", "os.execl", "os.execvp", "os.posix_spawn", "os.daemon"}
ENV_NAMES = {"os.environ", "os.getenv", "os.environb"}
_PATH_IN_TEXT = re.compile(r"cv2course(?:\.\w+)+")  # a module named in a string: __import__("cv2course.x.y")


@dataclasses.dataclass
class Scan:
    flags: list
    reference_use: dict  # exercise -> list of what its function reaches
    defined: set  # graded function names the notebook defines at top level


def _source(text):
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(text)
    except Exception:  # no IPython, or a cell it cannot transform: drop magics by hand
        return "\n".join("pass" if line.lstrip()[:1] in "%!" and line.strip() else line
                         for line in text.splitlines())


def _dotted(node, bindings):
    """The dotted path an expression names (``np.linalg.norm`` -> ``numpy.linalg.norm``), or None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    base = bindings.get(node.id, node.id)
    return ".".join([base] + parts[::-1])


class _Notebook:
    def __init__(self, cells, reference_paths):
        self.trees = {}
        self.unparsed = []
        for index, text in cells:
            try:
                self.trees[index] = ast.parse(_source(text))
            except (SyntaxError, ValueError):
                self.unparsed.append(index)
        self.reference_packages = {".".join(p.split(".")[:2]) for p in reference_paths}
        self.bindings, self.defs = {}, {}
        for _ in range(2):  # a second pass resolves aliases of aliases
            for index, tree in self.trees.items():
                self._collect(index, tree)

    def _collect(self, index, tree):
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.defs[node.name] = (index, node)
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                name = node.targets[0].id
                path = _dotted(node.value, self.bindings)
                if path and path.split(".")[0] in {p.split(".")[0] for p in self.bindings.values()} | {"cv2course"}:
                    self.bindings[name] = path
                self.defs[name] = (index, node)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.bindings[alias.asname] = alias.name
                    else:
                        self.bindings.setdefault(alias.name.split(".")[0], alias.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    self.bindings[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def kind_of_path(self, path):
        """'reference' / 'internal' / None for a dotted path."""
        parts = path.split(".")
        if parts[0] != "cv2course" or len(parts) < 2:
            return None
        if ".".join(parts[:2]) in self.reference_packages:
            return "reference"
        if parts[1] == "exercises" and len(parts) > 2:
            if parts[2] in ALLOWED_EXERCISE_NAMES or (parts[2] == "core" and len(parts) > 3
                                                      and parts[3] in ALLOWED_EXERCISE_NAMES):
                return None
            if parts[2] in INTERNAL_MODULES or parts[2].startswith("_"):
                return "internal"
        return None

    def paths_in(self, node):
        for sub in ast.walk(node):
            if isinstance(sub, (ast.Attribute, ast.Name)):
                path = _dotted(sub, self.bindings)
                if path:
                    yield sub, path
            elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                module = sub.module if isinstance(sub, ast.ImportFrom) else None
                for alias in sub.names:
                    yield sub, f"{module}.{alias.name}" if module else alias.name
            elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                for path in _PATH_IN_TEXT.findall(sub.value):
                    yield sub, path

    def reaches(self, function):
        """Reference or internal paths reachable from top-level ``function``'s definition."""
        found, seen, todo = [], set(), [function]
        while todo:
            name = todo.pop()
            if name in seen or name not in self.defs:
                continue
            seen.add(name)
            index, node = self.defs[name]
            for sub, path in self.paths_in(node):
                if self.kind_of_path(path) and path not in found:
                    found.append(path)
                if isinstance(sub, ast.Name) and sub.id in self.defs and sub.id != name:
                    todo.append(sub.id)
        return [p for p in found if not any(q.startswith(p + ".") for q in found)]


def _flag(kind, detail, cell, exercise):
    return {"kind": kind, "detail": detail, "cell": cell, "exercise": exercise, "source": "source code"}


def scan(cells, tasks, reference_paths):
    """Scan code ``cells`` ([(index, source)]) for the graded ``tasks`` (assignments.Task)."""
    nb = _Notebook(cells, reference_paths)
    owner = {}
    for task in tasks:
        if task.function in nb.defs:
            owner.setdefault(nb.defs[task.function][0], task.exercise)
    for index, text in cells:
        for task in tasks:
            if f'"{task.exercise}"' in text or f"'{task.exercise}'" in text:
                owner.setdefault(index, task.exercise)
    flags = []
    module_roots = {path.split(".")[0] for path in nb.bindings.values()} | {"cv2course", "numpy", "sys", "builtins"}
    for index, tree in nb.trees.items():
        exercise = owner.get(index)
        seen = set()

        def add(kind, detail):
            if (kind, detail) not in seen:
                seen.add((kind, detail))
                flags.append(_flag(kind, detail, index, exercise))

        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module = node.module if isinstance(node, ast.ImportFrom) else None
                for alias in node.names:
                    path = f"{module}.{alias.name}" if module else alias.name
                    kind = nb.kind_of_path(path) or (nb.kind_of_path(module) if module else None)
                    if kind == "reference":
                        add("imports a reference module", path)
                    elif kind == "internal":
                        add("imports grader internals", path)
                    top = (module or alias.name).split(".")[0]
                    if top == "inspect":
                        add("stack-frame inspection", "imports inspect")
                    if top == "importlib":
                        add("dynamic code", "imports importlib")
                    if top in PROCESS_MODULES:
                        add("processes or system calls", f"imports {top}")
            elif isinstance(node, ast.Call):
                path = _dotted(node.func, nb.bindings) or ""
                if path in FRAME_CALLS:
                    add("stack-frame inspection", f"calls {path}")
                if path in DYNAMIC_CALLS or path.startswith("importlib."):
                    add("dynamic code", f"calls {path}")
                if path in FILE_CALLS or path.endswith((".unlink", ".rmdir", ".write_text", ".write_bytes")):
                    add("changes files", f"calls {path}")
                if path in PROCESS_CALLS:
                    add("processes or system calls", f"calls {path}")
            elif isinstance(node, ast.Attribute):
                if node.attr in FRAME_ATTRIBUTES:
                    add("stack-frame inspection", f"reads .{node.attr}")
                path = _dotted(node, nb.bindings)
                if path in ENV_NAMES and exercise is not None:  # where it could change a graded answer
                    add("reads the environment", path)
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
                targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
                for target in targets:
                    base = target.value if isinstance(target, ast.Subscript) else target
                    path = _dotted(base, nb.bindings) if isinstance(target, (ast.Attribute, ast.Subscript)) else None
                    if path and ("." in path or isinstance(target, ast.Subscript)) \
                            and path.split(".")[0] in module_roots:
                        add("monkeypatching", f"assigns to {path}")
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "/proc/" in node.value:
                add("reads other processes", node.value[:60])
    for index in nb.unparsed:
        flags.append(_flag("unparsable cell", "the grader could not parse this cell", index, owner.get(index)))
    reference_use = {}
    for task in tasks:
        reached = nb.reaches(task.function)
        if reached:
            reference_use[task.exercise] = reached
            for path in reached:
                flags.append(_flag("uses the reference", f"{task.function} reaches {path}",
                                   nb.defs[task.function][0], task.exercise))
    return Scan(flags, reference_use, {t.function for t in tasks if t.function in nb.defs})
