"""The lecture notebooks follow their DATASET switch: the GAN and VAE notebooks run in quick mode on
CIFAR-10 (RGB, 32 px: every size and the non-digits branches change) served by tensorflow-datasets'
mock data (random images of the real shapes; nothing downloads).

The notebook kernel is a separate process: a ``sitecustomize`` module on its PYTHONPATH
enters ``tests.data.tfds_mock.mock_prepared`` at interpreter start-up when
``CV2COURSE_TEST_TFDS_MOCK`` gives the number of mock examples.
"""
import textwrap
from pathlib import Path

import pytest

from tests.notebook_runner import run_notebook

ROOT = Path(__file__).resolve().parents[1]

SITECUSTOMIZE = textwrap.dedent("""
    import os
    if os.environ.get("CV2COURSE_TEST_TFDS_MOCK"):
        from tests.data.tfds_mock import mock_prepared
        _MOCK = mock_prepared(num_examples=int(os.environ["CV2COURSE_TEST_TFDS_MOCK"]))
        _MOCK.__enter__()  # for the whole kernel's life
""")


@pytest.fixture(scope="module")
def mock_hook(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kernel-hook")
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE)
    return folder


def outputs_text(nb):
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


def errors(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if o.get("output_type") == "error"]


@pytest.mark.parametrize("notebook,dataset,shape", [
    ("04_variational_autoencoder.ipynb", "cifar10", "(32, 32, 32, 3)"),
    ("05_gan.ipynb", "cifar10", "(32, 32, 32, 3)"),
])
def test_notebook_follows_its_dataset_switch(notebook, dataset, shape, mock_hook):
    env = {"CV2COURSE_DATASET": dataset, "CV2COURSE_TEST_TFDS_MOCK": "32",
           "PYTHONPATH": f"{mock_hook}:{ROOT}"}
    nb, _ = run_notebook(ROOT / "notebooks" / notebook, env=env)
    assert not errors(nb), errors(nb)
    assert f"{dataset} train {shape} test {shape}" in outputs_text(nb)
