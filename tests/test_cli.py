import subprocess
import sys


from cv2course.cli import main


def test_import_and_help_stay_light():
    code = ("import sys, cv2course, cv2course.cli, cv2course.settings, cv2course.data; "
            "cv2course.cli.build_parser(); "
            "heavy = [m for m in ('tensorflow', 'keras') if m in sys.modules]; "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)


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


def test_module_entry_point():
    out = subprocess.run([sys.executable, "-m", "cv2course", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("cv2course ")
