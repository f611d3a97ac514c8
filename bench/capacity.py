"""Capacity: the highest arrival rate at which p95 <= 300 ms with no failure (not a test).

Starts the production server as ``make serve`` does (gunicorn, DEBUG off, ``bench/servers.py``)
on the database of ``DATABASE_URL``, then ``bench/locust_capacity.py`` (Locust, in the bench's
own environment ``.venv-bench``: ``make bench`` makes it) steps the arrival rate. Meanwhile it
reads from ``/proc`` the CPU time of gunicorn (master and workers), of PostgreSQL (every
``postgres`` process) and of the load generator, and prints for each stage the rate asked and
got, median and p95, failures and the CPU milliseconds per request of each.

``bench/run_bench.py`` calls :func:`run` with the plan it made from the database (accounts,
communes, milestones); it is not run on its own.
"""

import json
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings

from bench.servers import environment, prepare, server

ROOT = Path(__file__).resolve().parent.parent
LOCUST = ROOT / ".venv-bench" / "bin" / "locust"
P95_MS = 300
TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(command name, parent pid, CPU seconds) of a process, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


class CpuMeter(threading.Thread):
    """Samples, twice a second, the CPU seconds used so far by the process trees of the given
    roots (gunicorn, locust) and by every ``postgres`` process; a process that ended keeps the
    last figure read of it."""

    def __init__(self, roots: dict[str, int]):
        super().__init__(daemon=True)
        self.roots = roots
        self.seen: dict[int, tuple[str, float]] = {}  # pid -> (group, CPU seconds)
        self.samples: list[tuple[float, dict[str, float]]] = []
        self.stop = threading.Event()

    def sample(self) -> None:
        stats = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit() and (stat := _stat(int(entry.name))):
                stats[int(entry.name)] = stat
        group_of = {pid: group for group, pid in self.roots.items()}
        for pid, (name, _parent, _cpu) in stats.items():
            if name == "postgres":
                group_of[pid] = "postgres"
        changed = True
        while changed:  # descendants of the roots
            changed = False
            for pid, (_name, parent, _cpu) in stats.items():
                if pid not in group_of and parent in group_of and group_of[parent] != "postgres":
                    group_of[pid], changed = group_of[parent], True
        for pid, group in group_of.items():
            if pid in stats:
                self.seen[pid] = (group, stats[pid][2])
        totals: dict[str, float] = {}
        for group, cpu in self.seen.values():
            totals[group] = totals.get(group, 0.0) + cpu
        self.samples.append((time.time(), totals))

    def run(self):
        while not self.stop.is_set():
            self.sample()
            time.sleep(0.5)

    def between(self, start: float, end: float) -> dict[str, float]:
        """CPU seconds of each group between two times (the nearest samples)."""

        def at(moment):
            return min(self.samples, key=lambda s: abs(s[0] - moment))[1]

        first, last = at(start), at(end)
        return {group: last.get(group, 0.0) - first.get(group, 0.0) for group in last}


def _children(name: str) -> int:
    """The pid of this process's child running ``name``."""
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) and stat[1] == os.getpid():
            cmdline = Path(f"/proc/{entry.name}/cmdline").read_bytes()
            if name.encode() in cmdline:
                return int(entry.name)
    raise RuntimeError(f"no {name} process")


def _p(times: list[float], q: float) -> float:
    times = sorted(times)
    return times[int(q * (len(times) - 1))] if times else 0.0


def stage_rows(record: dict, meter: CpuMeter) -> list[dict]:
    rows = []
    for stage in record["stages"]:
        start, end = stage["start"], stage.get("end", stage["start"])
        requests = [r for r in record["requests"] if start <= r[0] < end]
        seconds = max(end - start, 1e-9)
        cpu = meter.between(start, end)
        n = max(len(requests), 1)
        by_page: dict[str, list[float]] = {}
        for r in requests:
            by_page.setdefault(r[1], []).append(r[2])
        rows.append(
            {
                "rate": stage["rate"],
                "got": len(requests) / seconds,
                "p50": _p([r[2] for r in requests], 0.5),
                "p95": _p([r[2] for r in requests], 0.95),
                "failures": sum(r[3] for r in requests),
                "requests": len(requests),
                "cpu_ms": {group: cpu_s * 1000 / n for group, cpu_s in cpu.items()},
                "pages": {page: (len(t), _p(t, 0.95)) for page, t in sorted(by_page.items())},
            }
        )
    return rows


def run(plan: dict, *, port: int, workers: int, rates: list[float], stage_seconds: float) -> dict:
    """The stepped open-loop test against gunicorn on ``port``; prints and returns the stages
    and the best rate within the budget."""
    with tempfile.TemporaryDirectory(prefix="bench-capacity-") as tmp:
        tmp = Path(tmp)
        # This process's secret key: the sessions of the plan were signed with it.
        env = environment(
            media_root=tmp / "media", static_root=tmp / "static", SECRET_KEY=settings.SECRET_KEY
        )
        prepare(env)
        plan = {
            **plan,
            "users": 100,
            "warmup_rate": rates[0],
            "warmup_seconds": 15,
            "stages": [(rate, stage_seconds) for rate in rates],
        }
        (tmp / "plan.json").write_text(json.dumps(plan))
        locust_env = {
            **env,
            "CAPACITY_PLAN": str(tmp / "plan.json"),
            "CAPACITY_RESULTS": str(tmp / "results.json"),
        }
        with server(env, port, workers=workers, log=tmp / "server.log") as base:
            locust = subprocess.Popen(
                [str(LOCUST), "-f", "bench/locust_capacity.py", "--headless", "-H", base]
                + ["--only-summary", "--loglevel", "WARNING"],
                cwd=ROOT,
                env=locust_env,
                stdout=subprocess.DEVNULL,
                stderr=open(tmp / "locust.log", "w"),  # noqa: SIM115 (closed with the process)
            )
            meter = CpuMeter({"gunicorn": _children("gunicorn"), "locust": locust.pid})
            meter.start()
            locust.wait()
            meter.sample()
            meter.stop.set()
        if not (tmp / "results.json").exists():
            print((tmp / "locust.log").read_text()[-3000:])
            raise RuntimeError("locust wrote no results")
        record = json.loads((tmp / "results.json").read_text())
    rows = stage_rows(record, meter)
    _print(rows, workers)
    for why, count in sorted(record["failures"].items()):
        print(f"  failed {count}×: {why}")
    if record.get("conflicts"):
        print(
            f"  {record['conflicts']} updates answered 409 (another visitor saved the milestone "
            "first: the version check, not a failure)"
        )
    good = [r for r in rows if r["p95"] <= P95_MS and r["failures"] == 0]
    return {"rows": rows, "best": max(good, key=lambda r: r["got"]) if good else None}


def _print(rows: list[dict], workers: int) -> None:
    print(
        f"\nOpen-loop capacity (gunicorn, {workers} workers, DEBUG off; the load generator on the "
        f"same machine; load average {os.getloadavg()[0]:.1f})"
    )
    print(
        f"{'asked':>7} {'got':>7} {'median':>7} {'p95':>7} {'fail':>5}   CPU ms/request: "
        "gunicorn postgres locust"
    )
    for r in rows:
        cpu = r["cpu_ms"]
        print(
            f"{r['rate']:5.0f}/s {r['got']:5.1f}/s {r['p50']:5.0f}ms {r['p95']:5.0f}ms "
            f"{r['failures']:5d}   {cpu.get('gunicorn', 0):14.1f} {cpu.get('postgres', 0):8.1f} "
            f"{cpu.get('locust', 0):6.1f}"
        )
    if rows:
        cpu = sum(rows[0]["cpu_ms"].values())
        print(
            f"CPU per request, all three ({cpu:.0f}ms at the first stage): {os.cpu_count()} cores "
            f"would serve at most {os.cpu_count() * 1000 / max(cpu, 1e-9):.0f} requests/s with "
            "nothing else running"
        )
        print("p95 of each page at the last stage (requests, ms):")
        for page, (count, p95) in rows[-1]["pages"].items():
            print(f"  {page:34} {count:5d} {p95:6.0f}ms")
