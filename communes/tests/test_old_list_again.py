"""An old national list imported again after the 2025 reorganisation (the command): without its
date it is refused, nothing written; with its date its rows are matched with the units of its
day, so no ended unit comes back and no current unit ends; the same file twice changes nothing.

The files are the real rows of tỉnh Vĩnh Long kept in imports/tests/data (the 2017 lists of Bến
Tre 83, Trà Vinh 84 and Vĩnh Long 86; the 2025 list of the new Vĩnh Long 86; the conversion
table between them), copied under names that carry no date, as an office keeps them.
"""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from communes.models import Commune, District, Province, ProvinceSuccession, Succession
from communes.services import successions_import
from core.spreadsheets import read_sheet

D = datetime.date
DATA = Path(__file__).resolve().parents[2] / "imports" / "tests" / "data"
REFUSED = "đơn vị trong danh sách mang mã của đơn vị đã hết hiệu lực"


@pytest.fixture(autouse=True)
def vietnamese_after_2025(settings):
    settings.LANGUAGE_CODE = "vi"
    settings.QMS_AS_OF = D(2025, 9, 1)


def run(tmp_path, source, name, *args):
    """``import_admin_units`` on a copy of ``source`` named ``name``; (stdout, stderr)."""
    path = tmp_path / name
    path.write_bytes((DATA / source).read_bytes())
    out, err = io.StringIO(), io.StringIO()
    call_command("import_admin_units", str(path), "--no-progress", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def state():
    """Every unit and succession as stored, with its period."""
    return [
        list(model.objects.order_by("pk").values_list("pk", "code", "name", *extra))
        for model, extra in (
            (Province, ("kind", "valid_from", "valid_until")),
            (District, ("kind", "province_id", "valid_from", "valid_until")),
            (Commune, ("kind", "district_id", "province_id", "valid_from", "valid_until")),
        )
    ] + [
        list(Succession.objects.order_by("pk").values_list("pk", "predecessor", "successor")),
        list(ProvinceSuccession.objects.order_by("pk").values_list("pk")),
    ]


@pytest.fixture
def reorganised(db, tmp_path):
    """The 2017 list, the 2025 list from 1/7/2025 and the conversion table, as imported."""
    run(tmp_path, "gso-2017-83-84-86.csv", "danh-muc-cu.csv")
    run(tmp_path, "nso-2025-86.csv", "danh-muc-moi.csv", "--effective=01/07/2025")
    table = DATA / "nso-conversion-2025-86.csv"
    report = successions_import(
        sheet=read_sheet(table.read_bytes(), table.name), effective=D(2025, 7, 1)
    )
    assert report.ok and report.written, report.errors[:3]
    assert Commune.objects.current().count() == 124
    assert Commune.objects.count() == 379 + 124  # each 2025 unit is new (another province)


def test_the_old_list_without_its_date_is_refused_and_nothing_is_written(reorganised, tmp_path):
    before = state()

    with pytest.raises(CommandError, match="Không nhập gì: có 1 lỗi."):
        run(tmp_path, "gso-2017-83-84-86.csv", "danh-muc-cu.csv")

    assert state() == before
    assert Commune.objects.current().count() == 124


def test_the_refusal_asks_for_the_date_in_vietnamese(reorganised, tmp_path):
    err = io.StringIO()
    path = tmp_path / "danh-muc-cu.csv"
    path.write_bytes((DATA / "gso-2017-83-84-86.csv").read_bytes())
    with pytest.raises(CommandError):
        call_command("import_admin_units", str(path), stdout=io.StringIO(), stderr=err)

    text = err.getvalue()
    # 83 and 84 (86 Vĩnh Long goes on), 26 districts, 379 communes (each 2025 unit is new)
    assert "Tệp: 408 " + REFUSED in text  # 3 provinces (86 reused since 1/7/2025), 405 others
    assert "(như Phường Phú Khương (28756), hết hiệu lực ngày 30/06/2025)" in text
    assert "Hãy cho biết ngày của danh sách" in text and "--list-date" in text


def test_the_old_list_with_its_date_brings_no_unit_back(reorganised, tmp_path):
    before = state()

    out, _err = run(tmp_path, "gso-2017-83-84-86.csv", "danh-muc-cu.csv", "--list-date=18/08/2017")

    assert "Không có gì thay đổi" in out
    assert state() == before
    assert Commune.objects.current().count() == 124
    assert Province.objects.current().count() == 1
    assert not District.objects.current().exists()


def test_the_old_list_with_its_date_renames_the_old_unit_only(reorganised, tmp_path):
    """A name corrected in the old list changes the unit of 2017 that carried the code, not the
    unit of 2025 that reuses it (28777, Phường 2 of Bến Tre, is Phường An Hội of Vĩnh Long)."""
    rows = (DATA / "gso-2017-83-84-86.csv").read_text(encoding="utf-8-sig")
    assert ",Phường 2,28777," in rows
    edited = tmp_path / "sua-goc.csv"
    edited.write_text(rows.replace(",Phường 2,28777,", ",Phường Bảy,28777,"), encoding="utf-8")
    before = Commune.objects.current().get(code="28777")

    out, _err = run(tmp_path, edited, "danh-muc-sua.csv", "--list-date=2017-08-18")

    assert "0 mới, 1 thay đổi" in out
    assert Commune.objects.get(code="28777", valid_until=D(2025, 6, 30)).name == "Phường Bảy"
    after = Commune.objects.current().get(code="28777")
    assert (after.pk, after.name, after.valid_until) == (before.pk, before.name, None)
    assert Commune.objects.current().count() == 124


def test_the_date_in_the_files_name_is_the_lists_date(reorganised, tmp_path):
    before = state()

    out, _err = run(tmp_path, "gso-2017-83-84-86.csv", "gso-admin-units-2017-08-18.csv")

    assert "Ngày của danh sách: 18/08/2017 (theo tên tệp)" in out
    assert state() == before


def test_the_new_list_without_its_dates_is_refused_too(reorganised, tmp_path):
    """Its codes 28756... are carried by units of 2017 that ended: which ones, only a date says."""
    before = state()

    with pytest.raises(CommandError):
        run(tmp_path, "nso-2025-86.csv", "danh-muc-moi.csv")

    assert state() == before


def test_the_same_old_list_twice_with_its_date_changes_nothing(reorganised, tmp_path):
    run(tmp_path, "gso-2017-83-84-86.csv", "cu.csv", "--list-date=18/08/2017")
    before = state()

    out, _err = run(tmp_path, "gso-2017-83-84-86.csv", "cu.csv", "--list-date=18/08/2017")

    assert "Không có gì thay đổi" in out
    assert state() == before


def test_a_first_list_without_a_date_needs_none(db, tmp_path):
    """Nothing has ended yet: the list is today's, as before."""
    run(tmp_path, "gso-2017-83-84-86.csv", "danh-muc-cu.csv")
    before = state()

    out, _err = run(tmp_path, "gso-2017-83-84-86.csv", "danh-muc-cu.csv")

    assert Commune.objects.current().count() == 379
    assert "Không có gì thay đổi" in out
    assert state() == before
