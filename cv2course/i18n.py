"""Messages in the student's language: English source text, Spanish from a catalogue.

Every text a student or an instructor reads goes through :func:`tr`::

    from cv2course.i18n import tr
    print(tr("expected {expected}, got {got}", expected=1.0, got=4.0))

The English text is the key; ``cv2course/locale/es.json`` maps it to the Spanish text, with the
same ``{placeholders}``. A message missing from the catalogue falls back to English. The
language is, in order: :func:`speaking` (this thread, e.g. one graded notebook), :func:`set_language`,
``CV2COURSE_LANG``, English.
"""
import contextlib
import functools
import json
import os
import threading
from pathlib import Path

LANGUAGES = ("en", "es")
_LOCALE_DIR = Path(__file__).parent / "locale"
_chosen = None
_thread = threading.local()


def check_language(lang):
    """``lang`` lower-cased if it is one of :data:`LANGUAGES`, else a ValueError naming it."""
    code = str(lang).strip().lower()
    if code not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return code


def set_language(lang):
    """Use ``lang`` ("en" or "es") for this process and the processes it starts."""
    global _chosen
    _chosen = check_language(lang)
    os.environ["CV2COURSE_LANG"] = _chosen


@contextlib.contextmanager
def speaking(lang):
    """Within the block, this thread's messages are in ``lang`` (None: no change)."""
    before = getattr(_thread, "lang", None)
    _thread.lang = check_language(lang) if lang else before
    try:
        yield
    finally:
        _thread.lang = before


def in_report_language(render):
    """Decorate ``render(report, ...)`` so that it speaks the report's language (``report["lang"]``)."""
    @functools.wraps(render)
    def wrapper(report, *args, **kwargs):
        with speaking(report.get("lang")):
            return render(report, *args, **kwargs)
    return wrapper


def language():
    """The current language: :func:`speaking`, :func:`set_language`, ``$CV2COURSE_LANG``, else "en"."""
    if getattr(_thread, "lang", None):
        return _thread.lang
    if _chosen:
        return _chosen
    env = os.environ.get("CV2COURSE_LANG", "").strip().lower()
    return env if env in LANGUAGES else "en"


@functools.lru_cache(maxsize=None)
def catalogue(lang):
    """{English text: translated text} for ``lang`` (empty for English or a missing file)."""
    path = _LOCALE_DIR / f"{lang}.json"
    if lang == "en" or not path.exists():
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def tr(message, lang=None, **values):
    """``message`` in ``lang`` (default :func:`language`), formatted with ``values``."""
    lang = check_language(lang) if lang else language()
    text = catalogue(lang).get(message, message)
    return text.format(**values) if values else text
