"""The README's two commands, as written: the main job runs (literally, under the suite's
CV2COURSE_QUICK=1, which makes its --preview plain quick mode) and the test command is the one CI runs."""
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands():
    """(main job, test command): the code lines under "Run the main job" and "Run the tests"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for heading in ("**Run the main job**", "**Run the tests**"):
        after = text[text.index(heading):]
        commands.append(re.search(r"\n\n    (\S.*)\n", after).group(1).strip())
    return commands


def cli_part(command):
    """The ``cv2course ...`` part of ``pip install ... && cv2course ...``."""
    parts = [p.strip() for p in command.split("&&")]
    assert parts[0].startswith("pip install"), command
    (cli,) = [p for p in parts if p.startswith("cv2course ")]
    return cli


def test_the_readme_starts_with_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.index("**Run the main job**") < text.index("**Run the tests**") < text.index("\n## ")
    main_job, tests = readme_commands()
    assert main_job.startswith("pip install -e . && cv2course ")
    assert tests == 'pip install -e ".[test]" && pytest'


def test_the_test_command_is_what_ci_runs():
    _, tests = readme_commands()
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert tests in lines, f".ci/run must run the README's test command as written: {tests}"


def test_every_command_in_the_readme_parses():
    from cv2course.cli import build_parser

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.startswith("    cv2course ")]
    lines.append(cli_part(readme_commands()[0]))
    assert len(lines) >= 8
    parser = build_parser()
    for line in lines:
        parser.parse_args(shlex.split(line.split(" #")[0])[1:])  # SystemExit(2) on an unknown flag


def test_the_main_job_runs_as_written(tmp_path):
    """The README's first command (its CLI part) in a shell, in an empty folder: every registered
    figure is written, listed in index.html and timed in the table at the end. CV2COURSE_QUICK=1 in the
    environment keeps its --preview at quick-mode sizes here (a newcomer's run takes about 3 minutes)."""
    from cv2course import figures

    command = cli_part(readme_commands()[0])
    assert "--preview" in command.split(), "the README's main job is the preview: quick, but pictures worth a look"
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
               CV2COURSE_QUICK="1")
    specs = dict(figures.load_all())
    done = subprocess.run(command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out_dir = tmp_path / command.split()[-1]
    index = (out_dir / "index.html").read_text()
    table = done.stdout[done.stdout.rindex("\nfigure "):]
    for name, spec in specs.items():
        suffix = ".png" if spec.kind == "image" else ".svg"
        assert (out_dir / f"{name}{suffix}").stat().st_size > 0, name
        assert f'id="{name}"' in index, name
        assert re.search(rf"\n{re.escape(name)}\s+\d+\.\d", table), name
    assert re.search(rf"\ntotal\s+\d+\.\d\s+{len(specs)} figure\(s\)", table)
