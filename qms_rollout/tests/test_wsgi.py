"""The WSGI entry point tunes the garbage collector (qms_rollout/wsgi.py), unless told not to."""

import gc

import pytest

from qms_rollout import wsgi


@pytest.fixture
def saved_collector():
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)
    gc.unfreeze()


def test_the_first_generation_grows_to_the_threshold_and_the_loaded_objects_are_frozen(
    saved_collector,
):
    second, third = gc.get_threshold()[1:]
    wsgi.tune_collector(50_000)
    assert gc.get_threshold() == (50_000, second, third)
    assert gc.get_freeze_count() > 0


def test_zero_keeps_pythons_settings(saved_collector):
    gc.unfreeze()
    before = gc.get_threshold()
    wsgi.tune_collector(0)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
