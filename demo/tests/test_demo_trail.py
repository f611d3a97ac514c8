"""The demo's 2024 inspection trail, as DOST staff find it (issue 20): plan → approval → request
→ decisions → announcement minutes → minutes of visits (hours, place, names) and letters after
checks of records → summary → answers on the corrective actions, each downloadable as PDF and
Word from the page of its data; the two-month follow-up closed by the Sở's answers; the communes
on TCVN ISO 9001:2008 after the Sở's date flagged, the others converted by then."""

import datetime
import io

import pytest
from docx import Document
from pypdf import PdfReader

from accounts.models import User
from audits import inspections
from audits.models import (
    CorrectiveAction,
    FollowUp,
    InspectionPlan,
    ProvinceDuties,
    communes_edition_overdue,
)
from communes.models import Commune

D = datetime.date
pytestmark = pytest.mark.django_db  # heavy (the demo): listed in conftest.py SCALE


@pytest.fixture(scope="module")
def demo(demo_plain):
    return demo_plain


@pytest.fixture
def dost(demo, client, settings):
    settings.QMS_PROVINCE = "86"
    settings.QMS_PROVINCE_PREDECESSORS = ["83"]
    client.force_login(User.objects.get(username="dost"))
    return client


def fetch(client, url: str) -> str:
    """The PDF's and the Word file's text at ``url`` (.pdf, .docx), both read back."""
    pdf = client.get(f"{url}.pdf")
    word = client.get(f"{url}.docx")
    assert pdf.status_code == word.status_code == 200, url
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    document = Document(io.BytesIO(word.content))
    assert document.paragraphs
    return " ".join(text.split())


def test_the_2024_trail_runs_from_the_plan_to_the_answers(dost):
    plan = InspectionPlan.objects.get(year=2024)
    assert (plan.approval_kind, plan.approval_number) == ("decision", "")  # never invented
    assert plan.request_date and plan.request_due and plan.signer_name
    page = dost.get(plan.get_absolute_url()).content.decode()
    for name in ("plan", "approval", "request", "summary"):
        assert f"/inspections/{plan.pk}/{name}.pdf" in page
        assert f"/inspections/{plan.pk}/{name}.docx" in page
        fetch(dost, f"/inspections/{plan.pk}/{name}")
    visit = plan.items.filter(form="onsite", audit__isnull=False).exclude(answer_date=None).first()
    records = plan.items.filter(form="records", audit__isnull=False).exclude(letter_date=None)
    assert visit is not None and records.exists()
    assert inspections.inspection_documents(visit) == [
        "decision",
        "announcement",
        "minutes",
        "answer",
    ]
    page = dost.get(visit.get_absolute_url()).content.decode()
    for name in inspections.inspection_documents(visit):
        assert f"/inspections/visits/{visit.pk}/{name}.docx" in page
    minutes = fetch(dost, f"/inspections/visits/{visit.pk}/minutes")
    assert "từ 08 giờ 30 đến 11 giờ 15" in minutes and visit.place in minutes
    assert visit.team_lead in minutes and visit.commune_representative in minutes
    assert "Ông/Bà" in fetch(dost, f"/inspections/visits/{visit.pk}/announcement")
    assert "Chấp nhận" in fetch(dost, f"/inspections/visits/{visit.pk}/answer")
    letter = fetch(dost, f"/inspections/visits/{records.first().pk}/letter")
    assert "V/v khắc phục các nội dung chưa đáp ứng yêu cầu" in letter


def test_the_two_month_follow_up_counts_what_the_sở_accepted(demo):
    actions = CorrectiveAction.objects.after_inspections().filter(finding__audit__date__year=2024)
    counts = actions.follow_up_counts(D(2024, 12, 31))
    assert sum(counts.values()) == actions.count() > 0
    assert 0 < counts[FollowUp.FIXED] < actions.count()
    fixed = actions.filter(answer="accepted", done_on__lte=D(2024, 12, 31))
    assert counts[FollowUp.FIXED] == sum(
        1
        for a in fixed.select_related("finding__audit")
        if a.done_on <= a.finding.audit.corrections_due and a.answered_on <= D(2024, 12, 31)
    )
    _rows, totals = inspections.plan_results(InspectionPlan.objects.get(year=2024))
    assert totals["actions_fixed"] == counts[FollowUp.FIXED]


def test_the_communes_convert_by_the_sởs_date_but_a_few_flagged(demo):
    duties = ProvinceDuties.objects.get(province__code="83", province__valid_from=None)
    assert duties.edition_deadline == D(2021, 6, 30)
    communes = Commune.objects.filter(province=duties.province)
    flagged = communes_edition_overdue(communes, D(2024, 1, 1))
    assert len(flagged) == 3  # illustrative: the others converted before 30/6/2021
    assert communes_edition_overdue(communes, D(2021, 6, 30)) == []
