"""``cv2course train``: trains the package's models, saves after each epoch, resumes from its output."""
import keras
import numpy as np

from cv2course.cli import main


def optimizer_steps(path):
    model = keras.models.load_model(path)
    return model, int((getattr(model, "generator_optimizer", None) or model.optimizer).iterations.numpy())


def test_train_gan_then_resume_from_the_output(tmp_path, capsys):
    out = tmp_path / "gan.keras"
    steps = 256 // 64  # quick mode: 256 digits, batch 64, one epoch
    assert main(["--quick", "train", "gan", "--epochs", "1", "-o", str(out), "-q"]) == 0
    assert f"{steps} steps in all" in capsys.readouterr().out
    assert main(["train", "gan", "--quick", "--epochs", "1", "-o", str(out), "-q", "--samples",
                 str(tmp_path / "s.png")]) == 0
    text = capsys.readouterr().out
    assert f"resuming from {out} ({steps} steps done)" in text
    model, steps_in_file = optimizer_steps(out)
    assert type(model).__name__ == "GAN"
    assert steps_in_file == 2 * steps  # the optimizer state came back from the file and went on
    assert (tmp_path / "s.png").stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gan.keras", "s.png"]  # no temporary files left


def test_train_vae_and_refuse_to_resume_another_model(tmp_path, capsys):
    out = tmp_path / "vae.keras"
    assert main(["--quick", "train", "vae", "--epochs", "1", "-o", str(out), "-q"]) == 0
    model, steps = optimizer_steps(out)
    assert type(model).__name__ == "VAE" and steps == int(np.ceil(256 / 64))
    before = out.read_bytes()
    assert main(["--quick", "train", "wgan-gp", "-o", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert "holds a VAE, not a WGANGP (wgan-gp)" in err and "--restart" in err
    assert out.read_bytes() == before


def test_train_bad_arguments_exit_2(tmp_path, capsys):
    assert main(["train", "gan", "-o", str(tmp_path / "g.h5")]) == 2
    assert "-o/--output must end in .keras" in capsys.readouterr().err
    assert main(["train", "gan", "--epochs", "0", "-o", str(tmp_path / "g.keras")]) == 2
    assert "--epochs must be > 0" in capsys.readouterr().err
    assert main(["train", "cgan", "--data", str(tmp_path / "missing"), "-o", str(tmp_path / "c.keras")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
    from cv2course.data import save_image

    for i in range(3):
        save_image(tmp_path / "few" / f"{i}.png", np.full((8, 8, 3), i / 3, np.float32))
    assert main(["train", "cgan", "--data", str(tmp_path / "few"), "-o", str(tmp_path / "c.keras")]) == 2
    assert "one subfolder per class" in capsys.readouterr().err
    assert main(["train", "gan", "--data", str(tmp_path / "few"), "-o", str(tmp_path / "g.keras")]) == 2
    err = capsys.readouterr().err
    assert "the data hold 3 images" in err and "smaller --batch-size" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["few"]
