"""Slide figures in the instructor's language: ``cv2course figures --lang es`` (issue 24).

Three cheap figures (no training, well under a second each in quick mode) drawn in Spanish carry the
catalogue's Spanish titles and labels and not the English ones; the CLI's index page says lang='es'.
"""
import pytest

from cv2course import i18n
from cv2course.cli import main


@pytest.fixture
def restore_language(monkeypatch):
    """``--lang`` and set_language change the process's language: put it back after the test."""
    monkeypatch.setattr(i18n, "_chosen", None)
    monkeypatch.setenv("CV2COURSE_LANG", "en")  # recorded, so teardown restores it (delenv of an unset one is not)


def figure_texts(fig):
    """Every text drawn on ``fig``: suptitles (subfigures too), axes titles, labels, tick labels, legends."""
    texts = [t.get_text() for t in fig.texts]
    for sub in getattr(fig, "subfigs", ()):
        texts += figure_texts(sub)
    for ax in fig.axes:
        texts += [ax.get_title(loc) for loc in ("left", "center", "right")]
        texts += [ax.get_xlabel(), ax.get_ylabel()] + [t.get_text() for t in ax.texts]
        texts += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        if ax.get_legend() is not None:
            texts += [t.get_text() for t in ax.get_legend().get_texts()]
    return [t for t in texts if t]


# (figure, an English text it draws, the Spanish text the slides use)
CASES = [("divergences", "Overlapping supports", "Soportes superpuestos"),
         ("emd_plans", "from position (P)", "desde la posición (P)"),
         ("gan_timeline", "GAN evolution 2014–2018 (bold: in this course)",
          "Evolución de las GAN 2014–2018 (en negrita: en este curso)")]


@pytest.mark.parametrize("name,english,spanish", CASES, ids=[c[0] for c in CASES])
def test_figure_is_drawn_in_the_chosen_language(name, english, spanish):
    import matplotlib.pyplot as plt

    from cv2course.figures import load_all

    draw = load_all()[name].func
    assert i18n.catalogue("es")[english] == spanish
    with i18n.speaking("es"):
        fig = draw(0)
    es = figure_texts(fig)
    plt.close(fig)
    with i18n.speaking("en"):
        fig = draw(0)
    en = figure_texts(fig)
    plt.close(fig)
    assert spanish in es and english not in es, es
    assert english in en and spanish not in en, en


def test_figures_cli_lang_es_writes_a_spanish_index(tmp_path, restore_language, capsys):
    import html

    from cv2course.figures import load_all

    assert main(["figures", "--lang", "es", "--only", "emd_plans", "-o", str(tmp_path)]) == 0
    assert (tmp_path / "emd_plans.svg").is_file()
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<html lang='es'>" in index
    caption = load_all()["emd_plans"].caption
    assert html.escape(i18n.tr(caption, lang="es")) in index and html.escape(caption) not in index
    assert i18n.tr("cv2course slide figures", lang="es") in index
