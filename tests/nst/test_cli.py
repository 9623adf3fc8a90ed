"""``cv2course stylize``."""
import numpy as np

from cv2course.cli import main
from cv2course.data import load_image


def test_stylize_writes_the_image(tmp_path, capsys):
    out = tmp_path / "out.png"
    code = main(["stylize", "chelsea", "brick", "-o", str(out), "--steps", "2", "--size", "40", "--arch", "vgg16",
                 "--weights", "bundled", "--verbose", "0"])
    assert code == 0
    img = load_image(out)
    assert max(img.shape[:2]) == 40 and img.shape[2] == 3
    text = capsys.readouterr().out
    assert "wrote" in text and "loss" in text


def test_stylize_preserve_color_and_blend(tmp_path):
    out = tmp_path / "out.jpg"
    code = main(["stylize", "chelsea", "brick", "gravel", "--blend", "0.7", "0.3", "-o", str(out), "--steps", "1",
                 "--size", "32", "--arch", "vgg16", "--weights", "bundled", "--optimizer", "adam",
                 "--preserve-color", "--verbose", "0"])
    assert code == 0 and np.isfinite(load_image(out)).all()


def test_stylize_bad_arguments_exit_2(tmp_path, capsys):
    assert main(["stylize", "chelsea", "brick", "-o", str(tmp_path / "out.txt")]) == 2
    assert "--output" in capsys.readouterr().err
    assert main(["stylize", "no_such_file.jpg", "brick", "-o", str(tmp_path / "o.png"), "--steps", "1",
                 "--arch", "vgg16", "--weights", "bundled"]) == 2
    assert "neither an image file" in capsys.readouterr().err
    assert main(["stylize", "chelsea", "brick", "--blend", "1", "2", "-o", str(tmp_path / "o.png")]) == 2
