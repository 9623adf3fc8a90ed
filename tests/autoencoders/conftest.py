import pytest

from tests.distributed import mirrored_strategy


@pytest.fixture
def mirrored():
    """The process's shared MirroredStrategy over the two logical CPUs."""
    return mirrored_strategy()
