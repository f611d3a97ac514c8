"""A control character (``\\x01``, ``\\x07``, ``\\x1b``) already stored in the database never makes a
document fail: every Word, PDF and Excel file that shows the text downloads and opens, the text
printed without the character. And the same characters typed into the pages' forms are stored
cleaned."""

import datetime
import io

import openpyxl
import pytest
from docx import Document
from pypdf import PdfReader

from audits.models import Art36, ChecklistAnswer, InspectionPlan, PlannedInspection
from audits.services import inspection_minutes_record
from communes.models import Commune
from reports.models import AnnualReport

D = datetime.date
BAD = "\x01\x07\x1b"


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = D(2021, 3, 1)
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def dirty(world):
    """A plan, its on-site inspection with minutes, an annual report, and a commune's name,
    each holding control characters written straight to the database (as old data, an import
    of another time or a database restore would)."""
    plan = InspectionPlan.objects.create(
        province=world["province"],
        year=2020,
        signer_title="Giám đốc",
        signer_name="Nguyễn Văn Ký",
        recipients="UBND tỉnh",
        summary="Tổng kết",
    )
    onsite = PlannedInspection.objects.create(
        plan=plan,
        commune=world["commune"],
        form="onsite",
        decision_date=D(2020, 5, 4),
        planned_on=D(2020, 5, 20),
        team_lead="Trần Văn Trưởng",
    )
    answers = [(key, "conforms", "") for key in Art36.values]
    inspection_minutes_record(
        item=onsite,
        by=None,
        date=D(2020, 5, 20),
        lead="Trần Văn Trưởng",
        summary="Đạt",
        commune_representative="Võ Văn Chủ Tịch",
        answers=answers,
    )
    report = AnnualReport.objects.create(
        province=world["province"], year=2020, signer_title="Giám đốc", signer_name="Ký"
    )
    # Straight to the database: no form, no save() in between.
    InspectionPlan.objects.filter(pk=plan.pk).update(
        recipients=f"UBND tỉnh{BAD}\nLưu: VT", summary=f"Tổng{BAD} kết"
    )
    ChecklistAnswer.objects.filter(audit=onsite.audit).update(note=f"Ghi{BAD} chú")
    AnnualReport.objects.filter(pk=report.pk).update(achievements=f"Các xã{BAD} duy trì tốt.")
    Commune.objects.filter(pk=world["commune"].pk).update(name=f"Xã Phú{BAD} Phụng")
    return {"plan": plan, "onsite": onsite, "report": report}


def _documents(dirty) -> list[str]:
    plan, onsite, report = dirty["plan"], dirty["onsite"], dirty["report"]
    return [
        f"/inspections/{plan.pk}/plan",
        f"/inspections/{plan.pk}/summary",
        f"/inspections/visits/{onsite.pk}/decision",
        f"/inspections/visits/{onsite.pk}/minutes",
        f"/reports/annual/{report.pk}",
    ]


def _text_of(fmt: str, content: bytes) -> str:
    if fmt == "docx":
        document = Document(io.BytesIO(content))
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            parts.extend(cell.text for row in table.rows for cell in row.cells)
        return "\n".join(parts)
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_every_official_document_showing_stored_control_characters_downloads_and_opens(
    client, dost_staff, dirty, fmt
):
    client.force_login(dost_staff)
    shown = {
        "xã Phú Phụng",  # the documents write "UBND xã …" (issue 21)
        "UBND tỉnh",
        "Các xã duy trì tốt.",
        "Ghi chú",
        "Tổng kết",
    }
    found = set()
    for url in _documents(dirty):
        response = client.get(f"{url}.{fmt}")
        assert response.status_code == 200, url
        text = _text_of(fmt, response.content)
        assert not set(BAD) & set(text), url
        found |= {s for s in shown if s in " ".join(text.split())}
    # Each stored text is in one document at least, without its control characters.
    assert found == shown


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_the_progress_report_of_a_commune_with_a_control_character_in_its_name(
    client, dost_staff, dirty, world, fmt
):
    client.force_login(dost_staff)
    response = client.get(f"/reports/communes/{world['commune'].code}/0.{fmt}")
    assert response.status_code == 200
    if fmt == "pdf":
        text = _text_of("pdf", response.content)
    else:
        workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        text = "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    assert "Xã Phú Phụng" in " ".join(text.split())
    assert not set(BAD) & set(text)


def test_the_commune_list_exported_as_excel_with_a_control_character_in_a_name(
    client, dost_staff, dirty
):
    client.force_login(dost_staff)
    response = client.get("/communes/?export=xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    names = [row[1] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    assert any(name == "Xã Phú Phụng" for name in names), names


def test_control_characters_typed_into_the_forms_are_stored_cleaned(client, dost_staff, dirty):
    client.force_login(dost_staff)
    report, plan = dirty["report"], dirty["plan"]
    data = {
        "achievements": f"Tốt{BAD}\r\nrất tốt\tlắm",
        "problems": "",
        "proposals": "",
        "number": f"12{BAD}/BC",
        "recipients": f"Bộ{BAD} KH&CN",
    }
    assert client.post(f"/reports/annual/{report.pk}/", data).status_code == 302
    report.refresh_from_db()
    assert report.achievements == "Tốt\r\nrất tốt\tlắm"  # line breaks and tabs are kept
    assert (report.number, report.recipients) == ("12/BC", "Bộ KH&CN")

    summary = {
        "op": "summary",
        "summary_number": "",
        "summary_on": "",
        "summary": f"Kết{BAD} quả",
        "summary_recipients": f"UBND{BAD} tỉnh",
    }
    assert client.post(f"/inspections/{plan.pk}/", summary).status_code == 302
    plan.refresh_from_db()
    assert (plan.summary, plan.summary_recipients) == ("Kết quả", "UBND tỉnh")
    for url in (f"/reports/annual/{report.pk}.docx", f"/inspections/{plan.pk}/summary.docx"):
        assert client.get(url).status_code == 200


def test_a_narrative_section_is_at_most_20000_characters(client, dost_staff, dirty):
    """Issue 24: 5,000,000 characters were saved (the PDF then took 12 s)."""
    client.force_login(dost_staff)
    report = dirty["report"]
    data = {"problems": "", "proposals": "", "number": "", "recipients": ""}
    too_long = client.post(f"/reports/annual/{report.pk}/", {**data, "achievements": "a" * 20_001})
    assert too_long.status_code == 200
    assert "This section has 20.001 characters; at most 20.000 are allowed." in (
        too_long.content.decode()
    )
    report.refresh_from_db()
    assert len(report.achievements) < 20_001
    ok = client.post(f"/reports/annual/{report.pk}/", {**data, "achievements": "a" * 20_000})
    assert ok.status_code == 302
    report.refresh_from_db()
    assert len(report.achievements) == 20_000
