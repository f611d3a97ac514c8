"""The data generation: a random token in the shared cache, replaced after any change to the data
the figures and reports show (``reports/signals.py``). Whatever is cached under a token (a
rendered report, :func:`reports.metrics.compute_cached`'s figures) is unreachable once it is
replaced, on every worker and server that shares the cache.

Read the token *before* the data: a change committed during a computation then leaves its result
under the old token."""

import uuid

from django.core.cache import cache

GENERATION_KEY = "reports:generation"


def data_generation() -> str:
    """The current data generation token (a new one when the cache has none)."""
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(GENERATION_KEY)
    return token


def data_changed() -> None:
    """Start a new data generation: every cached report and figure becomes unreachable."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
