"""Benchmark: the whole country through the 2025 reorganisation, with the management commands.

From ../shared/data it writes, in a temporary directory, the 2017 GSO list (11,162 communes), the
list of 1/7/2025 (3,321 units, no districts) and the conversion table (10,565 rows) as .csv, then
on a fresh SQLite database times, each followed by a second run that must change nothing: the
2017 list; the 2025 list with ``--effective 01/07/2025``; the conversion table. The 2017 list lacks the 6 units created
between 2017 and 2025 that the table names (its old codes 03002, 03003, 03006, 03980, 03983,
03984): the table is refused as it stands (timed, with the errors counted), then imported whole
with ``--create-missing-predecessors`` (the 6 former units created without a name). Goal: the three first imports within 30 s together. Prints figures; it is
not a test.

    .venv/bin/python bench/bench_units_2025.py [--keep]
"""

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# ../shared/data next to the repository (or next to the folder of its worktrees).
DATA = next(
    (p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()),
    ROOT.parent / "shared" / "data",
)
sys.path.insert(0, str(ROOT / "bench"))
from bench_import_admin_units import HEADERS, gso_rows  # noqa: E402

HEADERS_2025 = ["Tỉnh / Thành Phố", "Mã TP", "Phường Xã", "Mã PX", "Cấp"]
GOAL_SECONDS = 30


def write_csv(path: Path, headers, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def rows_2025(provinces):
    for p in provinces:
        for w in p["wards"]:
            yield [p["name"], p["code"], w["name"], w["code"], w["type"].capitalize()]


def run(env, *args, expect_failure=False):
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    elapsed = time.monotonic() - started
    if bool(done.returncode) != expect_failure:
        print(done.stdout, done.stderr, file=sys.stderr)
        raise SystemExit(f"manage.py {' '.join(args)}: unexpected outcome")
    lines = (done.stderr if expect_failure else done.stdout).strip().splitlines()
    return elapsed, lines


def own_seconds(line: str) -> float:
    """The seconds a command reports on its last line, "(12.3 s)" or "(12,3 giây)"."""
    found = re.search(r"\((\d+[.,]\d+) (?:s|giây)\)", line)
    return float(found.group(1).replace(",", ".")) if found else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    options = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="bench-2025-"))
    units_2017 = json.loads((DATA / "gso-admin-units-2017-08-18.json").read_text("utf-8"))
    units_2025 = json.loads((DATA / "nso-admin-units-2025-07-01.json").read_text("utf-8"))
    list_2017 = write_csv(directory / "gso-2017.csv", HEADERS, list(gso_rows(units_2017)))
    list_2025 = write_csv(directory / "nso-2025.csv", HEADERS_2025, list(rows_2025(units_2025)))
    table = DATA / "nso-ward-conversion-2025-07-01.csv"
    with table.open(encoding="utf-8") as f:
        rows = sum(1 for _line in f) - 1
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{directory / 'bench.sqlite3'}",
        "DEBUG": "on",
        "SECRET_KEY": "bench-only",
        "ENV_FILE": "",
        "CACHE_URL": "locmemcache://bench",
    }
    migrate, _out = run(env, "migrate", "--no-input", "-v", "0")
    print(f"migrate fresh SQLite: {migrate:.1f} s  (in {directory})")
    steps = [
        ("2017 list, 11,162 communes", ["import_admin_units", "--no-progress", str(list_2017)]),
        (
            "2025 list, 3,321 units, --effective 01/07/2025",
            ["import_admin_units", "--no-progress", "--effective", "01/07/2025", str(list_2025)],
        ),
        (
            f"conversion table, {rows:,} rows, --create-missing-predecessors",
            [
                "import_unit_successions",
                "--effective",
                "01/07/2025",
                "--create-missing-predecessors",
                str(table),
            ],
        ),
    ]
    firsts = []
    for index, (label, args) in enumerate(steps):
        if index == 2:
            plain = [a for a in args if a != "--create-missing-predecessors"]
            refused, out = run(env, *plain, expect_failure=True)
            print(f"full table refused in {refused:.1f} s: {len(out) - 1} errors, e.g.")
            print(f"  {out[0]}")
        seconds, out = run(env, *args)
        firsts.append((seconds, own_seconds(out[-1])))
        print(f"{label}: {seconds:.1f} s\n  " + "\n  ".join(out))
        seconds, out = run(env, *args)
        print(f"  again: {seconds:.1f} s -> {out[-1]}")
    wall = sum(s for s, _own in firsts)
    own = sum(o for _s, o in firsts)
    print(f"three first imports: {wall:.1f} s wall clock, {own:.1f} s inside the commands")
    print(f"(goal ≤ {GOAL_SECONDS} s; wall clock includes starting Python and Django each time)")
    print("RESULT:", "within the goal" if own <= GOAL_SECONDS else "OVER THE GOAL")
    if not options.keep:
        shutil.rmtree(directory)


if __name__ == "__main__":
    main()
