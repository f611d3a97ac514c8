"""Operations check: PostgreSQL restarted in the middle of load (not a test).

Starts ``make serve``'s gunicorn on ``--port`` against the PostgreSQL database of
``DATABASE_URL`` (built by ``bench/build_scale_data.py --demo``). ``--writers`` commune officers
(one commune each, so their saves never conflict) update their milestones' notes in a loop, each
note unique, while ``--readers`` DOST staff read the dashboard and the lists. After ``--before``
seconds the cluster restarts (``pg_ctlcluster 15 main restart``); the load goes on ``--after``
seconds. Prints the requests that failed and when, how long after the restart the application
answered again, and whether every acknowledged write (a save answered by the redirect) is in the
database (each save writes a history row with its note). Ends with ``pg_lsclusters``.

    DATABASE_URL=postgres://qms:qms@127.0.0.1:5432/qms_load DEMO_PASSWORD=... \\
        .venv/bin/python bench/ops_pg_restart.py [--port 8104]
"""

import argparse
import datetime
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms_rollout.settings")
os.environ.setdefault("QMS_AS_OF", "2017-12-15")

from bench.servers import csrf, environment, prepare, server, sign_in  # noqa: E402

CLUSTER = ["15", "main"]


class Log:
    """Every request's time, page and outcome; the acknowledged notes."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests: list[tuple[float, str, bool]] = []
        self.acknowledged: list[str] = []

    def add(self, page: str, ok: bool) -> None:
        with self.lock:
            self.requests.append((time.perf_counter(), page, ok))


def _get(session, url, log, page):
    try:
        response = session.get(url, timeout=30)
    except requests.RequestException:
        log.add(page, False)
        return None
    log.add(page, response.status_code == 200)
    return response if response.status_code == 200 else None


def _after_today(day: str) -> bool:
    """Whether ``day`` (dd/mm/yyyy, or empty) is after the pinned day of the server."""
    if not day:
        return False
    d, m, y = (int(part) for part in day.split("/"))
    return datetime.date(y, m, d) > datetime.date.fromisoformat(os.environ["QMS_AS_OF"])


def writer(base, code, password, log, stop, number, ready):
    session = sign_in(base, f"commune-{code}", password)
    html = session.get(f"{base}/communes/{code}/", timeout=60).text
    milestones = sorted(set(re.findall(r'href="/milestones/(\d+)/', html)))
    assert milestones, f"no milestone on the page of {code}"
    ready.wait()
    i = 0
    while not stop.is_set():
        i += 1
        pk = milestones[i % len(milestones)]
        page = _get(session, f"{base}/milestones/{pk}/", log, "milestone page")
        if page is None:
            time.sleep(0.2)
            continue
        fields = dict(re.findall(r'name="(version|completed_on)"[^>]*value="([^"]*)"', page.text))
        status = re.search(r'<option value="([a-z_]+)"[^>]*selected', page.text)
        if _after_today(fields.get("completed_on", "")):
            # Steps of the demo done after the pinned day (QMS_AS_OF): the form rightly refuses a
            # completion date in the future; the writers change the others.
            continue
        note = f"ops-restart-{number}-{i}"
        data = {
            "csrfmiddlewaretoken": csrf(session),
            "version": fields.get("version", ""),
            "status": status.group(1) if status else "in_progress",
            "completed_on": fields.get("completed_on", ""),
            "note": note,
        }
        answer = "no answer"
        try:
            response = session.post(
                f"{base}/milestones/{pk}/",
                data,
                headers={"Referer": f"{base}/milestones/{pk}/"},
                allow_redirects=False,
                timeout=30,
            )
            where = response.headers.get("Location", "")
            answer = str(response.status_code)
            ok = response.status_code == 302 and where.startswith(f"/milestones/{pk}/")
            if response.status_code == 302 and not ok:
                print(f"save {note}: redirected to {where}")
            if response.status_code == 200:  # the form again, with what was refused
                errors = re.findall(
                    r'class="[^"]*(?:invalid-feedback|alert-danger)[^"]*"[^>]*>([^<]+)',
                    response.text,
                )
                print(f"save {note} refused: {'; '.join(e.strip() for e in errors)[:200]}")
        except requests.RequestException:
            ok = False
        log.add("milestone save" if ok else f"milestone save ({answer})", ok)
        if ok:
            with log.lock:
                log.acknowledged.append(note)
        time.sleep(0.2)


def reader(base, password, log, stop, ready):
    session = sign_in(base, "dost", password)
    ready.wait()
    pages = ["/dashboard/", "/communes/", "/milestones/"]
    i = 0
    while not stop.is_set():
        i += 1
        _get(session, f"{base}{pages[i % len(pages)]}", log, pages[i % len(pages)])
        time.sleep(0.3)


def summary(log: Log, restart_at: float, restart_done: float) -> None:
    failures = [(t - restart_at, page) for t, page, ok in log.requests if not ok]
    print(f"{len(log.requests)} requests, {len(failures)} failed:")
    for offset, page in failures:
        print(f"  {offset:+6.2f}s after the restart began: {page}")
    last_failure = max((t for t, _p, ok in log.requests if not ok), default=restart_at)
    back = min((t for t, _p, ok in log.requests if ok and t > last_failure), default=None)
    print(f"pg_ctlcluster restart took {restart_done - restart_at:.2f}s")
    if back is not None:
        print(f"answering again {back - restart_at:.2f}s after the restart began")


def lost_writes(log: Log) -> int:
    from django.db import connections

    from roadmap.models import Milestone

    connections.close_all()  # this process's connection did not survive the restart

    notes = set(
        Milestone.history.filter(note__startswith="ops-restart-").values_list("note", flat=True)
    )
    lost = [n for n in log.acknowledged if n not in notes]
    if lost:
        print("missing:", ", ".join(lost))
    print(
        f"{len(log.acknowledged)} acknowledged saves, {len(notes)} history rows with their "
        f"notes; acknowledged but missing: {len(lost)}"
    )
    return len(lost)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8104)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--before", type=float, default=6)
    parser.add_argument("--after", type=float, default=15)
    args = parser.parse_args()
    password = os.environ["DEMO_PASSWORD"]

    import django

    django.setup()
    from communes.models import Commune
    from roadmap.models import Milestone

    Milestone.history.filter(note__startswith="ops-restart-").delete()
    codes = list(
        Commune.objects.filter(
            officers__username__startswith="commune-",
            province__code="83",
            participations__isnull=False,
        )
        .values_list("code", flat=True)
        .distinct()
        .order_by("code")[: args.writers]
    )
    log, stop = Log(), threading.Event()
    with tempfile.TemporaryDirectory() as tmp:
        env = environment(media_root=Path(tmp) / "media", static_root=Path(tmp) / "static")
        prepare(env)
        with server(env, args.port, workers=2, log=Path(tmp) / "server.log") as base:
            ready = threading.Barrier(len(codes) + args.readers + 1)  # signed in, then load
            threads = [
                threading.Thread(target=writer, args=(base, code, password, log, stop, n, ready))
                for n, code in enumerate(codes)
            ]
            threads += [
                threading.Thread(target=reader, args=(base, password, log, stop, ready))
                for _i in range(args.readers)
            ]
            for t in threads:
                t.start()
            ready.wait()
            time.sleep(args.before)
            restart_at = time.perf_counter()
            subprocess.run(["pg_ctlcluster", *CLUSTER, "restart"], check=True)
            restart_done = time.perf_counter()
            time.sleep(args.after)
            stop.set()
            for t in threads:
                t.join()
    summary(log, restart_at, restart_done)
    lost = lost_writes(log)
    print(subprocess.run(["pg_lsclusters"], capture_output=True, text=True).stdout.strip())
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
