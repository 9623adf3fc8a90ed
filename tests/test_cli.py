"""The ``cv2course`` command as a whole: global options, registered modules, --help, flags, errors."""
import argparse
import importlib
import shlex
import subprocess
import sys

import pytest

from cv2course.cli import COMMAND_MODULES, build_parser, example_lines, main

# Commands whose module (owned elsewhere) has no examples in its docstring yet. When one gains
# examples the test below fails until it is removed from here, so the list cannot go stale.
AWAITING_EXAMPLES = set()


def subcommands():
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices


def test_import_and_help_stay_light():
    code = ("import sys, cv2course, cv2course.cli, cv2course.settings, cv2course.data; "
            "cv2course.cli.build_parser(); "
            "heavy = [m for m in ('tensorflow', 'keras') if m in sys.modules]; "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("argv, quick, seed", [
    (["figures", "-o", "d"], False, 0),
    (["--quick", "figures", "-o", "d"], True, 0),
    (["figures", "--quick", "-o", "d"], True, 0),
    (["figures", "-o", "d", "--quick"], True, 0),
    (["--seed", "3", "figures", "-o", "d"], False, 3),
    (["figures", "--seed", "4", "-o", "d"], False, 4),
    (["--quick", "--seed", "5", "stylize", "chelsea", "brick", "-o", "x.png"], True, 5),
    (["upscale", "a.png", "-o", "b.png", "--quick", "--seed", "6"], True, 6),
])
def test_global_options_before_and_after_the_subcommand(argv, quick, seed):
    """An option given before the subcommand is not reset by the subcommand's own default."""
    args = build_parser().parse_args(argv)
    assert args.quick is quick and args.seed == seed


def test_quick_after_the_subcommand_turns_quick_mode_on(monkeypatch, capsys):
    from cv2course import settings

    monkeypatch.setattr(settings, "QUICK", False)
    monkeypatch.setenv("CV2COURSE_QUICK", "0")
    assert main(["info", "--quick"]) == 0
    assert settings.QUICK is True
    assert "quick mode               True" in capsys.readouterr().out


def test_every_registered_command_module_exists_and_registers():
    sub = subcommands()
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)  # a missing module is an error, never skipped
        assert callable(module.register), name
    assert {"info", "sample-image", "stylize", "train", "fid", "upscale", "train-sr", "figures", "grade"} <= set(sub)


@pytest.mark.parametrize("command", sorted(subcommands()))
def test_every_subcommand_has_help_with_examples_that_parse(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert f"usage: cv2course {command}" in text and "--quick" in text and "--seed" in text
    examples = [line.strip() for line in text.split("examples:", 1)[-1].splitlines()
                if line.strip().startswith("cv2course ")] if "examples:" in text else []
    if command in AWAITING_EXAMPLES:
        assert not examples, f"{command} has examples now: remove it from AWAITING_EXAMPLES"
        return
    assert examples, f"cv2course {command} --help shows no examples"
    parser = build_parser()
    for line in examples:
        args = parser.parse_args(shlex.split(line.split("#")[0])[1:])  # SystemExit(2) if an example is wrong
        assert args.command == command


def test_example_lines_are_taken_per_command():
    doc = "x\n\n    cv2course upscale a.png -o b.png\n    cv2course --seed 2 train-sr -o m.keras\nnot cv2course upscale"
    assert example_lines(doc, "upscale") == ["cv2course upscale a.png -o b.png"]
    assert example_lines(doc, "train-sr") == ["cv2course --seed 2 train-sr -o m.keras"]


def test_one_spelling_for_the_output_flag():
    for command, parser in subcommands().items():
        for action in parser._actions:
            if action.dest in ("output", "out"):
                assert action.option_strings == ["-o", "--output"], (command, action.option_strings)


def test_out_still_works_for_figures_as_an_abbreviation():
    assert build_parser().parse_args(["figures", "--out", "d"]).output == "d"


def test_info_prints_versions_devices_and_weights(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    for key in ("tensorflow", "keras", "devices", "quick mode", "data folder", "vgg16_bundled"):
        assert key in out


def test_sample_image_command(tmp_path, capsys):
    from cv2course.data import load_image

    assert main(["sample-image", "coffee", "-o", str(tmp_path / "c.png"), "--size", "20"]) == 0
    assert load_image(tmp_path / "c.png").shape[0] == 20
    assert main(["sample-image", "nonsense", "-o", str(tmp_path / "n.png")]) == 2
    assert "unknown sample image" in capsys.readouterr().err


def test_sample_image_size_is_bounded(tmp_path, capsys):
    assert main(["sample-image", "coffee", "-o", str(tmp_path / "c.png"), "--size", "20000"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "the limit is 8192 pixels per side" in err and "GB of memory" in err
    assert not (tmp_path / "c.png").exists()


def test_module_entry_point():
    out = subprocess.run([sys.executable, "-m", "cv2course", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("cv2course ")


def test_oserror_while_writing_is_one_line_naming_the_option(tmp_path, capsys):
    """A file where the output's folder should be: the OS refuses, the CLI says so in one line."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["sample-image", "coffee", "-o", str(blocker / "c.png"), "--size", "8"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("cv2course sample-image: error: cannot write -o/--output") and "nothing was written" in err
