"""A catalogue of commune-level procedures, imported from the national database's export, is
what the scope figures count as the procedures in force from its day."""

import datetime
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from procedures.models import Catalogue, Procedure, ScopeItem
from procedures.tests.factories import FieldFactory, ProcedureFactory

D = datetime.date
HEADERS = ["STT", "Mã thủ tục", "Tên thủ tục", "Cấp thực hiện", "Lĩnh vực", "Cơ quan thực hiện"]


def export_file(tmp_path, rows, name="export.xlsx"):
    """An .xlsx laid out as the national procedure database exports it."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for i, row in enumerate(rows, 1):
        sheet.append([i, *row, "UBND cấp xã"])
    path = tmp_path / name
    book.save(path)
    return path


def run(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_procedure_catalogue", str(path), *args, stdout=out, stderr=err)
    return out.getvalue()


def test_the_commune_level_rows_make_the_catalogue_found_by_code_or_created(db, tmp_path):
    FieldFactory(code="ho-tich", name="Hộ tịch")
    birth = ProcedureFactory(national_code="MINH-HOA-001", name="Đăng ký khai sinh")
    path = export_file(
        tmp_path,
        [
            ("MINH-HOA-001", "Đăng ký khai sinh (tên mới)", "Cấp Xã", "Hộ tịch"),
            (
                "MINH-HOA-002",
                "Đăng ký thành lập hộ kinh doanh",
                "Cấp Tỉnh, Cấp Xã",
                "Hộ kinh doanh",
            ),
            ("MINH-HOA-003", "Giao đất cho tổ chức", "Cấp Tỉnh", "Đất đai"),
        ],
    )
    out = run(path, "--name", "Danh mục thử", "--valid-from", "01/07/2025")
    catalogue = Catalogue.objects.get(name="Danh mục thử")
    assert catalogue.valid_from == D(2025, 7, 1)
    codes = set(catalogue.procedures.values_list("national_code", flat=True))
    assert codes == {"MINH-HOA-001", "MINH-HOA-002"}
    birth.refresh_from_db()
    assert birth.name == "Đăng ký khai sinh"  # found by its code, not renamed
    assert not Procedure.objects.filter(national_code="MINH-HOA-003").exists()
    assert "2 thủ tục cấp xã (1 mới), 1 dòng của cấp khác" in out
    run(path, "--name", "Danh mục thử", "--valid-from", "01/07/2025")
    assert Procedure.objects.count() == 2 and Catalogue.objects.count() == 1


def test_a_bad_row_writes_nothing_and_says_where(db, tmp_path):
    path = export_file(
        tmp_path,
        [
            ("MINH-HOA-001", "Đăng ký khai sinh", "Cấp Xã", "Hộ tịch"),
            ("MINH-HOA-001", "Đăng ký kết hôn", "Cấp Xã", "Hộ tịch"),
            ("MINH-HOA-004", "", "Cấp Xã", "Hộ tịch"),
        ],
    )
    err = StringIO()
    with pytest.raises(CommandError, match="Không nhập gì"):
        call_command("import_procedure_catalogue", str(path), "--name", "X", stderr=err)
    assert "Dòng 3" in err.getvalue() and "đã có ở dòng 2" in err.getvalue()
    assert "Dòng 4" in err.getvalue()
    assert not Procedure.objects.exists() and not Catalogue.objects.exists()


def test_a_file_without_the_exports_columns_is_refused(db, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("Mã,Tên\n1,Đăng ký khai sinh\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_procedure_catalogue", str(path), "--name", "X", stderr=err)
    assert "Thiếu cột “Mã thủ tục”" in err.getvalue()


def test_the_procedures_in_force_are_those_of_the_catalogue_of_the_day(db):
    old = [ProcedureFactory() for _ in range(3)]
    new = ProcedureFactory()
    first = Catalogue.objects.create(name="2016", valid_from=None)
    first.procedures.set(old)
    second = Catalogue.objects.create(name="2025", valid_from=D(2025, 7, 1))
    second.procedures.set([old[0], new])
    assert Procedure.objects.in_force_on(D(2017, 1, 1)).count() == 3
    assert Procedure.objects.in_force_on(D(2025, 6, 30)).count() == 3
    assert set(Procedure.objects.in_force_on(D(2025, 7, 1))) == {old[0], new}
    figures = ScopeItem.objects.figures([], D(2026, 1, 1))
    assert figures["procedures_in_force"] == 2


def test_without_a_catalogue_every_procedure_not_abolished_is_in_force(db):
    ProcedureFactory()
    ProcedureFactory(abolished_on=D(2020, 1, 1))
    assert Procedure.objects.in_force_on(D(2019, 1, 1)).count() == 2
    assert Procedure.objects.in_force_on(D(2021, 1, 1)).count() == 1
