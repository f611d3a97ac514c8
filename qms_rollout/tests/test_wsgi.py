"""The WSGI entry point tunes the garbage collector (qms_rollout/wsgi.py), unless told not to.
(Importing it tunes this test process's collector too: harmless, the tests restore Python's
settings around each of their own.)"""

import gc

import pytest

from qms_rollout import wsgi

PYTHONS = (700, 10, 10)


@pytest.fixture
def pythons_collector():
    """Python's settings, nothing frozen, during the test and after it."""
    gc.unfreeze()
    gc.set_threshold(*PYTHONS)
    yield
    gc.unfreeze()
    gc.set_threshold(*PYTHONS)


def test_the_first_generation_grows_to_the_threshold_and_the_loaded_objects_are_frozen(
    pythons_collector,
):
    assert gc.get_freeze_count() == 0
    wsgi.tune_collector(50_000)
    assert gc.get_threshold() == (50_000, 10, 10)
    assert gc.get_freeze_count() > 0


def test_zero_keeps_pythons_settings(pythons_collector):
    wsgi.tune_collector(0)
    assert gc.get_threshold() == PYTHONS and gc.get_freeze_count() == 0
