"""Every translatable message in the package, found in its source: the catalogue's to-do list.

A message is the literal first argument of a :func:`cv2course.i18n.tr` call, or the caption of a
slide figure (``@figure(name, kind, caption)``) and a hint or description of an exercise
(``exercise(..., hint=..., description=...)``), which are shown through ``tr`` later::

    python -m cv2course.i18n_messages                 # the messages without a Spanish text
    python -m cv2course.i18n_messages --all           # every message, as JSON {English: Spanish or null}
    python -m cv2course.i18n_messages --pending       # the untranslated ones, as JSON {English: null}
    python -m cv2course.i18n_messages --accept F.json # merge {English: Spanish} into the catalogue
"""
import argparse
import ast
import json
import sys
from pathlib import Path

PACKAGE = Path(__file__).parent
#: call name -> keyword arguments (or positional index) whose literal strings are messages
MESSAGE_ARGUMENTS = {"tr": (0,), "figure": (2, "caption"), "exercise": ("hint", "description"),
                     "_outcome": (2,)}  # grading.results: an exercise entry's message, through tr


def _literal(node):
    """The string of a literal (implicit concatenation included; tuples of strings for hint steps)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [s for elt in node.elts for s in _literal(elt)]
    return []


def _called_name(call):
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def messages_in(source):
    """The messages in one module's source text."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        wanted = MESSAGE_ARGUMENTS.get(_called_name(node), ())
        for key in wanted:
            if isinstance(key, int) and len(node.args) > key:
                found += _literal(node.args[key])
        found += [s for kw in node.keywords if kw.arg in wanted for s in _literal(kw.value)]
    return [m for m in found if m.strip()]


def all_messages(package=PACKAGE):
    """{message: "path:line"-free module name} for every module of the package, in file order."""
    found = {}
    for path in sorted(Path(package).rglob("*.py")):
        for message in messages_in(path.read_text(encoding="utf-8")):
            found.setdefault(message, str(path.relative_to(Path(package).parent)))
    return found


def untranslated(lang="es", package=PACKAGE):
    """{message: module} of the messages that ``lang``'s catalogue lacks."""
    from cv2course.i18n import catalogue

    known = catalogue(lang)
    return {m: where for m, where in all_messages(package).items() if not known.get(m)}


def accept(translations, lang="es"):
    """Merge ``translations`` ({English: translated}) into ``lang``'s catalogue; messages no longer in the
    package are dropped, the rest kept in the package's order."""
    from cv2course.atomic import atomic_path
    from cv2course.i18n import _LOCALE_DIR, catalogue

    known = dict(catalogue(lang))
    known.update({m: t for m, t in translations.items() if t})
    order = list(all_messages())
    merged = {m: known[m] for m in order if known.get(m)}
    path = _LOCALE_DIR / f"{lang}.json"
    with atomic_path(path) as tmp:
        Path(tmp).write_text(json.dumps(merged, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    catalogue.cache_clear()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m cv2course.i18n_messages", description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--all", action="store_true", help="every message with its Spanish text (null if none)")
    group.add_argument("--pending", action="store_true", help="the messages without Spanish text, as JSON")
    group.add_argument("--accept", type=Path, metavar="FILE", help="merge {English: Spanish} into the catalogue")
    args = parser.parse_args(argv)
    if args.all or args.pending:
        from cv2course.i18n import catalogue

        known = catalogue("es")
        shown = {m: known.get(m) for m in all_messages() if args.all or not known.get(m)}
        json.dump(shown, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if args.accept:
        with open(args.accept, encoding="utf-8") as f:
            accept(json.load(f))
        return 0
    missing = untranslated()
    for message, where in missing.items():
        print(f"{where}: {message!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
