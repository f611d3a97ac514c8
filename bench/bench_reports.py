"""Benchmark: generating the progress reports (PDF and Excel), cold and from the cache.

Uses the Django test client in-process against a database holding the demo (``load_demo``), as
of 15/12/2017, signed in as the demo's manager. Prints, for the province report of the demo:
the median time of a generation (the cache emptied before each request) and of a second
download when nothing changed (served from the cache), with the CPU time of the process beside
the wall time (other work on the machine shows in the wall time only). Then it adds a synthetic
programme of ``--synthetic`` communes (default 1,000, in 10 districts, bulk-created, inside a
transaction that is rolled back at the end) and times the reports again (the large province
report through ``?build=1``, the request its "being generated" page makes). It is not a test.

    export DATABASE_URL=sqlite:////tmp/bench.sqlite3
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_demo
    .venv/bin/python bench/bench_reports.py [--runs 7] [--synthetic 1000]

Without ``DATABASE_URL`` it uses the project's default database, which must hold the demo.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms_rollout.settings")
os.environ.setdefault("QMS_AS_OF", "2017-12-15")


def timed(client, url, *, runs, cold):
    """Median wall and CPU milliseconds of ``runs`` GETs of ``url``, and the last response."""
    from django.core.cache import cache

    walls, cpus, response = [], [], None
    for _i in range(runs):
        if cold:
            cache.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        assert response["X-Report-Cache"] == ("miss" if cold else "hit"), url
    return statistics.median(walls), statistics.median(cpus), min(walls), response


def pages(response) -> str:
    if response["Content-Type"] != "application/pdf":
        return ""
    from io import BytesIO

    from pypdf import PdfReader

    return f"{len(PdfReader(BytesIO(response.content)).pages)} pages"


def report(client, rows, *, runs):
    print(f"{'report':44} {'median':>9} {'CPU':>9} {'fastest':>9} {'size':>8}  pages")
    for label, url, cold, n in rows:
        wall, cpu, fastest, response = timed(client, url, runs=n or runs, cold=cold)
        print(
            f"{label:44} {wall:7.0f}ms {cpu:7.0f}ms {fastest:7.0f}ms "
            f"{len(response.content) / 1024:6.0f}kB  {pages(response)}"
        )


def add_synthetic_programme(n: int) -> None:
    """``n`` communes in 10 new districts, each with the new-build roadmap at some progress."""
    from communes.models import Commune, District, Province
    from core.generation import data_changed
    from roadmap.models import (
        Milestone,
        Participation,
        ParticipationKind,
        Programme,
        RoadmapTemplate,
    )
    from roadmap.totals import totals_refresh

    rng = random.Random(2017)
    as_of = datetime.date(2017, 12, 15)
    province = Province.objects.get(code="83")
    template = RoadmapTemplate.objects.filter(kind=ParticipationKind.NEW_BUILD).first()
    steps = list(template.steps.order_by("order"))
    programme = Programme.objects.create(
        name=f"Đợt thử tải {n} xã",
        province=province,
        year_start=2017,
        year_end=2019,
        start_date=datetime.date(2017, 8, 8),
    )
    districts = District.objects.bulk_create(
        District(code=f"9{i:02d}", name=f"Huyện Thử Tải {i + 1}", province=province)
        for i in range(10)
    )
    communes = Commune.objects.bulk_create(
        Commune(
            code=f"9{i:04d}",
            name=f"Xã Thử Tải Số {i + 1}",
            district=districts[i % 10],
            province=province,
        )
        for i in range(n)
    )
    parts = Participation.objects.bulk_create(
        Participation(
            programme=programme,
            commune=c,
            template=template,
            start_date=programme.start_date + datetime.timedelta(days=rng.randint(0, 20)),
        )
        for c in communes
    )
    milestones = []
    for p in parts:
        done_until = rng.randint(0, len(steps))
        for step in steps:
            start = p.start_date + datetime.timedelta(days=step.offset_days)
            due = start + datetime.timedelta(days=step.duration_days)
            done = step.order <= done_until and due <= as_of + datetime.timedelta(days=10)
            completed = min(due + datetime.timedelta(days=rng.randint(-5, 10)), as_of)
            milestones.append(
                Milestone(
                    participation=p,
                    step=step,
                    planned_start=start,
                    due_date=due,
                    status=Milestone.Status.DONE if done else Milestone.Status.NOT_STARTED,
                    completed_on=completed if done else None,
                )
            )
    Milestone.objects.bulk_create(milestones, batch_size=2000)
    totals_refresh([p.pk for p in parts])  # bulk_create sends no signal: the sums, then
    data_changed()  # the figures' generation


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed requests per report")
    parser.add_argument("--user", default="manager", help="the demo account to sign in as")
    parser.add_argument("--synthetic", type=int, default=1000, help="communes; 0 to skip")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

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
        f"user {user.username}; cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}."
    )
    client.get("/reports/province.pdf")  # warm-up: fonts, stylesheet, templates
    report(
        client,
        [
            ("province PDF, generated", "/reports/province.pdf", True, 0),
            ("province PDF, second download", "/reports/province.pdf", False, 30),
            ("province Excel, generated", "/reports/province.xlsx", True, 0),
            ("province Excel, second download", "/reports/province.xlsx", False, 30),
            ("district 834 (Giồng Trôm) PDF, generated", "/reports/districts/834/0.pdf", True, 0),
            ("commune 28873 PDF, generated", "/reports/communes/28873/0.pdf", True, 0),
        ],
        runs=args.runs,
    )
    if args.synthetic:
        with transaction.atomic():
            start = time.perf_counter()
            add_synthetic_programme(args.synthetic)
            total = Participation.objects.count()
            print(
                f"\nSynthetic programme: {args.synthetic} communes in 10 districts added in "
                f"{time.perf_counter() - start:.1f}s ({total} participations in all; rolled "
                "back at the end)."
            )
            report(
                client,
                [
                    (
                        f"province PDF ({total} communes), generated",
                        "/reports/province.pdf?build=1",
                        True,
                        2,
                    ),
                    ("province PDF, second download", "/reports/province.pdf", False, 10),
                    ("province Excel, generated", "/reports/province.xlsx?build=1", True, 2),
                    (
                        f"district 900 ({args.synthetic // 10} communes) PDF, generated",
                        "/reports/districts/900/0.pdf",
                        True,
                        2,
                    ),
                ],
                runs=args.runs,
            )
            from django.core.cache import cache

            cache.clear()
            start = time.perf_counter()
            page = client.get("/reports/province.pdf")
            print(
                f"A plain download of the large province report, not yet rendered: HTTP "
                f"{page.status_code} {page['Content-Type']} in "
                f"{(time.perf_counter() - start) * 1000:.0f}ms (the page that renders it through "
                "?build=1, then downloads it)."
            )
            transaction.set_rollback(True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
