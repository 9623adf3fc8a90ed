"""Hints teach, they do not hand over the code: no hint contains a line of the reference solution.

A line of code "appears" in a hint when a run of :data:`RUN` consecutive Python tokens of the
line (module prefixes such as ``np.``/``tf.`` dropped) also appears in the hint's tokens; and a
hint may not contain code-only syntax (``np.``, ``.reshape(``, ``**``, ``@``, slices, ``axis=``).
The references' sources are read with ``inspect.getsource``, with the same-module helpers
they call.
"""
import inspect
import io
import re
import tokenize

import pytest

from cv2course.exercises.core import load_all

REGISTRY = load_all()
RUN = 5
MODULES = {"np", "tf", "ops", "keras", "scipy", "linalg", "numpy", "math"}
CODE_SYNTAX = re.compile(r"\b(np|tf|keras|ops|scipy)\.\w|\.\s*(reshape|transpose|sum|mean|clip|T)\b|\*\*|\s@\s|"
                         r"\[\s*:|\w\[[^\]]*:\s*[-\d\]]|\baxis\s*=|\breturn\b|\blambda\b")
HINT_TOKEN = re.compile(r"[A-Za-z_]\w*|\d+(?:\.\d+)?|\*\*|[-+*/@()\[\],.:=<>]")


def _strip_modules(tokens):
    out, i = [], 0
    while i < len(tokens):
        if tokens[i] in MODULES and i + 1 < len(tokens) and tokens[i + 1] == ".":
            i += 2
            continue
        out.append(tokens[i])
        i += 1
    return out


def code_lines(fn, depth=1):
    """Token lists of the code lines of ``fn`` (no docstrings or comments) and of the module helpers it calls."""
    source = inspect.getsource(fn)
    lines, names = {}, set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in (tokenize.NAME, tokenize.OP, tokenize.NUMBER):
            lines.setdefault(tok.start[0], []).append(tok.string)
            names.add(tok.string)
    out = [_strip_modules(t) for t in lines.values() if t[0] not in ("def", "import", "from")]
    if depth:
        module = inspect.getmodule(fn)
        for name in sorted(names):
            helper = getattr(module, name, None)
            if inspect.isfunction(helper) and helper is not fn and helper.__module__ == module.__name__:
                out += code_lines(helper, depth - 1)
    return out


def code_in_hint(hint, lines):
    """The first code line (as text) whose tokens run through the hint, or None."""
    hint_tokens = _strip_modules(HINT_TOKEN.findall(hint))
    grams = {tuple(hint_tokens[i:i + RUN]) for i in range(len(hint_tokens) - RUN + 1)}
    for tokens in lines:
        for i in range(len(tokens) - RUN + 1):
            if tuple(tokens[i:i + RUN]) in grams:
                return " ".join(tokens)
    return None


def test_the_detector_flags_the_hints_that_gave_the_code_away():
    """Two hints the exercises had: each handed over a line of the solution."""
    import cv2course.gans.losses as gan_losses
    import cv2course.nst.losses as nst_losses

    old_gram = "Unroll the activations to A of shape (n_C, n_H*n_W): a.reshape(-1, n_C).T, then G = A @ A.T"
    old_clip = "Clip every weight array to [−c, c] element by element (np.clip(w, -c, c)) and return the list"
    assert code_in_hint(old_gram, code_lines(nst_losses.gram_matrix)) or CODE_SYNTAX.search(old_gram)
    assert code_in_hint(old_clip, code_lines(gan_losses.clip_weights))
    assert CODE_SYNTAX.search(old_gram) and CODE_SYNTAX.search(old_clip)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_no_hint_contains_a_line_of_the_solution(name):
    ex = REGISTRY[name]
    lines = code_lines(ex.reference)
    assert len(ex.hints) >= 2, "a first nudge, then the slide's formula"
    for text in ex.hints:
        assert code_in_hint(text, lines) is None, (name, text, code_in_hint(text, lines))
        assert CODE_SYNTAX.search(text) is None, (name, text, CODE_SYNTAX.search(text))
