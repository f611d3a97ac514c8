"""Benchmark: the consultant's spreadsheet of 10,000 milestone rows, previewed then applied.

Builds its own SQLite database in a temporary directory (migrated, then ``--communes`` communes
with a roadmap of ``--steps`` steps each, bulk-created), writes an .xlsx changing every
milestone, and times, through ``imports.services`` as the pages call it:

- the preview (file read, every row checked, what would change: no write, no lock) with its
  number of queries;
- the confirmation (the file checked again, the versions compared, the milestones and their
  history written in bulk in one transaction);
- the peak memory of the process (``ru_maxrss``) and the peak Python allocation of each step
  (tracemalloc, in a second, separate run of the same step so that it does not slow the timing);
- meanwhile, in another thread with its own connection, a commune officer saving a milestone
  outside the file through ``milestone_update_status`` again and again: the longest wait.

Budgets (issue 14): preview <= 5 s, apply <= 10 s, <= 300 MB, a concurrent save <= 1 s. The
CPU time of the importing thread is printed beside the wall time: on a machine shared with other
work, the wall time grows with the load, the CPU time does not. It is not a test; it prints
figures.

    .venv/bin/python bench/bench_milestone_import.py [--communes 1000] [--steps 10]
"""

import argparse
import datetime
import os
import resource
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="bench-import-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(WORK / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms_rollout.settings")
os.environ.setdefault("QMS_AS_OF", "2017-12-15")

STATUSES = ["Hoàn thành", "Đang thực hiện", "Vướng mắc", "Chưa bắt đầu"]


def build(communes: int, steps: int):
    """A province, 10 districts, ``communes`` communes in one programme, ``steps`` milestones
    each, one more commune outside the file (the officer's), and a DOST user."""
    from accounts.models import User
    from communes.models import Commune, District, Province
    from roadmap.models import Milestone, Participation, Programme, RoadmapStep, RoadmapTemplate

    province = Province.objects.create(code="83", name="Tỉnh Bến Tre")
    districts = District.objects.bulk_create(
        District(code=f"9{i:02d}", name=f"Huyện Thử {i + 1}", province=province) for i in range(10)
    )
    units = Commune.objects.bulk_create(
        Commune(
            code=f"{10000 + i:05d}",
            name=f"Xã Thử Số {i + 1}",
            district=districts[i % 10],
            province=province,
        )
        for i in range(communes + 1)
    )
    start = datetime.date(2017, 8, 8)
    programme = Programme.objects.create(
        name="Đợt thử tải", province=province, year_start=2017, year_end=2019, start_date=start
    )
    template = RoadmapTemplate.objects.create(name="Lộ trình thử tải", kind="new")
    roadmap = RoadmapStep.objects.bulk_create(
        RoadmapStep(
            template=template, order=i, name=f"Bước số {i}", offset_days=0, duration_days=14
        )
        for i in range(1, steps + 1)
    )
    parts = Participation.objects.bulk_create(
        Participation(programme=programme, commune=c, template=template, start_date=start)
        for c in units
    )
    Milestone.objects.bulk_create(
        (
            Milestone(participation=p, step=s, planned_start=start, due_date=start)
            for p in parts
            for s in roadmap
        ),
        batch_size=2000,
    )
    dost = User.objects.create(username="so-khcn", role=User.Role.DOST_STAFF)
    officer = User.objects.create(
        username="can-bo-xa", role=User.Role.COMMUNE_OFFICER, commune=units[-1]
    )
    outside = Milestone.objects.filter(participation=parts[-1]).order_by("pk").first()
    return dost, officer, outside, [c.code for c in units[:-1]]


def spreadsheet(codes, steps: int) -> bytes:
    """One row per commune and step, every milestone changed (statuses in turn)."""
    from imports.tests.helpers import xlsx_bytes

    rows = [["Mã xã", "Bước", "Trạng thái", "Ngày hoàn thành", "Ghi chú"]]
    for n, code in enumerate(codes):
        for step in range(1, steps + 1):
            status = STATUSES[(n + step) % 3]
            done = status == "Hoàn thành"
            rows.append([code, step, status, "01/09/2017" if done else "", f"Ghi chú {n}"])
    return xlsx_bytes(rows)


class Officer(threading.Thread):
    """Saves one milestone again and again until stopped; records how long each save took."""

    def __init__(self, milestone_pk, user):
        super().__init__(daemon=True)
        self.milestone_pk, self.user = milestone_pk, user
        self.waits: list[float] = []
        self.errors: list[str] = []
        self.stop = threading.Event()

    def run(self):
        from django.db import connection

        from roadmap.models import Milestone
        from roadmap.services import milestone_update_status

        notes = ["Đang chờ", "Đã xong phần 1"]
        try:
            while not self.stop.is_set():
                milestone = Milestone.objects.get(pk=self.milestone_pk)
                began = time.perf_counter()
                milestone_update_status(
                    milestone=milestone,
                    by=self.user,
                    status=Milestone.Status.IN_PROGRESS,
                    completed_on=None,
                    note=notes[len(self.waits) % 2],
                    expected_version=milestone.version,
                )
                self.waits.append(time.perf_counter() - began)
                time.sleep(0.05)
        except Exception as exc:
            self.errors.append(repr(exc))
        finally:
            connection.close()


def measured(label, work, officer_args):
    """Run ``work()`` with the officer saving meanwhile; print time, queries and waits."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officer = Officer(*officer_args)
    officer.start()
    time.sleep(0.2)
    with CaptureQueriesContext(connection) as queries:
        began, cpu = time.perf_counter(), time.thread_time()
        result = work()
        elapsed, cpu = time.perf_counter() - began, time.thread_time() - cpu
    time.sleep(0.2)
    officer.stop.set()
    officer.join()
    waits = officer.waits or [0.0]
    print(
        f"{label:8} {elapsed:6.2f} s (CPU {cpu:5.2f} s) {len(queries):5d} queries; officer: "
        f"{len(officer.waits)} "
        f"saves, longest wait {max(waits) * 1000:6.0f} ms  {' '.join(officer.errors)}"
    )
    return result, elapsed, max(waits)


def peak_allocation(work) -> float:
    tracemalloc.start()
    work()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from imports import services
    from roadmap.models import Milestone

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the figures' cache, which a write renews
    began = time.perf_counter()
    dost, officer, outside, codes = build(args.communes, args.steps)
    data = spreadsheet(codes, args.steps)
    print(
        f"{len(codes) * args.steps} rows ({len(data) / 1024:.0f} kB .xlsx), "
        f"{Milestone.objects.count()} milestones; built in {time.perf_counter() - began:.1f} s; "
        f"RSS {rss_mb():.0f} MB"
    )
    upload = services.upload_store(kind="milestones", filename="tien-do.xlsx", data=data)

    def preview():
        return services.import_preview(
            kind="milestones", data=data, filename=upload.filename, user=dost, token=upload.token
        )

    def apply():
        return services.import_apply(
            kind="milestones", data=data, filename=upload.filename, user=dost, token=upload.token
        )

    in_file = Milestone.history.exclude(id=outside.pk)
    history = in_file.count()
    report, preview_s, preview_wait = measured("preview", preview, (outside.pk, officer))
    assert report.ok, report.errors[:3]
    assert in_file.count() == history, "the preview wrote history"
    rss_preview = rss_mb()
    report, apply_s, apply_wait = measured("apply", apply, (outside.pk, officer))
    assert report.ok and report.written, report.errors[:3]
    rss_apply = rss_mb()
    print(f"counts {report.counts}; history rows now {Milestone.history.count()}")
    print(
        f"peak RSS of the process: after preview {rss_preview:.0f} MB, after apply {rss_apply:.0f} MB"
    )
    preview_peak = peak_allocation(preview)
    print(f"peak Python allocation (tracemalloc): preview {preview_peak:.0f} MB")
    verdict = [
        ("preview <= 5 s", preview_s <= 5),
        ("apply <= 10 s", apply_s <= 10),
        ("memory <= 300 MB", rss_apply <= 300),
        ("concurrent save <= 1 s", max(preview_wait, apply_wait) <= 1),
    ]
    print("budgets: " + ", ".join(f"{name}: {'ok' if ok else 'OVER'}" for name, ok in verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
