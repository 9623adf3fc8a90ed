"""An integrity report for a class: how alike the graded functions of the submissions are.

For each graded function, every pair of submissions and each submission against the
package's reference (the registered reference's source, as ``inspect.getsource`` gives it) are
compared on *normalised* code, so that renaming variables, changing literals, reformatting or
reordering the notebook's functions does not hide a copy:

1. **Extract**: the graded function and the notebook's own helper functions it calls
   (transitively, in the order it calls them: the notebook's order does not matter).
   Docstrings and comments are dropped.
2. **Normalise** (Python's ``tokenize``): every name the code binds (the functions, their
   parameters, local variables) becomes ``V``; numbers ``N``; strings ``S``; layout is gone
   (only logical line ends and indentation remain). Library calls (``np.sum``, ``ops.mean``),
   keywords and operators stay as they are.
3. **Fingerprint** with ``copydetect``'s winnowing (the algorithm of MOSS: Schleimer, Wilkerson
   and Aiken, SIGMOD 2003): a stable hash of every k-token window (``k``, default 6), of which
   each run of ``window`` (default 4) consecutive hashes keeps its minimum, so any shared run
   of ``k + window - 1`` tokens or more is found. The released notebook's stub of the function
   (its signature and ``raise NotImplementedError``) is boilerplate and never counts.
4. **Similarity** of A to B: the share of A's fingerprinted tokens in runs shared with B
   (copydetect's measure); a pair is listed when the larger of its two shares reaches ``threshold``
   (default 0.8), with both functions side by side and the shared code marked.
5. **Groups**: listed pairs join into groups of alike submissions, smallest first. A pair or
   a trio is what a copy looks like; a group of many is usually the common way to write the
   function, so it is counted in the gradebook and shown by one pair.

Short formulas converge: two honest one-line answers to the same formula can be identical.
The report informs a person, who reads the code; it never changes a score.
"""
import ast
import html
import io
import json
import keyword
import tokenize
from pathlib import Path

from cv2course.i18n import tr

DEFAULT_THRESHOLD = 0.8
DEFAULT_K = 6
DEFAULT_WINDOW = 4
SMALL_GROUP = 4  # alike groups up to this size are named and shown side by side in full
SHOWN_PAIRS = 100  # pairs per exercise in the report's table (all are in the JSON)
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER} | {
    getattr(tokenize, name) for name in ("FSTRING_MIDDLE", "FSTRING_END") if hasattr(tokenize, name)}  # 3.12+


# --- extraction ---------------------------------------------------------------------------------

def _cell_tree(source):
    """The cell parsed, with IPython magics and shell lines blanked; None if it still does not parse."""
    try:
        return ast.parse(source), source
    except SyntaxError:
        pass
    cleaned = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    try:
        return ast.parse(cleaned), cleaned
    except SyntaxError:
        return None, source


def notebook_functions(notebook):
    """{name: source} of the notebook's top-level functions (a later definition replaces an earlier one)."""
    from cv2course.exercises.grading.grader import code_cells, read_notebook

    functions = {}
    for _, source in code_cells(read_notebook(notebook)):
        tree, source = _cell_tree(source)
        for node in (tree.body if tree else ()):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions[node.name] = ast.get_source_segment(source, node)
    return functions


def _called_names(source):
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in names:
            names.append(node.id)
    return names


def graded_source(functions, name):
    """The source of function ``name`` followed by the notebook's helpers it reaches, in call order; None if absent."""
    if name not in functions:
        return None
    order, queue = [], [name]
    while queue:
        current = queue.pop(0)
        if current in order:
            continue
        order.append(current)
        queue += [n for n in _called_names(functions[current]) if n in functions and n not in order]
    return "\n\n".join(functions[n] for n in order)


# --- normalisation ------------------------------------------------------------------------------

def _bound_names(tree):
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        if isinstance(node, ast.arguments):
            bound |= {a.arg for a in node.posonlyargs + node.args + node.kwonlyargs}
            bound |= {a.arg for a in (node.vararg, node.kwarg) if a is not None}
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound |= set(node.names)
    return bound


def _docstring_spans(tree, line_starts):
    spans = []
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and body \
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            doc = body[0]
            spans.append((line_starts[doc.lineno - 1] + doc.col_offset,
                          line_starts[doc.end_lineno - 1] + doc.end_col_offset))
    return spans


def normalise(source):
    """``(tokens, spans)``: the normalised significant tokens of ``source`` and each one's (start, end) in it."""
    tree = ast.parse(source)
    bound = _bound_names(tree)
    line_starts = [0]
    for line in source.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    docstrings = _docstring_spans(tree, line_starts)
    tokens, spans, previous = [], [], None
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in _SKIP:
            continue
        start = line_starts[tok.start[0] - 1] + tok.start[1]
        end = line_starts[tok.end[0] - 1] + tok.end[1]
        if any(a <= start < b for a, b in docstrings):
            continue
        if tok.type == tokenize.NAME and not keyword.iskeyword(tok.string):
            after_dot = previous is not None and previous.string == "."
            token = "V" if tok.string in bound and not after_dot else tok.string
        elif tok.type == tokenize.NUMBER:
            token = "N"
        elif tok.type in (tokenize.STRING, getattr(tokenize, "FSTRING_START", -1)):
            token = "S"
        elif tok.type == tokenize.NEWLINE or tok.string == ";":
            token = "<newline>"
        elif tok.type in (tokenize.INDENT, tokenize.DEDENT):
            token = f"<{tokenize.tok_name[tok.type].lower()}>"
            start = end = end if tok.type == tokenize.INDENT else start  # zero width: never highlighted
        else:
            token = tok.string
        if token == "<newline>" and tokens[-1:] in (["<newline>"], ["<indent>"]):
            continue  # the end of a dropped docstring, or a stray ";"
        tokens.append(token)
        spans.append((start, end))
        previous = tok
    return tokens, spans


# --- fingerprints and comparison ----------------------------------------------------------------

def _kgram_hashes(tokens, k):
    """A stable 64-bit hash of every k-token window (Python's ``hash`` changes with each process)."""
    import hashlib

    import numpy as np

    return np.array([int.from_bytes(hashlib.blake2b("\x1f".join(tokens[i:i + k]).encode(), digest_size=8).digest(),
                                    "little", signed=True) for i in range(len(tokens) - k + 1)], dtype=np.int64)


class Fingerprint:
    """A function's normalised tokens and their winnowed fingerprints (``copydetect.utils.winnow``).

    ``boilerplate``: hashes that never count (the released stub's).
    """

    def __init__(self, source, k=DEFAULT_K, window=DEFAULT_WINDOW, boilerplate=()):
        import numpy as np
        from copydetect.utils import get_token_coverage, winnow

        self.source, self.k = source, k
        self.tokens, self.spans = normalise(source)
        hashes, positions = np.zeros(0, np.int64), np.zeros(0, np.int64)
        if len(self.tokens) >= k:
            hashes, positions = winnow(_kgram_hashes(self.tokens, k), window, remove_duplicates=False)
        keep = ~np.isin(hashes, np.asarray(list(boilerplate), dtype=np.int64))
        self.hashes = set(hashes[keep].tolist())
        self.positions = {}
        for value, position in zip(hashes[keep].tolist(), positions[keep].tolist()):
            self.positions.setdefault(value, []).append(position)
        self.coverage = int(get_token_coverage(self.positions, k, len(self.tokens)))

    def source_ranges(self, slices):
        """Token slices (2 x n, end exclusive) as merged character ranges of the source."""
        ranges = []
        for start, end in zip(*slices):
            start, end = int(start), min(int(end), len(self.spans))
            if end <= start:
                continue
            a, b = self.spans[start][0], self.spans[end - 1][1]
            if ranges and a <= ranges[-1][1]:
                ranges[-1][1] = max(ranges[-1][1], b)
            else:
                ranges.append([a, b])
        return ranges


def compare(a, b):
    """``(share of a in b, share of b in a, a's shared source ranges, b's)``: copydetect's overlap measure."""
    import numpy as np
    from copydetect.utils import find_fingerprint_overlap, get_copied_slices

    if not a.hashes or not b.hashes:
        return 0.0, 0.0, [], []
    in_a, in_b = find_fingerprint_overlap(a.hashes, b.hashes, a.positions, b.positions)
    if len(in_a) == 0:
        return 0.0, 0.0, [], []
    slices_a, slices_b = get_copied_slices(in_a, a.k), get_copied_slices(in_b, b.k)
    share_a = float(np.sum(slices_a[1] - slices_a[0])) / a.coverage
    share_b = float(np.sum(slices_b[1] - slices_b[0])) / b.coverage
    return min(share_a, 1.0), min(share_b, 1.0), a.source_ranges(slices_a), b.source_ranges(slices_b)


def _stub_hashes(exercise, k):
    """Fingerprints of the released notebook's stub of ``function`` (boilerplate), if the notebook is here."""
    from cv2course.exercises.grading import assignments

    root = Path(__file__).resolve().parents[3] / "notebooks" / "exercises"
    for released in assignments.ASSIGNMENTS.values():
        path = root / released.notebook
        if any(t.exercise == exercise for t in released.tasks) and path.is_file():
            stub = notebook_functions(path).get(exercise)
            if stub:
                return sorted(set(_kgram_hashes(normalise(stub)[0], k).tolist()))  # every window, not winnowed
    return []


def reference_source(exercise):
    """The source of the package's reference for ``exercise``: the text ``inspect.getsource`` gives.

    Read from the module's file (the reference named in ``assignments.CATALOGUE``) without
    importing it, so that the report does not import TensorFlow.
    """
    from cv2course.exercises.grading.assignments import CATALOGUE

    module, _, name = CATALOGUE[exercise][1].rpartition(".")
    package = Path(__file__).resolve().parents[2]
    path = package.joinpath(*module.split(".")[1:])
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    source = path.read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            lines = source.splitlines(keepends=True)
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            return "".join(lines[first - 1:node.end_lineno])
    raise ValueError(tr("the reference {path} of exercise {exercise!r} was not found in {file}",
                        path=CATALOGUE[exercise][1], exercise=exercise, file=str(path)))


def integrity_report(notebooks, assignment, threshold=DEFAULT_THRESHOLD, k=DEFAULT_K, window=DEFAULT_WINDOW):
    """Compare the graded functions of ``notebooks``; return the report dict (see the module docstring)."""
    from cv2course.exercises.grading.assignments import Assignment, load_assignment

    if not 0 < float(threshold) <= 1:
        raise ValueError(tr("--threshold must be a share in (0, 1], got {value!r}", value=threshold))
    assignment = assignment if isinstance(assignment, Assignment) else load_assignment(assignment)
    notebooks = [str(n) for n in notebooks]
    functions = []
    for notebook in notebooks:
        try:
            functions.append(notebook_functions(notebook))
        except (ValueError, OSError):
            functions.append({})
    result = {"assignment": assignment.name, "threshold": float(threshold), "k": k, "window": window,
              "submissions": notebooks, "exercises": {}}
    for task in assignment.tasks:
        boilerplate = _stub_hashes(task.exercise, k)
        sources = [graded_source(f, task.function) for f in functions]
        prints = [Fingerprint(s, k, window, boilerplate) if s else None for s in sources]
        reference = reference_source(task.exercise)
        reference_print = Fingerprint(reference, k, window, boilerplate)
        pairs, to_reference = [], []
        for i, a in enumerate(prints):
            if a is None:
                continue
            share_a, share_r, ranges_a, ranges_r = compare(a, reference_print)
            to_reference.append({"submission": i, "similarity": max(share_a, share_r), "share": share_a,
                                 "ranges": ranges_a, "reference_ranges": ranges_r, "tokens": a.coverage})
            for j in range(i + 1, len(prints)):
                b = prints[j]
                if b is None:
                    continue
                share_a, share_b, ranges_a, ranges_b = compare(a, b)
                if max(share_a, share_b) >= threshold:
                    pairs.append({"a": i, "b": j, "similarity": max(share_a, share_b), "share_a": share_a,
                                  "share_b": share_b, "ranges_a": ranges_a, "ranges_b": ranges_b,
                                  "tokens_a": a.coverage, "tokens_b": b.coverage})
        groups = alike_groups(pairs)
        size = {i: len(g) for g in groups for i in g}
        pairs.sort(key=lambda p: (size[p["a"]], -p["similarity"], -min(p["tokens_a"], p["tokens_b"])))
        to_reference.sort(key=lambda r: -r["similarity"])
        result["exercises"][task.exercise] = {
            "function": task.function, "sources": sources, "reference_source": reference, "pairs": pairs,
            "groups": groups, "reference": to_reference,
            "missing": [i for i, s in enumerate(sources) if s is None]}
    return result


def alike_groups(pairs):
    """The listed pairs' connected groups of submissions (lists of indices), smallest first.

    A pair or a trio is what a copy looks like; a group of many is usually the common way
    to write a short formula.
    """
    parent = {}

    def root(i):
        while parent.setdefault(i, i) != i:
            i = parent[i]
        return i

    for pair in pairs:
        parent[root(pair["a"])] = root(pair["b"])
    groups = {}
    for i in parent:
        groups.setdefault(root(i), []).append(i)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (len(g), g))


def flags(result, named=SMALL_GROUP):
    """{notebook: "exercise ~ other (97 %); ..."} for the gradebook's integrity column ('' when nothing reached it).

    In a group of more than ``named`` alike submissions the others are counted, not named.
    """
    names = [Path(n).name for n in result["submissions"]]
    out = {n: [] for n in result["submissions"]}
    for exercise, data in result["exercises"].items():
        for group in data.get("groups", []):
            if len(group) > named:
                for me in group:
                    out[result["submissions"][me]].append(tr("{exercise}: one of {n} alike submissions",
                                                             exercise=exercise, n=len(group)))
        big = {i for g in data.get("groups", []) if len(g) > named for i in g}
        for pair in data["pairs"]:
            if pair["a"] in big:
                continue
            for me, other in ((pair["a"], pair["b"]), (pair["b"], pair["a"])):
                out[result["submissions"][me]].append(f"{exercise} ~ {names[other]} ({pair['similarity']:.0%})")
        for entry in data["reference"]:
            if entry["similarity"] >= result["threshold"]:
                out[result["submissions"][entry["submission"]]].append(
                    f"{exercise} ~ {tr('the reference')} ({entry['similarity']:.0%})")
    return {n: "; ".join(v) for n, v in out.items()}


# --- the HTML report ----------------------------------------------------------------------------

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .6rem; text-align: left; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; margin-bottom: 2rem; }
pre { background: #f6f8fa; padding: .6rem; overflow-x: auto; font-size: .85em; }
mark { background: #ffd8a8; }
.note { color: #555; }
"""


def _marked(source, ranges):
    out, position = [], 0
    for start, end in ranges:
        out += [html.escape(source[position:start]), "<mark>", html.escape(source[start:end]), "</mark>"]
        position = end
    out.append(html.escape(source[position:]))
    return "".join(out)


def _side_by_side(left_title, left, left_ranges, right_title, right, right_ranges):
    e = html.escape
    return (f'<div class="side"><div><h4>{e(left_title)}</h4><pre>{_marked(left, left_ranges)}</pre></div>'
            f'<div><h4>{e(right_title)}</h4><pre>{_marked(right, right_ranges)}</pre></div></div>')


def _groups_table(groups, names):
    e = html.escape
    rows = []
    for group in groups:
        members = ", ".join(names[i] for i in group[:12]) + (" …" if len(group) > 12 else "")
        note = tr("many alike: usually the common way to write it") if len(group) > SMALL_GROUP else ""
        rows.append(f"<tr><td>{len(group)}</td><td>{e(members)}</td><td>{e(note)}</td></tr>")
    return (f"<table><tr><th>{e(tr('size'))}</th><th>{e(tr('submissions'))}</th><th></th></tr>"
            + "".join(rows) + "</table>")


def _pairs_table(pairs, names):
    e = html.escape
    rows = "".join(f"<tr><td>{e(names[p['a']])}</td><td>{e(names[p['b']])}</td><td>{p['share_a']:.0%}</td>"
                   f"<td>{p['share_b']:.0%}</td><td>{p['tokens_a']} / {p['tokens_b']}</td></tr>"
                   for p in pairs[:SHOWN_PAIRS])
    more = len(pairs) - SHOWN_PAIRS
    return (f"<table><tr><th>A</th><th>B</th><th>{e(tr('share of A in B'))}</th>"
            f"<th>{e(tr('share of B in A'))}</th><th>{e(tr('tokens A / B'))}</th></tr>{rows}</table>"
            + (f'<p class="note">{e(tr("and {n} more pairs (all are in the --json file)", n=more))}</p>'
               if more > 0 else ""))


def report_html(result):
    """The integrity report as one self-contained HTML page (a str)."""
    e = html.escape
    names = [Path(n).name for n in result["submissions"]]
    threshold = result["threshold"]
    title = tr("Integrity report: {assignment}", assignment=result["assignment"])
    parts = [f"<h1>{e(title)}</h1>", '<p class="note">' + e(tr(
        "{n} submissions. Code is compared after normalisation (names the code binds, literals and layout do not "
        "count) with winnowed fingerprints (k = {k} tokens, window {window}). Listed: pairs whose larger share of "
        "shared code is at least {threshold:.0%}. Short formulas converge, so read the code: this report informs a "
        "person and never changes a score.", n=len(names), k=result["k"], window=result["window"],
        threshold=threshold)) + "</p>"]
    for exercise, data in result["exercises"].items():
        sources, reference = data["sources"], data["reference_source"]
        parts.append(f"<h2>{e(exercise)} <small>({e(data['function'])})</small></h2>")
        if data["missing"]:
            parts.append('<p class="note">' + e(tr("Not defined in: {names}", names=", ".join(
                names[i] for i in data["missing"]))) + "</p>")
        parts.append(f"<h3>{e(tr('Groups of alike submissions'))}</h3>")
        if data["pairs"]:
            parts.append(_groups_table(data["groups"], names))
            parts.append(_pairs_table(data["pairs"], names))
            big = {i for g in data["groups"] if len(g) > SMALL_GROUP for i in g}
            shown_big = set()
            for p in data["pairs"]:
                if p["a"] in big:  # one pair stands for a large group
                    group = next(tuple(g) for g in data["groups"] if p["a"] in g)
                    if group in shown_big:
                        continue
                    shown_big.add(group)
                parts.append(_side_by_side(names[p["a"]], sources[p["a"]], p["ranges_a"], names[p["b"]],
                                           sources[p["b"]], p["ranges_b"]))
        else:
            parts.append('<p class="note">' + e(tr("No pair reaches the threshold.")) + "</p>")
        parts.append(f"<h3>{e(tr('Against the package reference'))}</h3>")
        listed = max(10, sum(r["similarity"] >= threshold for r in data["reference"]))
        rows = "".join(f"<tr><td>{e(names[r['submission']])}</td><td>{r['similarity']:.0%}</td>"
                       f"<td>{r['tokens']}</td></tr>" for r in data["reference"][:listed])
        parts.append(f"<table><tr><th>{e(tr('submission'))}</th><th>{e(tr('similarity'))}</th>"
                     f"<th>{e(tr('tokens'))}</th></tr>{rows}</table>")
        for r in data["reference"]:
            if r["similarity"] >= threshold:
                parts.append(_side_by_side(names[r["submission"]], sources[r["submission"]], r["ranges"],
                                           tr("the reference"), reference, r["reference_ranges"]))
    return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f"<title>{e(title)}</title><style>{_STYLE}</style></head>\n<body>\n" + "\n".join(parts)
            + "\n</body></html>\n")


def write_report(result, output, json_output=None):
    """Write the HTML report to ``output`` (and the result as JSON to ``json_output``), atomically."""
    from cv2course.atomic import atomic_path

    with atomic_path(output) as tmp:
        tmp.write_text(report_html(result), encoding="utf-8")
    if json_output:
        with atomic_path(json_output) as tmp:
            tmp.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
