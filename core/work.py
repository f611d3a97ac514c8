"""Long work (a report, an export): how much of it a user runs in the web workers at once, and
how far a background task has gone.

**Per-user slots.** A web worker that renders a PDF or writes an .xlsx is held for seconds. A
user may hold at most ``QMS_USER_DIRECT_WORK`` of them at once (:func:`user_slot` counts them in
the shared cache, so every web process sees the others'); beyond that, or while the user's own
tasks already wait in the worker, the request is queued in the worker (:func:`should_queue`):
one user asking twelve PDFs at once leaves the web workers free for everyone else. The count is
kept in the cache with a timeout (a process killed mid-request frees its slot after
:data:`SLOT_SECONDS`); it guides where work runs, it guards no data.

**Progress.** A background task says how far it is (:func:`report_progress`, inside
:func:`progress_of`); its page reads it (:func:`progress`), a percentage kept in the shared cache.
"""

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress

from django.conf import settings
from django.core.cache import cache

SLOT_SECONDS = 10 * 60
PROGRESS_SECONDS = 24 * 3600
_task: contextvars.ContextVar[str | None] = contextvars.ContextVar("work_task", default=None)


def _slot_key(user_id) -> str:
    return f"work:user-slots:{user_id}"


def _progress_key(task_id) -> str:
    return f"work:task-progress:{task_id}"


def direct_limit() -> int:
    """How many long requests a user may have rendered by the web workers at once."""
    return getattr(settings, "QMS_USER_DIRECT_WORK", 2)


def slots_in_use(user_id) -> int:
    """How many long requests of ``user_id`` the web workers are rendering now."""
    return max(cache.get(_slot_key(user_id)) or 0, 0)


@contextmanager
def user_slot(user_id):
    """Count the block as one of ``user_id``'s long requests rendered by a web worker."""
    key = _slot_key(user_id)
    cache.add(key, 0, timeout=SLOT_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=SLOT_SECONDS)
    try:
        yield
    finally:
        with suppress(ValueError):
            cache.decr(key)


def should_queue(user_id, waiting_tasks: int) -> bool:
    """Whether a long request of ``user_id`` goes to the worker: the user already has
    :func:`direct_limit` requests in the web workers, or tasks of their own waiting."""
    return waiting_tasks > 0 or slots_in_use(user_id) >= direct_limit()


def in_task() -> bool:
    """Whether the code runs inside a background task (:func:`progress_of`)."""
    return _task.get() is not None


@contextmanager
def progress_of(task_id):
    """Inside the block, :func:`report_progress` is that of the task ``task_id``."""
    token = _task.set(str(task_id))
    cache.set(_progress_key(task_id), 0, timeout=PROGRESS_SECONDS)
    try:
        yield
    finally:
        _task.reset(token)


def report_progress(percent: int) -> None:
    """Record that the current task (if any) is ``percent`` done."""
    task_id = _task.get()
    if task_id is not None:
        cache.set(_progress_key(task_id), max(0, min(int(percent), 100)), PROGRESS_SECONDS)


def counted(rows: Iterable, total: int, *, start=0, end=100) -> Iterator:
    """``rows`` unchanged; inside a task, the progress goes from ``start`` to ``end`` % as
    the ``total`` rows pass (written each 2 % of them, at most every 2,000 rows)."""
    if not in_task() or total <= 0:
        yield from rows
        return
    every = min(2000, max(1, total // 50))
    for n, row in enumerate(rows, start=1):
        if n % every == 0:
            report_progress(start + (end - start) * min(n, total) // total)
        yield row


def progress(task_id) -> int | None:
    """How far the task ``task_id`` is, in %, or None when it has not said."""
    return cache.get(_progress_key(task_id))
