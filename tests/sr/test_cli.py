"""``cv2course upscale`` and ``cv2course train-sr`` end to end, with their errors."""
import numpy as np
import pytest

from cv2course.cli import main
from cv2course.data import load_image, save_image
from cv2course.sr.pretrained import SHIPPED_SCALES, shipped_path


@pytest.fixture
def small_image(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "small.png"
    save_image(path, rng.random((10, 12, 3)))
    return path


def test_upscale_with_interpolation(tmp_path, small_image, capsys):
    out = tmp_path / "up.png"
    assert main(["upscale", str(small_image), "--scale", "3", "--method", "bicubic", "-o", str(out)]) == 0
    assert load_image(out).shape == (30, 36, 3)
    assert "12x10 -> 36x30" in capsys.readouterr().out


def test_train_sr_then_upscale_with_the_model(tmp_path, small_image):
    model = tmp_path / "tiny.keras"
    code = main(["--quick", "train-sr", "--scale", "2", "--filters", "4", "--blocks", "1", "--steps", "2",
                 "--batch-size", "2", "--patch-size", "16", "--checkpoint-every", "2", "-o", str(model), "-q"])
    assert code == 0 and model.is_file()
    out = tmp_path / "up.png"
    assert main(["upscale", str(small_image), "--scale", "2", "--model", str(model), "-o", str(out)]) == 0
    assert load_image(out).shape == (20, 24, 3)
    # the model is x2: asking for x4 with it is an error, not a silently wrong image
    assert main(["upscale", str(small_image), "--scale", "4", "--model", str(model), "-o", str(out)]) == 2


def test_errors_exit_with_code_2(tmp_path, small_image, capsys):
    out = str(tmp_path / "o.png")
    assert main(["upscale", str(small_image), "--scale", "5", "-o", out]) == 2  # no shipped x5 model
    assert f"shipped EDSR models exist for scale {list(SHIPPED_SCALES)}" in capsys.readouterr().err
    assert main(["upscale", str(small_image), "--scale", "5", "--method", "bicubic", "-o", out]) == 2
    assert "scale must be 2, 3 or 4" in capsys.readouterr().err
    assert main(["upscale", str(small_image), "--scale", "1", "-o", out]) == 2
    assert "--scale must be an integer >= 2" in capsys.readouterr().err
    assert main(["upscale", str(tmp_path / "missing.png"), "-o", out]) == 2
    assert main(["upscale", str(small_image), "--model", str(tmp_path / "none.keras"), "-o", out]) == 2
    assert main(["upscale", str(small_image), "-o", str(tmp_path / "out.txt")]) == 2
    assert main(["train-sr", "--steps", "0", "-o", str(tmp_path / "m.keras")]) == 2
    assert main(["train-sr", "-o", str(tmp_path / "m.h5")]) == 2


def test_upscale_accepts_every_shipped_scale():
    from cv2course.cli import build_parser

    text = build_parser()._subparsers._group_actions[0].choices["upscale"].format_help()
    assert f"shipped models: x{', '.join(map(str, SHIPPED_SCALES))}" in " ".join(text.split())


def test_a_failed_write_is_one_line_and_leaves_nothing(tmp_path, small_image, capsys, monkeypatch):
    """The disk fills up half-way through the PNG: exit 2, one line naming -o/--output, and neither
    a partial file nor a temporary one left behind; an existing output stays as it was."""
    from PIL import Image

    def full_disk(self, fp, *args, **kwargs):
        with open(fp, "wb") as f:
            f.write(b"\x89PNG half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Image.Image, "save", full_disk)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for existing in (False, True):
        if existing:
            (out_dir / "up.png").write_bytes(b"old")
        code = main(["upscale", str(small_image), "--scale", "2", "--method", "bicubic", "-o", str(out_dir / "up.png")])
        err = capsys.readouterr().err
        assert code == 2
        assert len(err.strip().splitlines()) == 1
        assert "cannot write -o/--output" in err and "No space left on device" in err and "nothing was written" in err
        assert sorted(p.name for p in out_dir.iterdir()) == (["up.png"] if existing else [])
    assert (out_dir / "up.png").read_bytes() == b"old"


@pytest.mark.parametrize("scale", SHIPPED_SCALES)
def test_shipped_models_work_out_of_the_box(tmp_path, scale):
    """The package's own weights: the right factor, and better than bicubic on a held-out photo."""
    if not shipped_path(scale).is_file():
        pytest.fail(f"the shipped model {shipped_path(scale)} is missing")
    from cv2course.data import sample_image
    from cv2course.sr.evaluate import psnr
    from cv2course.sr.resize import downscale, mod_crop, upscale

    hr = mod_crop(sample_image("astronaut", size=128), scale)
    save_image(tmp_path / "lr.png", downscale(hr, scale))
    out = tmp_path / "sr.png"
    assert main(["upscale", str(tmp_path / "lr.png"), "--scale", str(scale), "-o", str(out)]) == 0
    sr = load_image(out)
    assert sr.shape == hr.shape
    assert psnr(hr, sr, scale) > psnr(hr, upscale(load_image(tmp_path / "lr.png"), scale), scale)
