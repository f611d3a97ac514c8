"""WSGI entry point.

Once the application is loaded, what it loaded (modules, URL patterns, templates) is moved out of
the garbage collector's reach (``gc.freeze``) and the collector's first generation is let grow to
``QMS_GC_THRESHOLD`` container objects (default 50,000; Python's is 700) before a collection. A
page allocates tens of thousands of short-lived objects; with Python's threshold the collector ran
a few times a page and cost about 4 ms of each page's ~45 ms of CPU, including full passes over the
figures a process keeps (issue 22: ``bench/run_bench.py``'s capacity). Reference counting still
frees almost everything at once; the collector only finds cycles. ``QMS_GC_THRESHOLD=0`` keeps
Python's settings.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms_rollout.settings")
application = get_wsgi_application()


def tune_collector(threshold: int) -> None:
    """Freeze what is loaded and collect the first generation every ``threshold`` objects
    (0: leave Python's settings)."""
    if threshold <= 0:
        return
    gc.collect()
    gc.freeze()
    _first, second, third = gc.get_threshold()
    gc.set_threshold(threshold, second, third)


tune_collector(int(os.environ.get("QMS_GC_THRESHOLD", "50000") or 0))
