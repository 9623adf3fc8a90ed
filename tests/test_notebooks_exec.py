"""cv2course notebooks --execute: executed copies for reading (static widgets, merged progress bars)."""
import nbformat
import pytest

from cv2course import cli, notebooks_exec

CELLS = [
    nbformat.v4.new_markdown_cell("# 00 · Tiny", id="title"),
    nbformat.v4.new_code_cell("import os\nprint('quick', os.environ['CV2COURSE_QUICK'])", id="env"),
    nbformat.v4.new_code_cell("from tqdm.auto import tqdm\nbar = tqdm(total=300)\n"
                              "for i in range(300):\n    bar.update(1)\n    bar.set_postfix(loss=i)\nbar.close()",
                              id="bar"),
    nbformat.v4.new_code_cell("from cv2course.widgets import interactive_or_static\n"
                              "interactive_or_static(lambda beta: print('beta', beta), [{'beta': 1}, {'beta': 2}],"
                              " beta=(0, 5))", id="widget"),
    nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nplt.plot([0, 1]);", id="figure"),
]


def _write(folder, name, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / name))
    return folder / name


def test_execute_writes_a_readable_copy(tmp_path):
    source = _write(tmp_path / "notebooks", "00_tiny.ipynb", CELLS)
    before = source.read_bytes()
    results = notebooks_exec.execute_all(tmp_path / "out", quick=True, notebooks=tmp_path / "notebooks",
                                         progress=lambda line: None)
    assert list(results) == ["00_tiny.ipynb"] and isinstance(results["00_tiny.ipynb"], float)
    assert source.read_bytes() == before, "the source notebook stays without outputs"
    nb = nbformat.read(tmp_path / "out" / "00_tiny.ipynb", as_version=4)
    cells = {c.id: c for c in nb.cells}
    assert list(cells) == [c.id for c in CELLS], "the setup cell is removed from the copy"
    assert cells["env"].outputs[0].text == "quick 1\n"
    bars = [o for o in cells["bar"].outputs if o.output_type == "stream"]
    assert len(bars) == 1 and "\r" not in bars[0].text and bars[0].text.count("300/300") == 1, \
        "300 bar updates are merged into one line of text"
    assert all(o.output_type == "stream" for o in cells["bar"].outputs), "text bars, not widget bars"
    printed = "".join(o.text for o in cells["widget"].outputs if o.output_type == "stream")
    assert "Static view" in printed and "beta 1\nbeta 2\n" in printed
    assert any("image/png" in o.get("data", {}) for o in cells["figure"].outputs), "figures are kept"
    assert nb.metadata["cv2course"]["executed"]["quick"] is True


def test_a_failing_cell_is_named_and_the_command_exits_1(tmp_path, capsys):
    cells = [nbformat.v4.new_code_cell("1 / 0", id="divide")]
    _write(tmp_path / "nbs", "01_broken.ipynb", cells)
    code = cli.main(["notebooks", "--execute", "--quick", "-o", str(tmp_path / "out"),
                     "--notebooks", str(tmp_path / "nbs")])
    out = capsys.readouterr().out
    assert code == 1 and "cell divide failed" in out and "ZeroDivisionError" in out
    copy = nbformat.read(tmp_path / "out" / "01_broken.ipynb", as_version=4)
    assert copy.cells[0].outputs[0].output_type == "error", "the copy shows the error"


def test_bad_arguments_exit_2(tmp_path, capsys, monkeypatch):
    from cv2course import i18n

    monkeypatch.setattr(i18n, "_chosen", i18n._chosen)  # --lang sets the process's language: restore it after
    monkeypatch.setenv("CV2COURSE_LANG", i18n.language())
    _write(tmp_path / "nbs", "00_tiny.ipynb", CELLS[:1])
    assert cli.main(["notebooks", "--execute", "--notebooks", str(tmp_path / "nbs")]) == 2
    assert "needs -o/--output" in capsys.readouterr().err
    assert cli.main(["notebooks", "07", "--notebooks", str(tmp_path / "nbs")]) == 2
    assert "notebook '07' not found; choose from 00_tiny" in capsys.readouterr().err
    assert cli.main(["notebooks", "--lang", "es", "--notebooks", str(tmp_path / "nbs")]) == 2
    assert "notebook_i18n" in capsys.readouterr().err
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        notebooks_exec.execute_all(tmp_path / "file", notebooks=tmp_path / "nbs")
