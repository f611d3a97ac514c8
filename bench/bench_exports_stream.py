"""Benchmark: the milestone list's .xlsx export against its .csv (issue 22: at most 5×).

Against the database of ``DATABASE_URL`` as it is (the demo after ``load_demo``, or a rollout
built by ``bench/build_scale_data.py``), signed in as a DOST staff member of
no territory (who sees every commune), it asks ``/milestones/?export=csv`` and ``?export=xlsx`` ``--runs`` times each, reads
each file to its last byte, and prints the median wall and CPU time, the rows and the size, then
the ratio. The file is written here as the background worker writes it (a large export is
queued; here the direct limit is lifted so that the request writes it itself); ``--worker`` also
times the path users take above the limit: queue, then the worker run in this process. It is not
a test.

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python bench/bench_exports_stream.py
    DATABASE_URL=sqlite:////tmp/scale.sqlite3 .venv/bin/python bench/bench_exports_stream.py \\
        --runs 3 --worker
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
# Every province's rows (the fixture's communes are in province 99), unless set otherwise.
os.environ.setdefault("QMS_PROVINCE", "")
os.environ.setdefault("QMS_PROVINCE_PREDECESSORS", "")

LIST = "/milestones/"


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def timed(client, fmt: str, runs: int) -> tuple[float, float, int, int]:
    """Median wall and CPU seconds of ``runs`` exports in ``fmt``; rows and bytes of the last."""
    walls, cpus, body = [], [], b""
    for _i in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(f"{LIST}?export={fmt}")
        assert response.status_code == 200, response.status_code
        body = _body(response)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), _rows(body, fmt), len(body)


def _rows(body: bytes, fmt: str) -> int:
    if fmt == "csv":
        return body.count(b"\r\n") - 1
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return sum(1 for _row in sheet.iter_rows(values_only=True)) - 1


def through_worker(client, settings) -> float:
    """Seconds from the request to the stored file: queued, then the worker (in this process)."""
    from django.core.management import call_command

    settings.QMS_EXPORT_DIRECT_MAX_ROWS = 0
    started = time.perf_counter()
    page = client.get(f"{LIST}?export=xlsx")
    assert page.status_code == 302, page.status_code
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    download = client.get(page["Location"])
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attach")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed exports per format")
    parser.add_argument("--worker", action="store_true", help="also time the worker's path")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from bench.fixtures import reader

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    settings.QMS_EXPORT_DIRECT_MAX_ROWS = 10**9  # written by this request, as the worker does
    db = settings.DATABASES["default"]
    print(
        f"Database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}."
    )
    client = Client()
    client.force_login(reader())
    client.get(f"{LIST}?export=csv&q=warm-up")
    print(f"  {'export':8} {'rows':>9} {'median':>9} {'CPU':>9} {'size':>10}")
    results = {}
    for fmt in ("csv", "xlsx"):
        wall, cpu, rows, size = timed(client, fmt, args.runs)
        results[fmt] = wall
        print(f"  {fmt:8} {rows:9,} {wall:8.2f}s {cpu:8.2f}s {size / 1024:8.0f}KB")
    ratio = results["xlsx"] / results["csv"]
    print(f"  xlsx / csv: {ratio:.1f}× (budget 5×): {'ok' if ratio <= 5 else 'OVER'}")
    if args.worker:
        print(
            f"  xlsx through the worker (queue, build, store, download): "
            f"{through_worker(client, settings):.2f}s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
