"""Messages in Spanish or English: the catalogue covers every message and keeps its placeholders."""
import string

import pytest

from cv2course import i18n
from cv2course.i18n_messages import all_messages, messages_in, untranslated


@pytest.fixture
def lang(monkeypatch):
    monkeypatch.setattr(i18n, "_chosen", None)
    monkeypatch.delenv("CV2COURSE_LANG", raising=False)
    return monkeypatch


def test_the_language_comes_from_set_language_then_the_environment_then_english(lang):
    assert i18n.language() == "en"
    lang.setenv("CV2COURSE_LANG", "ES")
    assert i18n.language() == "es"
    lang.setenv("CV2COURSE_LANG", "fr")
    assert i18n.language() == "en"
    i18n.set_language("es")
    assert i18n.language() == "es"
    with pytest.raises(ValueError, match="lang must be one of en, es, got 'fr'"):
        i18n.set_language("fr")


def test_a_translated_message_is_spanish_and_a_missing_one_falls_back_to_english(lang):
    message = next(m for m in all_messages() if i18n.catalogue("es").get(m) and "{" not in m)
    assert i18n.tr(message, lang="es") == i18n.catalogue("es")[message] != message
    assert i18n.tr(message, lang="en") == message
    assert i18n.tr("no such message {n}", lang="es", n=3) == "no such message 3"


def test_messages_are_found_in_tr_calls_figure_captions_and_exercise_hints():
    source = ('tr("one {x}", x=1)\nfigure("f", "plot", "two")\nexercise("e", ref, cases, hint=("three", "four"))\n'
              'tr(f"not {a} literal")\n')
    assert messages_in(source) == ["one {x}", "two", "three", "four"]


def _fields(text):
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)


def test_every_message_has_a_spanish_text():
    missing = untranslated("es")
    assert not missing, (f"{len(missing)} message(s) without Spanish text (python -m cv2course.i18n_messages):\n"
                         + "\n".join(f"{where}: {m!r}" for m, where in list(missing.items())[:30]))


def test_spanish_texts_keep_the_placeholders_of_the_english_ones():
    wrong = {m: t for m, t in i18n.catalogue("es").items() if _fields(m) != _fields(t)}
    assert not wrong, wrong
