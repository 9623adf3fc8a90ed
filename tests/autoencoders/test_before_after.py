"""Issue 15's before/after fixture: the training-step refactor keeps every autoencoder's behaviour
(same seeds, same weights after three SGD steps) and loads files saved before it."""
import pytest

from tests.autoencoders.fixtures.before_after import (HERE, KERAS_FILES, assert_old_file_loads_and_resumes,
                                                      assert_trains_as_recorded, data, names, train)


@pytest.mark.parametrize("name", names())
def test_same_seeds_give_the_recorded_weights(name):
    assert_trains_as_recorded(HERE, train, name)


@pytest.mark.parametrize("name", KERAS_FILES)
def test_a_file_saved_before_the_refactor_loads_and_resumes(name):
    assert_old_file_loads_and_resumes(HERE, data, name)
