"""The course site, built in quick mode and opened in a real headless Chromium.

Every page of both languages loads with no console error, every image loads, formulas render
(MathJax served by the site), and the language switch lands on the same page in the other language.
The notebooks come executed from tests/test_notebooks.py when it ran first in the session.
"""
import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from cv2course import site
from tests.notebook_runner import run_notebooks

ROOT = Path(__file__).resolve().parents[1]
BROWSER, DRIVER = shutil.which("chromium") or shutil.which("chromium-browser"), shutil.which("chromedriver")
GALLERY = ("gram_heatmap", "kl_js_bernoulli")


@pytest.fixture(scope="module")
def built_site(tmp_path_factory, executed_notebooks):
    import nbformat

    from cv2course.figures import load_all, render
    from cv2course.i18n import set_language, language

    lectures = [p for lang in ("es", "") for p in sorted((ROOT / "notebooks" / lang).glob("[0-9][0-9]_*.ipynb"))]
    missing = [p for p in lectures if not (executed_notebooks / p.relative_to(ROOT / "notebooks")).exists()]
    for path, (nb, _, error) in run_notebooks(missing).items():  # when tests/test_notebooks.py did not run first
        if error is not None:
            raise error
        kept = executed_notebooks / path.relative_to(ROOT / "notebooks")
        kept.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(kept))
    figures = tmp_path_factory.mktemp("figures")
    before = language()
    names = [n for n in GALLERY if n in load_all()] or list(load_all())[:2]
    for lang in ("es", "en"):
        set_language(lang)
        for name in names:
            render(name, figures / lang)
    set_language(before)
    out = tmp_path_factory.mktemp("site") / "site"
    result = site.build_site(out, executed=executed_notebooks, figures=figures, progress=lambda _: None)
    assert result["bytes"] > 0
    return out


def _pages(out):
    return sorted(p.relative_to(out).as_posix() for lang in ("es", "en") for p in (out / lang).rglob("*.html")
                  if p.name not in ("genindex.html", "search.html"))


def test_every_lecture_exercise_gallery_and_glossary_page_exists_in_both_languages(built_site):
    pages = _pages(built_site)
    for lang in ("es", "en"):
        mine = [p[3:] for p in pages if p.startswith(lang + "/")]
        assert sum(p.startswith("lectures/") for p in mine) == 12 and sum(p.startswith("exercises/") for p in mine) == 6
        assert {"index.html", "figures.html", "glossary.html"} <= set(mine)
    assert [p[3:] for p in pages if p.startswith("es/")] == [p[3:] for p in pages if p.startswith("en/")]
    assert "Matriz de Gram" in (built_site / "es" / "glossary.html").read_text(encoding="utf-8") or \
        "matriz de Gram" in (built_site / "es" / "glossary.html").read_text(encoding="utf-8")


def test_the_site_fetches_nothing_from_another_host(built_site):
    offenders = []
    for page in built_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for marker in ('src="http', "src='http", 'href="http://fonts', "cdn.jsdelivr", "unpkg.com", "cdnjs"):
            if marker in text:
                offenders.append(f"{page.relative_to(built_site)}: {marker}")
    assert not offenders, offenders[:10]


@pytest.fixture(scope="module")
def browser(built_site):
    if not (BROWSER and DRIVER):
        pytest.skip("no headless browser: install Debian's chromium and chromium-driver "
                    "(apt-get install chromium chromium-driver; .ci/run does)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built_site))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={built_site.parent / 'chromium-profile'}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver, f"http://127.0.0.1:{server.server_address[1]}"
    driver.quit()
    server.shutdown()


MATH_DONE = """
const done = arguments[arguments.length - 1];
if (!window.MathJax || !MathJax.startup) { done(-1); return; }
MathJax.startup.promise.then(() => done(document.querySelectorAll('mjx-container').length), () => done(-2));
"""
IMAGES_BROKEN = "return Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src);"


def test_every_page_loads_without_console_errors_images_and_formulas_render(built_site, browser):
    driver, base = browser
    driver.set_script_timeout(60)
    problems, formulas = [], {}
    for page in _pages(built_site):
        driver.get(f"{base}/{page}")
        rendered = driver.execute_async_script(MATH_DONE)
        broken = driver.execute_script(IMAGES_BROKEN)
        errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        if broken:
            problems.append(f"{page}: images not loaded {broken[:3]}")
        if errors:
            problems.append(f"{page}: console errors {errors[:3]}")
        formulas[page] = rendered
        source = (built_site / page).read_text(encoding="utf-8")
        if ("\\(" in source or "\\[" in source) and rendered <= 0:
            problems.append(f"{page}: has TeX but no rendered formula (MathJax: {rendered})")
    assert not problems, problems
    assert formulas["es/lectures/02_neural_style_transfer.html"] > 0 and formulas["en/lectures/05_gan.html"] > 0


def test_the_language_switch_lands_on_the_same_page_in_the_other_language(built_site, browser):
    from selenium.webdriver.common.by import By

    driver, base = browser
    for page in [p for p in _pages(built_site) if p.startswith("es/")]:
        driver.get(f"{base}/{page}")
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "es"
        driver.find_element(By.ID, "lang-switch").click()
        assert driver.current_url == f"{base}/en/{page[3:]}", page
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
        driver.find_element(By.ID, "lang-switch").click()
        assert driver.current_url == f"{base}/{page}"
