"""Load test runner: ``make serve``'s gunicorn, then locust (``bench/locustfile.py``) against it.

The database of ``DATABASE_URL`` is built by ``bench/build_scale_data.py --communes 1000 --demo``
(the demo and its accounts, 1,000 participating communes in all, an officer for each). Runs
locust headless, 30 users for 90 seconds, and prints its per-page table (median, p95, failures)
and the figures against the budget (p95 at most 300 ms, no failure). Users arrive ``--rate`` a
second and sign in as they arrive (a password hash each, ~0.2 s of CPU with Argon2); the figures count the
90 seconds after the last one arrived (``--reset-stats``), the mix of the issue.

    DATABASE_URL=postgres://qms:qms@127.0.0.1:5432/qms_load DEMO_PASSWORD=... \\
        .venv/bin/python bench/load_test.py [--port 8104] [--workers 5]
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.servers import VENV_BIN, environment, prepare, server  # noqa: E402

P95_MS = 300


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8104)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 5)))
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=90)
    # Users arrive at this many a second: each signs in first (a password hash, about 0.2 s of
    # CPU), so 30 sign-ins at once would hold both cores for seconds.
    parser.add_argument("--rate", type=float, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = environment(media_root=tmp / "media", static_root=tmp / "static")
        prepare(env)
        with server(env, args.port, workers=args.workers, log=tmp / "server.log") as base:
            locust = subprocess.run(
                [
                    str(VENV_BIN / "locust"),
                    "-f",
                    "bench/locustfile.py",
                    "--headless",
                    "-u",
                    str(args.users),
                    "-r",
                    str(args.rate),
                    "-t",
                    f"{args.seconds + int(args.users / args.rate) + 10}s",
                    # Sign-ins happen while users arrive; the figures count the mix after.
                    "--reset-stats",
                    "-H",
                    base,
                    "--csv",
                    str(tmp / "load"),
                    "--only-summary",
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            print(locust.stderr[-6000:])
        with open(tmp / "load_stats.csv") as stats:
            rows = list(csv.DictReader(stats))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    p95, failures = float(total["95%"]), int(total["Failure Count"])
    print(
        f"{args.users} users (arriving {args.rate:g}/s), {args.seconds}s, "
        f"{args.workers} gunicorn workers: "
        f"{total['Request Count']} requests, median {total['50%']}ms, p95 {p95:.0f}ms "
        f"(≤{P95_MS}ms: {'ok' if p95 <= P95_MS else 'OVER BUDGET'}), {failures} failures "
        f"({'ok' if failures == 0 else 'FAILED'})"
    )
    return 0 if p95 <= P95_MS and failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
