"""Benchmark: the server time of the dashboard (and other reading pages) on the demo data.

Uses the Django test client in-process against a database holding the demo (``load_demo``), as
of 15/12/2017, signed in as the demo's DOST staff account. Each URL is requested once to warm
up (template compilation, caches), then ``--runs`` times; the script prints the median, the
fastest, the 90th percentile and the number of queries of one request. It is not a test.

    export DATABASE_URL=sqlite:////tmp/bench.sqlite3
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_demo
    .venv/bin/python bench/bench_dashboard.py [--runs 30] [--user dost] [--url /communes/ ...]

Without ``DATABASE_URL`` it uses the project's default database, which must hold the demo.
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

DEFAULT_URLS = ["/dashboard/"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed requests per URL")
    parser.add_argument("--user", default="dost", help="the demo account to sign in as")
    parser.add_argument("--url", action="append", help="a URL to time (repeatable)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from roadmap.models import Participation

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user = User.objects.filter(username=args.user).first()
    if user is None or not Participation.objects.exists():
        print(f"No demo data (user {args.user!r}): run manage.py load_demo first.", file=sys.stderr)
        return 2

    client = Client()
    client.force_login(user)
    db = settings.DATABASES["default"]
    print(
        f"Database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}; "
        f"{Participation.objects.count()} participations; as of {settings.QMS_AS_OF}; "
        f"user {user.username} ({user.get_role_display()}); {args.runs} runs per URL."
    )
    print(f"{'URL':40} {'median':>9} {'fastest':>9} {'p90':>9} {'queries':>8}")
    for url in args.url or DEFAULT_URLS:
        response = client.get(url)  # warm-up
        if response.status_code != 200:
            print(f"{url}: HTTP {response.status_code}", file=sys.stderr)
            return 1
        reset_queries()  # each request resets the log at its start: begin from an empty one
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        timings = []
        for _i in range(args.runs):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p90 = timings[max(0, int(round(0.9 * len(timings))) - 1)]
        print(
            f"{url:40} {statistics.median(timings):7.1f}ms {timings[0]:7.1f}ms "
            f"{p90:7.1f}ms {len(queries):8d}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
