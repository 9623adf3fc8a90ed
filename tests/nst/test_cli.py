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


def test_stylize_size_is_bounded_with_the_reason(tmp_path, capsys, monkeypatch):
    import cv2course.nst.transfer as transfer

    def must_not_run(*args, **kwargs):
        raise AssertionError("the size must be refused before any VGG is built")

    monkeypatch.setattr(transfer.StyleTransfer, "from_preset", must_not_run)
    assert main(["stylize", "chelsea", "brick", "-o", str(tmp_path / "o.png"), "--size", "20000"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "--size must be at most 2048 pixels, got 20000" in err and "VGG's activations" in err
    assert not (tmp_path / "o.png").exists()


def test_a_tiny_content_image_is_enlarged_with_a_warning(tmp_path, capsys):
    from cv2course.data import save_image

    save_image(tmp_path / "dot.png", np.full((1, 1, 3), 0.5, np.float32))
    out = tmp_path / "out.png"
    code = main(["stylize", str(tmp_path / "dot.png"), "brick", "-o", str(out), "--steps", "1", "--size", "32",
                 "--arch", "vgg16", "--weights", "bundled", "--optimizer", "adam", "--verbose", "0"])
    assert code == 0 and load_image(out).shape[:2] == (32, 32)
    err = capsys.readouterr().err
    assert "a 1x1 image was enlarged 32x to 32x32" in err and "give a larger image" in err
