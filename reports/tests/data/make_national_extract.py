"""Write the extract of the national lists that ``test_territory_national.py`` imports.

Every province of the 2017 GSO list (63) and of the 1/7/2025 list (34); the units of the demo's
territory and of its neighbours in full (2017: 82 Tiền Giang, 83 Bến Tre, 84 Trà Vinh, 86 Vĩnh
Long; 2025: 82 Đồng Tháp, 86 Vĩnh Long), the first district and two units of every other province;
the conversion table's rows between the units kept. Run from the repository:

    .venv/bin/python reports/tests/data/make_national_extract.py ../shared/data
"""

import csv
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FULL_2017 = {"82", "83", "84", "86"}
FULL_2025 = {"82", "86"}
HEADERS_2017 = ["Tỉnh / Thành Phố", "Mã TP", "Quận Huyện", "Mã QH", "Phường Xã", "Mã PX", "Cấp"]
HEADERS_2025 = ["Tỉnh / Thành Phố", "Mã TP", "Phường Xã", "Mã PX", "Cấp"]


def write(path, headers, rows):
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerows(rows)


def main(data: Path):
    units_2017 = json.loads((data / "gso-admin-units-2017-08-18.json").read_text("utf-8"))
    units_2025 = json.loads((data / "nso-admin-units-2025-07-01.json").read_text("utf-8"))
    rows = []
    for p in units_2017:
        districts = p["level2s"] if p["level1_id"] in FULL_2017 else p["level2s"][:1]
        for d in districts:
            communes = d["level3s"] if p["level1_id"] in FULL_2017 else d["level3s"][:2]
            for c in communes:
                rows.append(
                    [
                        p["name"],
                        p["level1_id"],
                        d["name"],
                        d["level2_id"],
                        c["name"],
                        c["level3_id"],
                        c["type"],
                    ]
                )
    write(HERE / "national-2017-extract.csv", HEADERS_2017, rows)
    kept_2017 = {r[5] for r in rows}
    rows = []
    for p in units_2025:
        wards = p["wards"] if p["code"] in FULL_2025 else p["wards"][:2]
        rows += [
            [p["name"], p["code"], w["name"], w["code"], w["type"].capitalize()] for w in wards
        ]
    write(HERE / "national-2025-extract.csv", HEADERS_2025, rows)
    kept_2025 = {r[3] for r in rows}
    with (data / "nso-ward-conversion-2025-07-01.csv").open(encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        table = [r for r in reader if r[0] in kept_2017 and r[4] in kept_2025]
    write(HERE / "national-conversion-extract.csv", header, table)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
