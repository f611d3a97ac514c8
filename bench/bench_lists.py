"""Benchmark: the commune and milestone lists at 45 communes and at 10,000.

Builds the rollout of ``bench/fixtures.py`` in a fresh test database (SQLite in memory by
default; with ``DATABASE_URL`` set, a test database next to that one, dropped at the end), signs
in as a DOST staff member (who sees every commune) and prints, for each list request, the median
wall and CPU time of ``--runs`` requests and the number of queries, first at 45 communes, then
after growing the rollout to ``--large`` communes. Search, filters, Vietnamese order and the page
are the database's: the queries are the same at both sizes, the time grows only with what the
database scans. It is not a test (``bench/test_list_scaling.py`` is).

    .venv/bin/python bench/bench_lists.py [--runs 7] [--large 10000]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms_rollout.settings")
os.environ.setdefault("QMS_AS_OF", "2017-12-15")

REQUESTS = [
    ("communes", "/communes/"),
    ("communes, searched, overdue", "/communes/?q=phu&overdue=1"),
    ("communes, page 40", "/communes/?page=40"),
    ("milestones", "/milestones/"),
    ("milestones, searched, in progress", "/milestones/?q=hoa+danh+gia&status=in_progress"),
    ("milestones, overdue", "/milestones/?overdue=1"),
]


def timed(client, url: str, runs: int):
    """Median wall and CPU milliseconds of ``runs`` GETs of ``url``, and its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    walls, cpus = [], []
    for _i in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(walls), statistics.median(cpus), len(queries)


def measure(client, communes: int, runs: int) -> None:
    print(f"\n{communes:,} communes ({communes * 4:,} milestones)")
    print(f"  {'request':36} {'median':>9} {'CPU':>9} {'queries':>8}")
    for label, url in REQUESTS:
        wall, cpu, queries = timed(client, url, runs)
        print(f"  {label:36} {wall:7.0f}ms {cpu:7.0f}ms {queries:8}")
    print(f"  {'(before: the figures of every commune)':36} {figures_of_all():7.0f}ms")


def figures_of_all() -> float:
    """Milliseconds of ``metrics.compute`` over every participation: what the commune list
    computed on each request before it paged in the database (its search then ran in Python)."""
    from reports import metrics
    from roadmap.models import Participation

    started = time.perf_counter()
    metrics.compute(Participation.objects.all())
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed requests per list")
    parser.add_argument("--large", type=int, default=10_000, help="communes of the second run")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    settings.DEBUG = False
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        from bench.fixtures import add_communes, reader

        db = settings.DATABASES["default"]
        print(
            f"Database: {db['ENGINE'].rsplit('.', 1)[-1]}; as of {settings.QMS_AS_OF}; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}."
        )
        add_communes(45)
        client = Client()
        client.force_login(reader())
        client.get("/communes/")  # warm-up: templates, translations, the session
        measure(client, 45, args.runs)
        started = time.perf_counter()
        add_communes(args.large - 45)
        print(f"\n(grown to {args.large:,} communes in {time.perf_counter() - started:.1f}s)")
        measure(client, args.large, args.runs)
    finally:
        teardown_databases(databases, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
