"""Benchmark: nation scale against the issue's budgets (not a test).

Runs against the database of ``DATABASE_URL`` built by ``bench/build_scale_data.py`` (10,000
participating communes, ~120,000 milestones, PostgreSQL) and prints, each beside its budget:

- the median time of each list and dashboard page (the Django test client, in-process, signed in
  as DOST staff) against the admin changelist of the same table (at most 3 times), and the time
  of its first request after a change to the data (the figures recomputed, not from the cache);
- the province report (PDF, then Excel) built by the real worker (``manage.py db_worker --batch``
  in a child process), its time in the worker (the task's start to finish, at most 10 s for the
  PDF) and the worker's peak memory (``resource.getrusage(RUSAGE_CHILDREN)``, at most 300 MB);
- the export of all milestones (``/milestones/?export=csv``, read to the end: at most 5 s), and
  the same as .xlsx for information.

    DATABASE_URL=postgres://qms:qms@127.0.0.1:5432/qms_scale \\
        .venv/bin/python bench/bench_scale.py [--runs 5]
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms_rollout.settings")
os.environ.setdefault("QMS_AS_OF", "2017-12-15")

# The worker (manage.py db_worker ...) printing its own peak resident memory (kB) when it ends:
# a child's RUSAGE_CHILDREN figure would count the memory of this process it was forked from.
WORKER = (
    "import resource, sys; from django.core.management import execute_from_command_line; "
    "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'qms_rollout.settings'); "
    "execute_from_command_line(['manage.py', *sys.argv[1:]]); "
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
)
PAGES = [  # label, page, admin changelist of the same table
    ("dashboard", "/dashboard/", "/admin/roadmap/participation/"),
    ("commune list", "/communes/", "/admin/roadmap/participation/"),
    ("commune list, searched", "/communes/?q=phu&overdue=1", "/admin/roadmap/participation/"),
    ("district page (1,000 communes)", "/districts/900/0/", "/admin/roadmap/participation/"),
    ("milestone list", "/milestones/", "/admin/roadmap/milestone/"),
    ("milestone list, overdue", "/milestones/?overdue=1", "/admin/roadmap/milestone/"),
    ("findings", "/findings/", "/admin/audits/finding/"),
    ("corrective actions", "/corrective-actions/", "/admin/audits/correctiveaction/"),
    ("procedures", "/procedures/", "/admin/procedures/procedure/"),
]
PAGE_FACTOR = 3
PDF_SECONDS = 10
EXPORT_SECONDS = 5
WORKER_MB = 300
SLOW_MS = 5000


def median_ms(client, url: str, runs: int) -> tuple[float, int]:
    """Median wall milliseconds of ``runs`` GETs of ``url`` (after one warm-up) and its size;
    a page slower than :data:`SLOW_MS` is timed once (its warm-up)."""
    return timed(client, url, runs)[1:]


def timed(client, url: str, runs: int) -> tuple[float, float, int]:
    """:func:`median_ms` with, first, the time of the warm-up after a change to the data (a new
    data generation: the cached figures unreachable, what the first reader after a change
    waits)."""
    from core.generation import data_changed

    data_changed()
    started = time.perf_counter()
    response = client.get(url)
    first = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    if first > SLOW_MS:
        return first, first, len(response.content)
    walls = []
    for _i in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        walls.append((time.perf_counter() - started) * 1000)
    return first, statistics.median(walls), len(response.content)


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER BUDGET"


def pages(client, runs: int) -> None:
    print(
        f"\n{'page':34} {'median':>8} {'admin':>8} {'ratio':>6} {'size':>7}  (budget ≤{PAGE_FACTOR}×)"
        "   after a change"
    )
    admin_times = {}
    for label, url, admin_url in PAGES:
        cold, ms, size = timed(client, url, runs)
        if admin_url not in admin_times:
            admin_times[admin_url] = median_ms(client, admin_url, runs)[0]
        ratio = ms / admin_times[admin_url]
        print(
            f"{label:34} {ms:6.0f}ms {admin_times[admin_url]:6.0f}ms {ratio:5.1f}× "
            f"{size / 1024:5.0f}kB  {verdict(ratio <= PAGE_FACTOR):11} {cold:6.0f}ms"
        )


def worker_report(user, fmt: str) -> None:
    """The province report built by ``db_worker`` in a child process: time and peak memory."""
    from core.generation import data_changed
    from reports.tasks import build_report

    data_changed()  # nothing from the cache
    result = build_report.enqueue(
        user_id=user.pk, level="province", code="tinh", fmt=fmt, language="vi"
    )
    started = time.perf_counter()
    worker = subprocess.run(
        [sys.executable, "-c", WORKER, "db_worker", "--batch", "--no-startup-delay", "-v0"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    result.refresh()
    assert result.status == "SUCCESSFUL", (result.status, result.errors)
    in_worker = (result.finished_at - result.started_at).total_seconds()
    peak_mb = int(worker.stdout.split()[-1]) / 1024
    from django.core.files.storage import default_storage

    size = default_storage.size(result.return_value["path"])
    budget = f"≤{PDF_SECONDS}s" if fmt == "pdf" else "(no budget)"
    ok = in_worker <= PDF_SECONDS or fmt != "pdf"
    print(
        f"province {fmt:4} in the worker {in_worker:6.1f}s {budget:11} {verdict(ok):11} "
        f"(worker process {wall:.1f}s with start-up; {size / 1024:.0f}kB)"
    )
    print(f"  worker peak memory {peak_mb:6.0f}MB (≤{WORKER_MB}MB) {verdict(peak_mb <= WORKER_MB)}")


def export(client, fmt: str) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(f"/milestones/?export={fmt}")
    size = sum(len(chunk) for chunk in response.streaming_content)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ok = seconds <= EXPORT_SECONDS or fmt != "csv"
    budget = f"≤{EXPORT_SECONDS}s" if fmt == "csv" else "(no budget)"
    print(
        f"all milestones .{fmt:4} {seconds:6.1f}s {budget:11} {verdict(ok):11} "
        f"(CPU {cpu:.1f}s; {size / 1024 / 1024:.1f}MB; this process's peak memory {peak:.0f}MB)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page")
    parser.add_argument("--skip", default="", help="comma-separated: pages,worker,export")
    args = parser.parse_args()
    skip = set(args.skip.split(","))

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from accounts.models import User
    from roadmap.models import Milestone, Participation

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user, _new = User.objects.get_or_create(
        username="bench-admin",
        defaults={"role": User.Role.DOST_STAFF, "is_staff": True, "is_superuser": True},
    )
    client = Client()
    client.force_login(user)
    db = settings.DATABASES["default"]
    print(
        f"Database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}; "
        f"{Participation.objects.count():,} participations, {Milestone.objects.count():,} "
        f"milestones; as of {settings.QMS_AS_OF}; {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}."
    )
    if "pages" not in skip:
        pages(client, args.runs)
    print()
    if "export" not in skip:
        export(client, "csv")
        export(client, "xlsx")
    if "worker" not in skip:
        worker_report(user, "pdf")
        worker_report(user, "xlsx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
