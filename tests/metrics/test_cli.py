import re

import numpy as np
import pytest

from cv2course.cli import main


@pytest.fixture(scope="module")
def digit_folders(tmp_path_factory):
    from cv2course.data import digits, save_image

    x, _ = digits(28, "test")
    root = tmp_path_factory.mktemp("digits")
    folders = {"a": x[:12], "b": np.clip(x[12:22] + 0.3 * np.random.default_rng(0).random(x[12:22].shape), 0, 1)}
    for name, images in folders.items():
        (root / name).mkdir()
        for i, img in enumerate(images):
            save_image(root / name / f"{i:03d}.png", img[..., 0])
    (root / "one").mkdir()
    save_image(root / "one" / "000.png", x[0][..., 0])
    (root / "junk.npz").write_text("not statistics")
    return root


def _score(out):
    match = re.search(r"FD \(digits-cnn\): ([0-9.]+)\s+\(N = (\d+) vs (\d+), extractor: digits-cnn\)", out)
    assert match, out
    return float(match.group(1)), int(match.group(2)), int(match.group(3))


def test_fid_between_two_folders_reports_label_n_and_extractor(digit_folders, digits_cnn_stub, capsys):
    from cv2course.data import image_folder
    from cv2course.metrics import fd_of

    assert main(["fid", str(digit_folders / "a"), str(digit_folders / "b"), "--extractor", "digits-cnn",
                 "--batch-size", "5"]) == 0
    value, n_a, n_b = _score(capsys.readouterr().out)
    assert (n_a, n_b) == (12, 10)
    expected = fd_of(image_folder(digit_folders / "a", size=28), image_folder(digit_folders / "b"), "digits-cnn").value
    assert value == pytest.approx(expected, abs=1e-4)


def test_save_stats_then_compare_against_them(digit_folders, digits_cnn_stub, capsys, tmp_path):
    stats = tmp_path / "real.npz"
    assert main(["fid", str(digit_folders / "a"), "-o", str(stats), "--extractor", "digits-cnn"]) == 0
    assert "N = 12, d = 128, extractor: digits-cnn" in capsys.readouterr().out
    with np.load(stats) as f:
        assert f["mu"].shape == (128,) and f["sigma"].shape == (128, 128)
    assert main(["fid", str(digit_folders / "b"), "--stats", str(stats), "--extractor", "digits-cnn"]) == 0
    via_stats, n_b, n_a = _score(capsys.readouterr().out)
    assert (n_b, n_a) == (10, 12)
    main(["fid", str(digit_folders / "a"), str(digit_folders / "b"), "--extractor", "digits-cnn"])
    assert via_stats == pytest.approx(_score(capsys.readouterr().out)[0], abs=1e-4)
    assert main(["fid", str(stats), str(stats)]) == 0
    assert _score(capsys.readouterr().out)[0] == 0.0


def test_auto_extractor_warns_that_it_is_not_fid(digit_folders, digits_cnn_stub, capsys):
    assert main(["fid", str(digit_folders / "a"), str(digit_folders / "a")]) == 0
    out = capsys.readouterr().out
    assert "not FID" in out and _score(out)[0] == 0.0


@pytest.mark.parametrize("argv, message", [
    (["fid", "{a}"], "-o/--output"),
    (["fid", "{a}", "{junk}"], "'{junk}' is not an .npz statistics file (not a zip archive)"),
    (["fid", "{one}", "{a}"], "folder '{one}' gives 1 image(s); a Fréchet distance needs at least 2 images per side"),
    (["fid", "{a}", "{b}", "--inception-weights", "{missing}"],
     "FID Inception weights file '{missing}' does not exist"),
    (["fid", "{a}", "{b}", "--inception-weights", "{junk}", "--extractor", "vgg16"], "cannot be combined"),
    (["fid", "{missing}", "{a}"], "does not exist"),
    (["fid", "{a}", "{b}", "--extractor", "alexnet"], "extractor must be one of"),
    (["fid", "{a}", "--save-stats", "out.txt"], ".npz"),
    (["fid", "{a}", "-o", "out.txt"], "-o/--output must name an .npz file"),
])
def test_errors_exit_2_with_a_clear_message(digit_folders, digits_cnn_stub, capsys, argv, message):
    paths = dict(a=digit_folders / "a", b=digit_folders / "b", missing=digit_folders / "nope",
                 junk=digit_folders / "junk.npz", one=digit_folders / "one")
    argv = [a.format(**paths) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message.format(**paths) in err and len(err.strip().splitlines()) == 1
    assert "pickle" not in err
