"""``cv2course site -o DIR``: the course site, a static web site per language, built with Sphinx + myst-nb.

    cv2course site -o site/                      # execute the notebooks (normal mode), render the figures
    cv2course site -o site/ --quick              # the same in quick mode (what CI checks)
    cv2course site -o site/ --executed EXECUTED/ # notebooks already executed by `cv2course notebooks --execute`

``DIR/es/`` and ``DIR/en/`` hold one page per lecture in slide order (the executed notebook, outputs and
pictures included), the exercises (statements only: never executed), the gallery of slide figures in that
language and the glossary; every page links to the same page in the other language. Everything a page
needs, MathJax included, is served from the site itself, so it opens offline (``file://`` too).
``DIR/index.html`` lets the reader choose a language.
"""
import csv
import html
import shutil
import tempfile
import time
from pathlib import Path

LANGUAGE_NAMES = {"es": "Español", "en": "English"}
TITLES = {"es": "Visión por Computadora II: modelos generativos", "en": "Computer Vision II: generative models"}
SECTION_TITLES = {
    "lectures": {"es": "Clases", "en": "Lectures"},
    "exercises": {"es": "Ejercicios", "en": "Exercises"},
    "figures": {"es": "Figuras de las diapositivas", "en": "Slide figures"},
    "glossary": {"es": "Glosario", "en": "Glossary"},
}
MATHJAX_FILE = "tex-svg.js"  # one self-contained file: TeX in, SVG out, no web fonts to fetch
REPO = Path(__file__).resolve().parents[1]

CONF = '''
project = {title!r}
language = {lang!r}
extensions = ["myst_nb", "cv2course.site"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
nb_execution_mode = "off"
nb_ipywidgets_js = {{}}
myst_enable_extensions = ["dollarmath", "amsmath"]
mathjax_path = "mathjax/{mathjax}"
html_theme = "alabaster"
html_theme_options = {{"show_powered_by": False, "show_relbars": True}}
html_static_path = []
html_favicon = "favicon.png"
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
cv2course_language = {lang!r}
suppress_warnings = ["mystnb.unknown_mime_type", "misc.highlighting_failure", "myst.header"]
'''

LAYOUT = '''{% extends "!layout.html" %}
{% block relbar1 %}<nav class="lang-switch" style="text-align:right;margin:.5em 0">
<a id="lang-switch" hreflang="{{ other_language }}" href="{{ other_language_url }}">{{ other_language_name }}</a>
</nav>{{ super() }}{% endblock %}
'''


def mathjax_source():
    """The MathJax file the site serves, from the ``sphinx-mathjax-offline`` package (no download)."""
    import importlib.util

    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("MathJax for the site is missing; install it with: pip install sphinx-mathjax-offline")
    return Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax" / MATHJAX_FILE


def _page_context(app, pagename, templatename, context, doctree):
    """The language switch: the same page (same path) in the other language's tree."""
    lang = app.config.cv2course_language
    other = "en" if lang == "es" else "es"
    up = "../" * (pagename.count("/") + 1)
    context.update(other_language=other, other_language_name=LANGUAGE_NAMES[other],
                   other_language_url=f"{up}{other}/{pagename}.html")


def _copy_mathjax(app, exc):
    if exc is None:
        target = Path(app.outdir) / "_static" / "mathjax"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(mathjax_source(), target / MATHJAX_FILE)


def setup(app):
    """Sphinx extension: the language switch and the local MathJax."""
    app.add_config_value("cv2course_language", "en", "html")
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True}


def read_glossary(path=None):
    """The glossary rows (``es``, ``en``, ``notation``, ``note_es``, ``note_en``) of ``data/glossary.csv``."""
    path = Path(path or REPO / "data" / "glossary.csv")
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def glossary_page(rows, lang):
    other = "en" if lang == "es" else "es"
    head = {"es": ("Término", "English", "Notación", "Nota"), "en": ("Term", "Español", "Notation", "Note")}[lang]
    lines = [f"# {SECTION_TITLES['glossary'][lang]}", "", "| " + " | ".join(head) + " |", "|---|---|---|---|"]
    for row in sorted(rows, key=lambda r: r[lang].lower()):
        cells = [row[lang], row[other], row["notation"], row[f"note_{lang}"]]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def gallery_page(figure_dir, lang):
    """The gallery: every figure of ``figure_dir`` (as written by ``cv2course figures``) with its caption."""
    from cv2course.figures import load_all
    from cv2course.i18n import tr

    specs = load_all()
    lines = [f"# {SECTION_TITLES['figures'][lang]}", ""]
    for spec in specs.values():
        found = sorted(Path(figure_dir).glob(f"{spec.name}.*"))
        found = [p for p in found if p.suffix in (".png", ".svg")]
        if found:
            lines += [f"## {spec.name}", "", f"![{html.escape(spec.name)}](figures/{found[0].name})", "",
                      tr(spec.caption, lang=lang), ""]
    return "\n".join(lines) + "\n"


def index_page(lang, lectures, exercises):
    t = SECTION_TITLES
    lines = [f"# {TITLES[lang]}", ""]
    for key, pages in (("lectures", lectures), ("exercises", exercises)):
        lines += ["```{toctree}", ":maxdepth: 1", f":caption: {t[key][lang]}", ""] + pages + ["```", ""]
    lines += ["```{toctree}", ":maxdepth: 1", f":caption: {'Material' if lang == 'es' else 'Reference'}", "",
              "figures", "glossary", "```", ""]
    return "\n".join(lines)


def _notebooks(folder, lang):
    """(lectures, exercises): the notebooks of ``lang`` under the repository's notebooks folder."""
    base = Path(folder) / "es" if lang == "es" else Path(folder)
    return sorted(base.glob("[0-9][0-9]_*.ipynb")), sorted((base / "exercises").glob("*.ipynb"))


def _site_copy(src, dst, lang, strip_outputs=False):
    """``src`` written to ``dst`` for the site: the Colab badge becomes a text link (the badge image is on
    another host), and with ``strip_outputs`` the code cells keep no output (exercise statements)."""
    import nbformat

    from cv2course.notebook_setup import BADGE_ALT, BADGE_IMAGE

    nb = nbformat.read(src, as_version=4)
    label = "Abrir en Colab" if lang == "es" else "Open in Colab"
    nb.cells[0].source = nb.cells[0].source.replace(f"[![{BADGE_ALT}]({BADGE_IMAGE})]", f"[{label}]")
    for cell in nb.cells:
        if strip_outputs and cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, str(dst))


def build_language(out, lang, notebooks, executed, figure_dir, glossary, work):
    """Build ``out/lang`` from executed lecture notebooks (``executed``: {name: path})."""
    from sphinx.application import Sphinx

    src = Path(work) / lang
    (src / "lectures").mkdir(parents=True)
    (src / "exercises").mkdir()
    (src / "_templates").mkdir()
    lectures, exercises = _notebooks(notebooks, lang)
    for nb in lectures:
        _site_copy(executed[nb.name], src / "lectures" / nb.name, lang)
    for nb in exercises:
        _site_copy(nb, src / "exercises" / nb.name, lang, strip_outputs=True)
    shutil.copytree(figure_dir, src / "figures")
    (src / "figures.md").write_text(gallery_page(figure_dir, lang), encoding="utf-8")
    (src / "glossary.md").write_text(glossary_page(glossary, lang), encoding="utf-8")
    (src / "index.md").write_text(index_page(lang, [f"lectures/{p.stem}" for p in lectures],
                                             [f"exercises/{p.stem}" for p in exercises]), encoding="utf-8")
    (src / "conf.py").write_text(CONF.format(title=TITLES[lang], lang=lang, mathjax=MATHJAX_FILE) +
                                 'templates_path = ["_templates"]\n', encoding="utf-8")
    (src / "_templates" / "layout.html").write_text(LAYOUT, encoding="utf-8")
    write_favicon(src / "favicon.png")
    app = Sphinx(str(src), str(src), str(Path(out) / lang), str(Path(work) / f"doctrees-{lang}"), "html",
                 status=None, warning=None, freshenv=True)
    app.build()
    if app.statuscode:
        raise RuntimeError(f"the {lang} site did not build (Sphinx status {app.statuscode})")


def write_favicon(path):
    """A 32-px icon (without one, browsers ask the server for /favicon.ico and log a 404)."""
    import numpy as np
    from PIL import Image

    y, x = np.mgrid[:32, :32]
    ring = np.abs(np.hypot(x - 15.5, y - 15.5) - 11) < 3
    rgb = np.where(ring[..., None], [40, 90, 160], [255, 255, 255]).astype(np.uint8)
    Image.fromarray(rgb).save(path)


def chooser_page(langs):
    links = " · ".join(f'<a href="{lang}/index.html" hreflang="{lang}">{LANGUAGE_NAMES[lang]}</a>' for lang in langs)
    return (f"<!doctype html><html lang='es'><meta charset='utf-8'><title>{html.escape(TITLES['es'])}</title>"
            f"<link rel='icon' href='{langs[0]}/_static/favicon.png'>"
            f"<h1>{html.escape(TITLES['es'])}</h1><p>{links}</p></html>\n")


def build_site(out, notebooks=None, executed=None, figures=None, langs=("es", "en"), quick=None, progress=print):
    """Build the site into ``out`` (replaced as a whole only once the new one is complete).

    ``executed``: a folder of executed notebooks (``NAME.ipynb`` and ``es/NAME.ipynb``), else they are
    executed here; ``figures``: a folder per language (``figures/es``, ``figures/en``) of rendered slide
    figures, else they are rendered here. Returns {"seconds": ..., "bytes": ...}."""
    from cv2course import settings
    from cv2course.i18n import set_language, language

    t0 = time.perf_counter()
    notebooks = Path(notebooks or REPO / "notebooks")
    if not notebooks.is_dir():
        raise FileNotFoundError(f"notebooks folder {str(notebooks)!r} not found; run from a checkout of the "
                                "repository or pass --notebooks DIR")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"-o/--output {str(out)!r} is a file; give a folder for the site")
    if quick is not None:
        settings.set_quick(quick)
    glossary = read_glossary()
    before = language()
    with tempfile.TemporaryDirectory(prefix="cv2course-site-") as work:
        work = Path(work)
        staging = work / "site"
        for lang in langs:
            lectures, _ = _notebooks(notebooks, lang)
            done = {}
            for nb in lectures:
                candidate = Path(executed) / ("es" if lang == "es" else "") / nb.name if executed else None
                if candidate is None or not candidate.exists():
                    candidate = work / "executed" / lang / nb.name
                    progress(f"executing {nb.name} ({lang})")
                    execute_notebook(nb, candidate)
                done[nb.name] = candidate
            figure_dir = Path(figures) / lang if figures else work / "figures" / lang
            if not figures:
                progress(f"rendering the slide figures ({lang})")
                render_figures(figure_dir, lang)
            progress(f"building the {lang} site")
            build_language(staging, lang, notebooks, done, figure_dir, glossary, work)
        shutil.rmtree(staging / "jupyter_execute", ignore_errors=True)  # myst-nb's scratch copies
        for lang in langs:
            shutil.rmtree(staging / lang / "_sources", ignore_errors=True)
            (staging / lang / ".buildinfo").unlink(missing_ok=True)
        (staging / "index.html").write_text(chooser_page(langs), encoding="utf-8")
        set_language(before)
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(staging, out)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {"seconds": time.perf_counter() - t0, "bytes": size}


def execute_notebook(source, target, timeout=1800):
    """Execute ``source`` in its own folder (so relative paths work) and write it to ``target``."""
    from cv2course.notebooks_exec import execute

    execute(source, target, timeout=timeout)


def render_figures(out_dir, lang):
    from cv2course.figures import load_all, render
    from cv2course.i18n import set_language

    set_language(lang)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    for name in load_all():
        render(name, out_dir)


def run(args):
    result = build_site(args.output, notebooks=args.notebooks, executed=args.executed, figures=args.figures,
                        langs=args.langs, quick=args.quick or None)
    print(f"site: {args.output}/index.html ({result['bytes'] / 1e6:.1f} MB in {result['seconds']:.0f} s)")
    return 0


def register(sub):
    p = sub.add_parser("site", help="build the course site (Spanish and English) from the executed notebooks",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="the site's folder (replaced)")
    p.add_argument("--notebooks", type=Path, metavar="DIR", help="the notebooks folder (default: the repository's)")
    p.add_argument("--executed", type=Path, metavar="DIR", help="already executed notebooks (es/ for Spanish)")
    p.add_argument("--figures", type=Path, metavar="DIR", help="already rendered figures (DIR/es, DIR/en)")
    p.add_argument("--langs", nargs="+", choices=sorted(LANGUAGE_NAMES), default=["es", "en"], metavar="LANG")
    p.set_defaults(func=run)
