"""The inspections through the API: the plans as the plans page (province-wide roles), the
communes planned as each user's scope, the documents that exist with links that download them
with the same token (real files, read back)."""

import datetime
import io

import pytest
from docx import Document
from pypdf import PdfReader

from audits import inspections
from audits.models import Audit, InspectionPlan, PlannedInspection

PERSONAS = [
    "dost_staff",
    "manager",
    "district_officer",
    "commune_officer",
    "other_commune_officer",
    "consultant",
]


@pytest.fixture
def plan(api_world):
    plan = InspectionPlan.objects.create(province=api_world["province"], year=2017, budget=5000000)
    onsite = PlannedInspection.objects.create(
        plan=plan,
        commune=api_world["commune"],
        form=PlannedInspection.Form.ONSITE,
        decision_number="",
        decision_date=datetime.date(2017, 10, 2),
        team_lead="Lê Văn C",
    )
    onsite.audit = Audit.objects.create(
        commune=api_world["commune"],
        kind=Audit.Kind.INSPECTION_ONSITE,
        date=datetime.date(2017, 10, 10),
        lead="Lê Văn C",
    )
    onsite.save()
    PlannedInspection.objects.create(
        plan=plan, commune=api_world["other_commune"], form=PlannedInspection.Form.RECORDS
    )
    return plan


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_plans_are_the_plans_pages(plan, personas, as_user, persona):
    user = personas[persona]
    response = as_user(user).get("/api/v1/inspection-plans/")
    if not user.is_province_wide:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["id"], row["year"], row["planned"], row["onsite"], row["recorded"]) == (
        plan.pk,
        2017,
        2,
        1,
        1,
    )
    assert [d["kind"] for d in row["documents"]] == inspections.plan_documents(
        InspectionPlan.objects.get(pk=row["id"])
    )
    assert {"plan", "request", "summary"} <= {d["kind"] for d in row["documents"]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_planned_inspections_are_each_users_scope(plan, personas, as_user, persona):
    user = personas[persona]
    response = as_user(user).get("/api/v1/planned-inspections/", {"limit": 100})
    assert response.status_code == 200
    listed = sorted(row["id"] for row in response.json()["results"])
    expected = sorted(PlannedInspection.objects.visible_to(user).values_list("pk", flat=True))
    assert listed == expected
    if persona == "commune_officer":
        assert [row["commune_code"] for row in response.json()["results"]] == ["28873"]


def test_an_inspection_outside_the_scope_is_404(plan, commune_officer, as_user):
    other = PlannedInspection.objects.get(commune__code="28987")
    client = as_user(commune_officer)
    assert client.get(f"/api/v1/planned-inspections/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/inspection-plans/{plan.pk}/").status_code == 404


def test_the_documents_listed_are_those_that_exist_and_they_download(
    plan, commune_officer, dost_staff, as_user
):
    officer = as_user(commune_officer)
    mine = PlannedInspection.objects.get(commune__code="28873")
    data = officer.get(f"/api/v1/planned-inspections/{mine.pk}/").json()
    assert [d["kind"] for d in data["documents"]] == ["decision", "announcement", "minutes"]
    minutes = next(d for d in data["documents"] if d["kind"] == "minutes")
    response = officer.get(minutes["docx"])
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "BIÊN BẢN" in text.upper()
    records = PlannedInspection.objects.get(commune__code="28987")
    staff = as_user(dost_staff)
    assert staff.get(f"/api/v1/planned-inspections/{records.pk}/").json()["documents"] == []
    missing = f"/api/v1/planned-inspections/{records.pk}/documents/minutes.pdf"
    assert staff.get(missing).status_code == 404
    plan_doc = staff.get(f"/api/v1/inspection-plans/{plan.pk}/").json()["documents"][0]
    response = staff.get(plan_doc["pdf"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf_text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "KẾ HOẠCH" in pdf_text.upper()
