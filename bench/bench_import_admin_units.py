"""Benchmark: import the whole country (2017 GSO list) with ``manage.py import_admin_units``.

Builds an .xlsx and a .csv in the GSO layout from ../shared/data/gso-admin-units-2017-08-18.json
(63 provinces, 713 districts, 11,162 communes) in a temporary directory, migrates a fresh SQLite
database there, then times four runs of the command: first import (.xlsx), second import of the
same file (must change nothing), the .csv, and an import with one renamed commune. Goal: the
first import within 20 s. Prints figures; it is not a test. (The test suite reads an extract of
three provinces kept in communes/tests/data/, so it runs where ../shared is absent.)

    .venv/bin/python bench/bench_import_admin_units.py [--keep] [--source PATH]
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "gso-admin-units-2017-08-18.json"
HEADERS = ["Tỉnh / Thành Phố", "Mã TP", "Quận Huyện", "Mã QH", "Phường Xã", "Mã PX", "Cấp"]
GOAL_SECONDS = 20


def gso_rows(units):
    for province in units:
        for district in province["level2s"]:
            communes = district["level3s"] or [None]
            for commune in communes:
                yield [
                    province["name"],
                    province["level1_id"],
                    district["name"],
                    district["level2_id"],
                    commune["name"] if commune else "",
                    commune["level3_id"] if commune else "",
                    commune["type"] if commune else "",
                ]


def write_files(directory: Path, rows):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    xlsx = directory / "gso-2017.xlsx"
    workbook.save(xlsx)
    path_csv = directory / "gso-2017.csv"
    with path_csv.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return xlsx, path_csv


def run(env, *args):
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    elapsed = time.monotonic() - started
    if done.returncode:
        print(done.stdout, done.stderr, file=sys.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed")
    return elapsed, "\n  ".join(done.stdout.strip().splitlines())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--source", type=Path, default=SOURCE, help="the GSO list (JSON)")
    options = parser.parse_args()
    if not options.source.is_file():
        sys.exit(
            f"{options.source} is not there: the full-country benchmark needs the GSO list "
            "(give it with --source; the tests use the extract in communes/tests/data/)."
        )
    units = json.loads(options.source.read_text(encoding="utf-8"))
    rows = list(gso_rows(units))
    directory = Path(tempfile.mkdtemp(prefix="bench-gso-"))
    xlsx, path_csv = write_files(directory, rows)
    renamed = [list(r) for r in rows]
    renamed[0][4] = renamed[0][4] + " (đổi tên)"
    (directory / "renamed").mkdir()
    xlsx_renamed, _csv = write_files(directory / "renamed", renamed)

    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{directory / 'bench.sqlite3'}",
        "DEBUG": "on",
        "SECRET_KEY": "bench-only",
        "ENV_FILE": "",
    }
    print(
        f"rows: {len(rows)}  (.xlsx {xlsx.stat().st_size // 1024} KB, "
        f".csv {path_csv.stat().st_size // 1024} KB) in {directory}"
    )
    migrate, _out = run(env, "migrate", "--no-input", "-v", "0")
    print(f"migrate fresh SQLite: {migrate:.1f} s")
    first, out = run(env, "import_admin_units", "--no-progress", str(xlsx))
    print(f"first import (.xlsx): {first:.1f} s  [goal ≤ {GOAL_SECONDS} s]\n  {out}")
    second, out = run(env, "import_admin_units", "--no-progress", str(xlsx))
    print(f"second import, same file: {second:.1f} s\n  {out}")
    again_csv, out = run(env, "import_admin_units", "--no-progress", str(path_csv))
    print(f"same list as .csv: {again_csv:.1f} s\n  {out}")
    rename, out = run(env, "import_admin_units", "--no-progress", str(xlsx_renamed))
    print(f"one commune renamed: {rename:.1f} s\n  {out}")
    print("(each figure includes starting Python and Django, about 1 s)")
    print("RESULT:", "within the goal" if first <= GOAL_SECONDS else "OVER THE GOAL")
    if not options.keep:
        for path in sorted(directory.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        directory.rmdir()


if __name__ == "__main__":
    main()
