"""tensorflow-datasets' mock data behind a folder that looks prepared (no download, ever).

``tfds.testing.mock_data`` replaces the examples with random ones of the right features;
its ``data_dir`` gets each dataset's ``dataset_info.json`` written from tfds' own code, so
the loaders' "is it prepared?" check passes exactly as for a real prepared folder.
"""
import contextlib
import os
import tempfile

MOCKED = ("mnist", "fashion_mnist", "cifar10", "celeb_a", "cycle_gan/horse2zebra", "div2k/bicubic_x2",
          "div2k/bicubic_x3", "div2k/bicubic_x4")


@contextlib.contextmanager
def mock_prepared(num_examples=4, names=MOCKED, data_dir=None, **mock_kwargs):
    import tensorflow_datasets as tfds

    data_dir = data_dir or tempfile.mkdtemp(prefix="tfds-mock-")
    with tfds.testing.mock_data(num_examples=num_examples, data_dir=data_dir, **mock_kwargs):
        for name in names:
            builder = tfds.builder(name)
            if not os.path.isfile(os.path.join(builder.data_dir, "dataset_info.json")):
                os.makedirs(builder.data_dir, exist_ok=True)
                builder.info.write_to_directory(builder.data_dir)
        yield data_dir
