"""The two Inceptions without a download: Keras' ImageNet InceptionV3 found in a temporary Keras
cache (random weights saved under the file name Keras looks for), and the TTUR FID Inception
loaded from an .npz of random weights with pytorch-fid's key names and shapes."""
import keras
import numpy as np
import pytest

from cv2course import backbones
from cv2course.cli import main
from cv2course.metrics import FeatureStatistics, get_extractor
from cv2course.metrics import extractors as features_module  # its _CACHE holds the built extractors
from cv2course.metrics.features import inception_ttur_extractor
from tests.test_backbones import write_keras_weights


def _images(n, size, seed=0):
    return np.random.default_rng(seed).random((n, size, size, 3), dtype=np.float32)


@pytest.fixture(scope="module")
def keras_inception(tmp_path_factory):
    """Keras' InceptionV3 (built once, weights=None) saved in a fresh Keras cache; nothing else cached."""
    from cv2course.data import tfds

    home = tmp_path_factory.mktemp("keras_home")
    keras.utils.set_random_seed(0)
    net = keras.applications.InceptionV3(weights=None)
    write_keras_weights(net, home / "models" / backbones.keras_cache.KERAS_FILES["inception_v3"])

    def no_network(*args, **kwargs):
        raise AssertionError("a test tried to reach the network")

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KERAS_HOME", str(home))
        mp.setenv(backbones.TTUR_WEIGHTS_ENV, str(home / "no_ttur_weights.npz"))
        mp.setattr(features_module, "_CACHE", {})
        mp.setattr(tfds, "network_available", no_network)
        yield net


def test_auto_picks_cached_keras_inception_and_labels_it_honestly(keras_inception, recwarn):
    ext = get_extractor("auto")
    assert not [w for w in recwarn if "digits" in str(w.message)]  # no fallback
    assert ext.name == "inception" and ext.dim == 2048 and ext.label("FD") == "FID (Keras InceptionV3)"
    x = _images(2, 80)
    # pool3 of Keras' own InceptionV3 on its own preprocessing of the 299-px bilinear resize
    resized = keras.ops.image.resize(x, (299, 299), interpolation="bilinear", antialias=False)
    pool3 = keras.Model(keras_inception.input, keras_inception.get_layer("avg_pool").output)
    expected = np.asarray(pool3(keras.applications.inception_v3.preprocess_input(np.asarray(resized) * 255.0)))
    np.testing.assert_allclose(ext(x), expected, rtol=1e-4, atol=1e-5)
    probs = get_extractor("inception", "probs")(x)
    assert probs.shape == (2, 1000)
    np.testing.assert_allclose(probs, keras_inception(keras.applications.inception_v3.preprocess_input(
        np.asarray(resized) * 255.0)), rtol=1e-4, atol=1e-7)
    assert get_extractor("inception", "probs").label("IS") == "IS (Keras InceptionV3)"
    # (an FD of 2048-d features costs seconds of eigendecompositions: tests/metrics/test_features.py checks
    # fd_of's labels on small statistics)


def torch_shape(layer_weight):
    """pytorch-fid's (out, in, kh, kw) for a Keras (kh, kw, in, out) kernel."""
    kh, kw, cin, cout = layer_weight.shape
    return (cout, cin, kh, kw)


@pytest.fixture(scope="module")
def ttur_weights(tmp_path_factory):
    """An .npz with every key of pytorch-fid's FID Inception state dict, random values of the right shapes."""
    _, convs, _ = backbones.inception._ttur_layers(include_top=False)
    rng = np.random.default_rng(0)
    state = {}
    for prefix, (conv, bn) in convs.items():
        fan_in = int(np.prod(conv.kernel.shape[:3]))
        state[f"{prefix}.conv.weight"] = (rng.standard_normal(torch_shape(conv.kernel)) / np.sqrt(fan_in)).astype(
            np.float32)
        c = conv.filters
        state[f"{prefix}.bn.weight"] = rng.uniform(0.5, 1.5, c).astype(np.float32)
        state[f"{prefix}.bn.bias"] = rng.uniform(-0.1, 0.1, c).astype(np.float32)
        state[f"{prefix}.bn.running_mean"] = rng.uniform(-0.1, 0.1, c).astype(np.float32)
        state[f"{prefix}.bn.running_var"] = rng.uniform(0.5, 2.0, c).astype(np.float32)
    state["fc.weight"] = (rng.standard_normal((1008, 2048)) * 0.01).astype(np.float32)
    state["fc.bias"] = np.zeros(1008, np.float32)
    path = tmp_path_factory.mktemp("ttur") / "pt_inception-2015-12-05.npz"
    np.savez(path, **state)
    return path, state


def test_ttur_inception_loads_pytorch_fid_weights(ttur_weights, keras_inception):
    path, state = ttur_weights
    ext = inception_ttur_extractor(path)
    model = ext.model
    # the same network as Keras' InceptionV3 up to BN's γ (Keras has scale=False) and 1008 vs 1000 classes
    gammas = sum(v.size for k, v in state.items() if k.endswith(".bn.weight"))
    assert gammas == 17216
    with_top = backbones.inception_ttur(path, include_top=True)
    assert with_top.count_params() == keras_inception.count_params() + gammas + 8 * 2049
    # kernels land transposed from (out, in, kh, kw), the 1x7 ones included
    np.testing.assert_array_equal(model.get_layer("Mixed_6b_branch7x7_2_conv").kernel.numpy(),
                                  state["Mixed_6b.branch7x7_2.conv.weight"].transpose(2, 3, 1, 0))
    # the first unit by hand: cross-correlation, BN with eps 1e-3, ReLU (PyTorch's BasicConv2d)
    x = _images(1, 299)
    first = keras.Model(model.input, model.get_layer("Conv2d_1a_3x3_relu").output)(x * 2 - 1).numpy()
    w, k = state["Conv2d_1a_3x3.conv.weight"], 7
    pre = np.sum((x[0, 2:5, 4:7] * 2 - 1) * w[k].transpose(1, 2, 0))  # output (1, 2): rows 2..4, cols 4..6
    bn = {p: state[f"Conv2d_1a_3x3.bn.{p}"][k] for p in ("weight", "bias", "running_mean", "running_var")}
    expected = max(0.0, (pre - bn["running_mean"]) / np.sqrt(bn["running_var"] + 1e-3) * bn["weight"] + bn["bias"])
    assert first[0, 1, 2, k] == pytest.approx(expected, rel=1e-4, abs=1e-5)
    feats = ext(_images(2, 64))
    assert feats.shape == (2, 2048) and np.all(np.isfinite(feats)) and ext.dim == 2048
    assert ext.label("FD") == "FID" and ext.label("KD") == "KID"
    probs = with_top(np.zeros((1, 299, 299, 3), np.float32)).numpy()
    assert probs.shape == (1, 1008) and probs.sum() == pytest.approx(1.0, rel=1e-5)


def test_ttur_weights_errors_name_the_problem(ttur_weights, tmp_path):
    path, state = ttur_weights
    with pytest.raises(FileNotFoundError, match="pt_inception-2015-12-05-6726825d.pth.*numpy.savez"):
        backbones.inception_ttur(tmp_path / "none.npz")
    missing = {k: v for k, v in state.items() if k != "Mixed_7c.branch_pool.bn.running_var"}
    np.savez(tmp_path / "missing.npz", **missing)
    with pytest.raises(ValueError, match=r"lacks 1 FID Inception weight\(s\), "
                                         r"e.g. \['Mixed_7c.branch_pool.bn.running_var'\]"):
        backbones.inception_ttur(tmp_path / "missing.npz")
    bad = dict(state, **{"Conv2d_1a_3x3.conv.weight": state["Conv2d_1a_3x3.conv.weight"].transpose(2, 3, 1, 0)})
    np.savez(tmp_path / "hwio.npz", **bad)
    with pytest.raises(ValueError, match="Conv2d_1a_3x3.conv.weight have shapes"):
        backbones.inception_ttur(tmp_path / "hwio.npz")
    (tmp_path / "junk.npz").write_text("junk")
    with pytest.raises(ValueError, match="is not an .npz of the FID Inception weights"):
        backbones.inception_ttur(tmp_path / "junk.npz")


def test_fid_cli_says_fid_only_with_the_ttur_weights(ttur_weights, tmp_path, capsys):
    from cv2course.data import save_image

    (tmp_path / "a").mkdir()
    for i, img in enumerate(_images(2, 32)):
        save_image(tmp_path / "a" / f"{i}.png", img)
    assert main(["fid", str(tmp_path / "a"), "-o", str(tmp_path / "a.npz"),
                 "--inception-weights", str(ttur_weights[0])]) == 0
    assert "N = 2, d = 2048, extractor: inception-ttur" in capsys.readouterr().out
    assert FeatureStatistics.load(tmp_path / "a.npz").extractor == "inception-ttur"
    rng = np.random.default_rng(0)  # small statistics: a 2048-d FD costs seconds of eigendecompositions
    for name in ("inception-ttur", "inception"):
        FeatureStatistics(extractor=name).update(rng.standard_normal((5, 4))).save(tmp_path / f"{name}.npz")
    assert main(["fid", str(tmp_path / "inception-ttur.npz"), str(tmp_path / "inception-ttur.npz")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("FID: 0.0000") and "not comparable" not in out
    assert main(["fid", str(tmp_path / "inception.npz"), str(tmp_path / "inception.npz")]) == 0
    out = capsys.readouterr().out
    assert "FID (Keras InceptionV3): 0.0000" in out and "not comparable with published FIDs" in out
