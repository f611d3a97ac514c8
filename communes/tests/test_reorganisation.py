"""The 2025 reorganisation through the commands: the new list with ``--effective`` and the
conversion table (``import_unit_successions``), in the shared CSV's columns and in Vietnamese."""

import datetime
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from communes.models import Commune, District, Province, ProvinceSuccession, Succession
from imports.tests.helpers import csv_bytes

D = datetime.date
GSO = ["Tỉnh / Thành Phố", "Mã TP", "Quận Huyện", "Mã QH", "Phường Xã", "Mã PX", "Cấp"]
LIST_2017 = [
    ["Thành phố Hà Nội", "01", "Quận Ba Đình", "001", "Phường Phúc Xá", "00001", "Phường"],
    ["Thành phố Hà Nội", "01", "Quận Ba Đình", "001", "Phường Trúc Bạch", "00004", "Phường"],
    ["Tỉnh Bến Tre", "83", "Thành phố Bến Tre", "829", "Phường 2", "28777", "Phường"],
    ["Tỉnh Bến Tre", "83", "Huyện Giồng Trôm", "834", "Xã Phong Nẫm", "28987", "Xã"],
    ["Tỉnh Bến Tre", "83", "Huyện Giồng Trôm", "834", "Xã Lương Hòa", "28999", "Xã"],
    ["Tỉnh Bến Tre", "83", "Huyện Giồng Trôm", "834", "Xã Sơn Phú", "29014", "Xã"],
    ["Tỉnh Vĩnh Long", "86", "Thành phố Vĩnh Long", "855", "Phường 2", "29551", "Phường"],
]
GSO_2025 = ["Tỉnh / Thành Phố", "Mã TP", "Phường Xã", "Mã PX", "Cấp"]
LIST_2025 = [
    ["Thành phố Hà Nội", "01", "Phường Ba Đình", "00004", "Phường"],
    ["Thành phố Hà Nội", "01", "Phường Hồng Hà", "00097", "Phường"],
    ["Tỉnh Quảng Ninh", "22", "Đặc khu Vân Đồn", "06994", "Đặc khu"],
    ["Tỉnh Vĩnh Long", "86", "Phường An Hội", "28777", "Phường"],
    ["Tỉnh Vĩnh Long", "86", "Xã Lương Hòa", "28987", "Xã"],
    ["Tỉnh Vĩnh Long", "86", "Phường Long Châu", "29551", "Phường"],
]
TABLE = [
    "old_ward_code",
    "old_district_code",
    "old_province_code",
    "partly_merged",
    "new_ward_code",
    "new_province_code",
]
TABLE_VI = [
    "Mã xã cũ",
    "Mã huyện cũ",
    "Mã tỉnh cũ",
    "Sáp nhập một phần",
    "Mã xã mới",
    "Mã tỉnh mới",
]
ROWS = [
    ["00001", "001", "01", "0", "00097", "01"],
    ["00004", "001", "01", "0", "00004", "01"],
    ["28777", "829", "83", "0", "28777", "86"],
    ["28987", "834", "83", "0", "28987", "86"],
    ["28999", "834", "83", "0", "28987", "86"],
    ["29014", "834", "83", "0", "28777", "86"],
    ["29551", "855", "86", "0", "29551", "86"],
]


FRAGMENT = Path(__file__).resolve().parents[2] / "locale" / "fragments" / "units.po"


@pytest.fixture(autouse=True)
def vietnamese(settings, tmp_path_factory):
    """The messages in Vietnamese, from this branch's fragment (before it joins the catalogue)."""
    target = tmp_path_factory.mktemp("locale")
    messages = target / "vi" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    mo = str(messages / "django.mo")
    po = messages / "django.po"
    pending = "\n".join(
        (FRAGMENT.parent / name).read_text(encoding="utf-8").split("\n\n", 1)[1]
        for name in ("imports2.po", "units2.po")
    )
    po.write_text(FRAGMENT.read_text(encoding="utf-8") + "\n" + pending, encoding="utf-8")
    subprocess.run([shutil.which("msgfmt") or "msgfmt", "-o", mo, str(po)], check=True)
    settings.LOCALE_PATHS = [target, *settings.LOCALE_PATHS]
    settings.LANGUAGE_CODE = "vi"


def command(name, path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(name, str(path), *args, stdout=out, stderr=err)
    return out.getvalue()


def write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows))
    return path


@pytest.fixture
def lists(db, tmp_path):
    """The 2017 list, then the 2025 list from 1/7/2025."""
    command("import_admin_units", write(tmp_path, "2017.csv", [GSO, *LIST_2017]), "--no-progress")
    path = write(tmp_path, "2025.csv", [GSO_2025, *LIST_2025])
    out = command("import_admin_units", path, "--no-progress", "--effective", "01/07/2025")
    return path, out


def successions(tmp_path, rows, header=TABLE, *args):
    path = write(tmp_path, "table.csv", [header, *rows])
    return command("import_unit_successions", path, "--effective", "01/07/2025", *args)


def test_new_list_ends_the_old_units_and_a_reused_code_is_a_new_unit(lists, tmp_path):
    old = Commune.objects.get(code="28987", valid_until=D(2025, 6, 30))
    new = Commune.objects.get(code="28987", valid_until=None)
    assert (old.name, old.district.code, old.province.code) == ("Xã Phong Nẫm", "834", "83")
    assert (new.name, new.district, new.province.code) == ("Xã Lương Hòa", None, "86")
    assert new.valid_from == D(2025, 7, 1) and new.pk != old.pk
    assert Commune.objects.get(code="06994").kind == Commune.Kind.SPECIAL_ZONE
    assert not Commune.objects.current(D(2025, 7, 1)).filter(district__isnull=False).exists()
    assert Commune.objects.current(D(2025, 7, 1)).count() == 6
    assert Commune.objects.current(D(2025, 6, 30)).count() == 7
    assert not District.objects.current(D(2025, 7, 1)).exists()
    # Bến Tre missing from the list ends; Vĩnh Long and Hà Nội, unchanged, go on.
    assert Province.objects.get(code="83").valid_until == D(2025, 6, 30)
    assert Province.objects.get(code="86").valid_until is None
    assert Province.objects.filter(code="86").count() == 1


def test_importing_the_new_list_again_changes_nothing(lists, tmp_path):
    path, _out = lists
    before = list(Commune.objects.values_list("pk", "code", "name", "valid_from", "valid_until"))

    out = command("import_admin_units", path, "--no-progress", "--effective", "01/07/2025")

    assert "Không có gì thay đổi" in out and "0 mới, 0 chấm dứt ngày 30/06/2025, 6 không đổi" in out
    after = list(Commune.objects.values_list("pk", "code", "name", "valid_from", "valid_until"))
    assert after == before


@pytest.mark.parametrize("header", [TABLE, TABLE_VI], ids=["shared columns", "Vietnamese"])
def test_conversion_table_records_successions_and_province_mergers(lists, tmp_path, header):
    successions(tmp_path, ROWS, header, "--legal-basis", "Nghị quyết do người dùng nhập")

    luong_hoa = Commune.objects.get(code="28987", valid_until=None)
    predecessors = Succession.objects.filter(successor=luong_hoa)
    assert sorted(predecessors.values_list("predecessor__name", "whole")) == [
        ("Xã Lương Hòa", True),
        ("Xã Phong Nẫm", True),
    ]
    son_phu = Succession.objects.get(predecessor__code="29014")
    assert (son_phu.successor.name, son_phu.effective_on) == ("Phường An Hội", D(2025, 7, 1))
    assert son_phu.legal_basis == "Nghị quyết do người dùng nhập"
    # Bến Tre merges into tỉnh Vĩnh Long: the province of code 86 from 1/7/2025 is a new unit
    # that reuses the code, and succeeds the former one (issue 21).
    new_86 = Province.objects.get(code="86", valid_from=D(2025, 7, 1))
    former_86 = Province.objects.get(code="86", valid_until=D(2025, 6, 30))
    assert (new_86.name, new_86.valid_until) == (former_86.name, None)
    mergers = ProvinceSuccession.objects.order_by("predecessor__code")
    assert [(m.predecessor.code, m.successor_id, m.whole) for m in mergers] == [
        ("83", new_86.pk, True),
        ("86", new_86.pk, True),
    ]
    assert former_86.valid_from is None
    assert luong_hoa.province_id == new_86.pk and Province.objects.filter(code="86").count() == 2
    old_phong_nam = Commune.objects.get(code="28987", valid_until=D(2025, 6, 30))
    assert old_phong_nam.province.code == "83"
    assert Succession.objects.count() == 7


def test_importing_the_conversion_table_again_changes_nothing(lists, tmp_path):
    successions(tmp_path, ROWS)
    before = list(Succession.objects.values_list("pk", "predecessor", "successor", "whole"))

    out = successions(tmp_path, ROWS)

    assert "0 quan hệ kế thừa mới, 0 thay đổi, 7 không đổi" in out
    assert list(Succession.objects.values_list("pk", "predecessor", "successor", "whole")) == before


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [["28990", "834", "83", "0", "28987", "86"]],
            "Dòng 3, old_ward_code: Không có đơn vị nào mang mã 28990 còn hiệu lực ngày 30/06/2025. "
            "Hãy nhập trước danh mục đơn vị hành chính có hiệu lực ngày đó, hoặc chọn “Tạo các "
            "đơn vị cũ còn thiếu” (lệnh: --create-missing-predecessors)",
        ),
        (
            [["28987", "834", "83", "0", "28988", "86"]],
            "Dòng 3, new_ward_code: Không có đơn vị nào mang mã 28988 có hiệu lực ngày 01/07/2025. "
            "Hãy nhập trước danh mục mới với ngày có hiệu lực này",
        ),
        (
            [["00001", "001", "01", "0", "28987", "86"]],
            "Dòng 3: Phường Phúc Xá (00001) không thể nhập vào Xã Lương Hòa thuộc Tỉnh Vĩnh Long: "
            "Thành phố Hà Nội không được sắp xếp vào tỉnh khác.",
        ),
        (
            [["28987", "834", "83", "1", "28987", "86"], ["28987", "834", "83", "1", "28777", "86"]]
            + [["28987", "834", "83", "0", "29551", "86"]],
            "Dòng 5: Xã Phong Nẫm (28987) được nhập vào nhiều đơn vị (các dòng 3, 4, 5): mỗi dòng "
            "này phải ghi là sáp nhập một phần.",
        ),
        (
            [["28987", "834", "83", "2", "28987", "86"]],
            "Dòng 3, partly_merged: “2” phải là 0 (toàn bộ) hoặc 1 (một phần).",
        ),
    ],
    ids=["unknown old", "unknown new", "other province", "whole twice", "bad flag"],
)
def test_a_bad_row_is_refused_with_its_row_and_nothing_is_written(lists, tmp_path, rows, expected):
    path = write(tmp_path, "bad.csv", [TABLE, *ROWS[:1], *rows])  # the bad rows start at row 3
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_unit_successions",
            str(path),
            "--effective",
            "01/07/2025",
            stdout=io.StringIO(),
            stderr=err,
        )

    assert expected in err.getvalue()
    assert not Succession.objects.exists() and not ProvinceSuccession.objects.exists()


def test_successions_before_the_new_list_overlap_and_a_swap_is_a_cycle(db, tmp_path):
    """Old units still in force on the effective date: their dates overlap; two current units
    succeeding each other would close a cycle."""
    command("import_admin_units", write(tmp_path, "2017.csv", [GSO, *LIST_2017]), "--no-progress")
    rows = [
        ["28987", "834", "83", "0", "28999", "83"],
        ["28999", "834", "83", "0", "28987", "83"],
        ["29014", "834", "83", "0", "28777", "83"],
    ]
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_unit_successions",
            str(write(tmp_path, "t.csv", [TABLE, *rows])),
            "--effective",
            "01/07/2025",
            stdout=io.StringIO(),
            stderr=err,
        )

    message = err.getvalue()
    assert "Dòng 2: Xã Phong Nẫm (28987) → Xã Lương Hòa tạo thành vòng lặp" in message
    assert "Dòng 3: Xã Lương Hòa (28999) → Xã Phong Nẫm tạo thành vòng lặp" in message
    assert (
        "Dòng 4: Xã Sơn Phú (29014) vẫn còn hiệu lực ngày 01/07/2025: thời gian hiệu lực chồng lấn"
        in message
    )
    assert not Succession.objects.exists()


def test_a_unit_named_as_its_own_successor_closes_a_cycle(lists, tmp_path):
    """A day later, 28987 before and after is the same unit (Lương Hòa of 2025)."""
    successions(tmp_path, ROWS)
    path = write(tmp_path, "later.csv", [TABLE, ROWS[3]])
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_unit_successions",
            str(path),
            "--effective",
            "02/07/2025",
            stdout=io.StringIO(),
            stderr=err,
        )

    assert "Dòng 2: Xã Lương Hòa (28987) → Xã Lương Hòa tạo thành vòng lặp" in err.getvalue()
    assert Succession.objects.count() == 7


def snapshot(model):
    return list(model.objects.order_by("pk").values_list("pk", "code", "name", "valid_until"))


def test_a_2017_list_after_2025_units_reusing_its_codes_renames_none(db, tmp_path):
    """The list of 18/08/2017 (its date in the file's name) imported after the 2025 units: each
    reused code gets its 2017 unit, ended the day before the 2025 one; the 2025 units stay, and
    the units the 2025 list does not name end the day before it too (none comes back)."""
    new_list = write(tmp_path, "2025.csv", [GSO_2025, *LIST_2025])
    command("import_admin_units", new_list, "--no-progress", "--effective", "01/07/2025")
    new_units = snapshot(Commune)
    old_list = write(tmp_path, "gso-admin-units-2017-08-18.csv", [GSO, *LIST_2017])

    command("import_admin_units", old_list, "--no-progress")

    assert [u for u in snapshot(Commune) if u[0] in {n[0] for n in new_units}] == new_units
    old = Commune.objects.get(code="28987", valid_until=D(2025, 6, 30))
    assert (old.name, old.district.code, old.province.code) == ("Xã Phong Nẫm", "834", "83")
    assert old.province.valid_until == D(2025, 6, 30)  # Bến Tre: not in the list of 2025
    assert Commune.objects.by_code("28987", D(2025, 7, 1)).name == "Xã Lương Hòa"
    assert Commune.objects.by_code("28777", D(2017, 8, 18)).name == "Phường 2"
    assert Province.objects.filter(code="86").count() == 2
    assert Commune.objects.current(D(2017, 8, 18)).count() == 7
    assert Commune.objects.current(D(2025, 7, 1)).count() == 6  # 3 codes not reused: ended
    before = snapshot(Commune), snapshot(District), snapshot(Province)

    out = command("import_admin_units", old_list, "--no-progress")

    assert "Không có gì thay đổi" in out
    assert (snapshot(Commune), snapshot(District), snapshot(Province)) == before


@pytest.mark.parametrize("day", ["--list-date", "--effective"])
def test_a_2017_list_again_after_the_2025_list_changes_nothing(lists, tmp_path, day):
    """Whether the list is read as of its day or as the whole list from it, the units of 2025
    (which start later) are neither matched nor ended."""
    before = snapshot(Commune), snapshot(District), snapshot(Province)
    path = write(tmp_path, "2017.csv", [GSO, *LIST_2017])

    out = command("import_admin_units", path, "--no-progress", day, "18/08/2017")

    assert "Không có gì thay đổi" in out
    assert (snapshot(Commune), snapshot(District), snapshot(Province)) == before


# 28990 (Xã Phong Mỹ of Giồng Trôm) is missing from this 2017 list, as the communes created
# between 08/2017 and 2025 are missing from the real one.
MISSING = [["28990", "834", "83", "1", "28987", "86"], ["28990", "834", "83", "1", "28777", "86"]]


def test_a_missing_former_unit_is_created_only_with_the_option(lists, tmp_path):
    err = io.StringIO()
    path = write(tmp_path, "table.csv", [TABLE, *ROWS, *MISSING])
    with pytest.raises(CommandError):
        call_command("import_unit_successions", str(path), "--effective", "01/07/2025", stderr=err)
    assert "Dòng 9, old_ward_code: Không có đơn vị nào mang mã 28990" in err.getvalue()
    assert "--create-missing-predecessors" in err.getvalue()
    assert not Succession.objects.exists() and not Commune.objects.filter(code="28990").exists()

    out = successions(tmp_path, [*ROWS, *MISSING], TABLE, "--create-missing-predecessors")

    assert "· đơn vị cũ được tạo, chưa có tên (cần nhập): 1" in out
    created = Commune.objects.get(code="28990")
    assert created.name == ""  # never invented: to be typed
    assert (created.district.code, created.province.code) == ("834", "83")
    assert (created.valid_from, created.valid_until) == (None, D(2025, 6, 30))
    assert sorted(
        Succession.objects.filter(predecessor=created).values_list("successor__code", "whole")
    ) == [("28777", False), ("28987", False)]
    before = snapshot(Commune), list(Succession.objects.values_list("pk", "whole"))

    out = successions(tmp_path, [*ROWS, *MISSING], TABLE, "--create-missing-predecessors")

    assert "Không có gì thay đổi" in out
    assert (snapshot(Commune), list(Succession.objects.values_list("pk", "whole"))) == before


def test_a_missing_former_unit_in_an_unknown_district_is_refused(lists, tmp_path):
    rows = [["28990", "899", "83", "0", "28987", "86"]]
    err = io.StringIO()
    path = write(tmp_path, "table.csv", [TABLE, *rows])
    with pytest.raises(CommandError):
        call_command(
            "import_unit_successions",
            str(path),
            "--effective",
            "01/07/2025",
            "--create-missing-predecessors",
            stderr=err,
        )
    assert "Dòng 2, old_district_code: Không thể tạo đơn vị cũ 28990: huyện 899" in err.getvalue()
    assert not Commune.objects.filter(code="28990").exists()
