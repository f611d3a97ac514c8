r"""Benchmark: the dashboard's year section (``reports.views.year_context`` ->
``metrics.year_figures`` -> ``year_compliance``) on a large database.

Times, for each year asked, ``year_figures`` over every participation and the whole
``year_context`` (median of ``--runs`` after one warm-up), prints the number of queries of one
call, and with ``--profile`` the top of a cProfile of one call. It only reads the database. It
is not a test.

    DATABASE_URL=postgres://qms:qms@127.0.0.1:5432/qms_scale QMS_PROVINCE= \
    QMS_PROVINCE_PREDECESSORS= QMS_AS_OF=2017-12-15 \
        .venv/bin/python bench/bench_year_figures.py [--runs 5] [--year 2017 --year 2025] \
            [--profile] [--provinces]
"""

import argparse
import cProfile
import datetime
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms_rollout.settings")


def timed(fn, runs: int) -> tuple[float, float]:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, min(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--year", type=int, action="append")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--provinces", action="store_true", help="also the national dashboard's table by province"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core import clock
    from reports import metrics
    from reports.views import year_context
    from roadmap.models import Participation

    participations = Participation.objects.all()
    today = clock.today()
    db = settings.DATABASES["default"]
    print(
        f"Database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}; "
        f"{participations.count()} participations; today {today}"
    )
    for year in args.year or [2017, 2025]:
        # The page's as-of date: the year's last day, today in this year, 15/12 of a later year.
        as_of = datetime.date(year, 12, 15) if year > today.year else metrics.year_as_of(year)

        def figures(year=year, as_of=as_of):
            return metrics.year_figures(participations, year, today=as_of)

        def context(year=year, as_of=as_of):
            return year_context(participations, str(year), as_of)

        def provinces(year=year, as_of=as_of):
            return metrics.year_tables_by_province(participations, year, today=as_of)

        with CaptureQueriesContext(connection) as queries:
            result = figures()
        table = metrics.year_table(result)
        median, best = timed(figures, args.runs)
        print(
            f"{year} (as of {as_of}): year_figures median {median:.0f} ms, min {best:.0f} ms, "
            f"{len(queries)} queries"
        )
        median, best = timed(context, args.runs)
        print(f"{year}: year_context median {median:.0f} ms, min {best:.0f} ms")
        print("   ", [value for _label, value in table], len(result.compliance.late), "late")
        if args.provinces:
            median, best = timed(provinces, 1)
            rows = len(provinces()["rows"])
            print(f"{year}: year_tables_by_province ({rows} provinces) {median:.0f} ms")
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(context)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
