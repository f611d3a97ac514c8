"""Writing spreadsheets: inert formulas, numbers kept as numbers, labels from the models."""

import io

import openpyxl
import pytest
from django.utils import translation

from core.spreadsheets import Column, choice_label, field_label, neutralise, table_bytes
from core.widgets import ChoiceWidget
from roadmap.models import Milestone, ParticipationKind


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"],
)
def test_text_a_spreadsheet_would_run_is_neutralised(value):
    assert neutralise(value) == "'" + value
    assert neutralise("Xã Phú Phụng") == "Xã Phú Phụng"
    assert neutralise(-1) == -1


def test_table_bytes_writes_numbers_as_numbers():
    data = table_bytes(
        rows=[{"a": 150_000_000}], columns=[Column("Kinh phí", lambda r: r["a"])], fmt="xlsx"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == 150_000_000
    assert sheet["A2"].number_format == "#,##0"


def test_headers_and_labels_are_the_models_own_in_vietnamese_whatever_the_language():
    with translation.override("en"):
        assert str(field_label(Milestone, "due_date")) == "Hạn hoàn thành"
        assert choice_label(Milestone.Status, Milestone.Status.DONE) == "Hoàn thành"
    assert choice_label(Milestone.Status, "") == ""
    assert choice_label(Milestone.Status, "unknown") == "unknown"


def test_a_choice_is_read_from_its_code_its_labels_or_a_synonym_and_written_as_its_label():
    widget = ChoiceWidget(ParticipationKind, {"Mở rộng": ParticipationKind.EXTENSION})
    with translation.override("en"):
        assert widget.clean("extension") == ParticipationKind.EXTENSION
        assert widget.clean("Extension to all procedures") == ParticipationKind.EXTENSION
        assert widget.clean("mở rộng cho toàn bộ TTHC") == ParticipationKind.EXTENSION
        assert widget.clean(" Mở  rộng ") == ParticipationKind.EXTENSION
        assert widget.render(ParticipationKind.EXTENSION) == "Mở rộng cho toàn bộ TTHC"
        with pytest.raises(ValueError, match="Xây dựng mới, Mở rộng cho toàn bộ TTHC"):
            widget.clean("Làm lại")


def test_each_app_registers_its_spreadsheets_and_the_import_page_lists_them_in_order():
    from core.resources import import_kinds
    from core.spreadsheets import EXPORT_LISTS

    assert [k.name for k in import_kinds()] == [
        "milestones",
        "participations",
        "procedures",
        "scope",
        "admin-units",
        "unit-successions",
    ]
    assert {k.name: k.resource.__module__ for k in import_kinds()} == {
        "milestones": "roadmap.resources",
        "participations": "roadmap.resources",
        "procedures": "procedures.resources",
        "scope": "procedures.resources",
        "admin-units": "communes.resources",
        "unit-successions": "communes.resources",
    }
    assert set(EXPORT_LISTS) == {
        "announcements",
        "communes",
        "milestones",
        "findings",
        "corrective-actions",
        "procedures",
    }
