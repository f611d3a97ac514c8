"""Out-of-range values posted to every form of years, dates and amounts: each answers its page
(200) with the field marked invalid and a message, never a server error, and nothing is saved.
The same data with ordinary values is accepted, so the error is the edge value's.

Editing a plan's year to 0 answered 500: the invalid form had set the plan's year, and the page
then built ``datetime.date(plan.year, 1, 1)``."""

import datetime
import re

import pytest

from audits.models import InspectionPlan, PlannedInspection
from audits.tests.factories import CorrectiveActionFactory
from reports.models import AnnualReport
from roadmap.models import Milestone
from roadmap.tests.factories import MilestoneFactory

D = datetime.date
TODAY = D(2020, 11, 20)
HUGE = "9" * 40
YEARS = ["0", "-1", "99999", "10000", "2101", "1999", HUGE]
DATES = ["01/01/0001", "31/12/9999", "15/12/2101", "31/12/1999", "32/13/2020", HUGE]
AMOUNTS = ["-1", HUGE, "1e400", "NaN", "Infinity"]


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = TODAY
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def objects(world):
    plan = InspectionPlan.objects.create(province=world["province"], year=2020, budget=1000)
    item = PlannedInspection.objects.create(plan=plan, commune=world["commune"], form="onsite")
    report = AnnualReport.objects.create(province=world["province"], year=2020)
    action = CorrectiveActionFactory(
        finding__audit__commune=world["commune"], finding__audit__date=D(2020, 10, 1)
    )
    milestone = MilestoneFactory(participation=world["participation"], due_date=D(2020, 12, 1))
    return {"plan": plan, "item": item, "report": report, "action": action, "m": milestone}


def _plan(o, w):
    return {
        "op": "plan",
        "province": w["province"].pk,
        "year": "2020",
        "inspecting_unit": "Chi cục TĐC",
        "period_start": "01/04/2020",
        "period_end": "30/10/2020",
        "budget": "1000",
        "issued_on": "05/03/2020",
    }


# name: (url, base data, {field: edge values}, the persona)
FORMS = {
    "plan edit": (
        lambda o, w: f"/inspections/{o['plan'].pk}/",
        _plan,
        {"year": YEARS, "period_start": DATES, "issued_on": DATES, "budget": AMOUNTS},
    ),
    "plan create": (
        lambda o, w: "/inspections/new/",
        lambda o, w: {**_plan(o, w), "year": "2021", "period_start": "", "period_end": ""},
        {"year": YEARS, "issued_on": DATES, "budget": AMOUNTS},
    ),
    "plan approval": (
        lambda o, w: f"/inspections/{o['plan'].pk}/",
        lambda o, w: {"op": "approval", "approval_kind": "decision", "approval_date": "10/03/2020"},
        {"approval_date": DATES},
    ),
    "plan request": (
        lambda o, w: f"/inspections/{o['plan'].pk}/",
        lambda o, w: {"op": "request", "request_date": "20/03/2020", "request_due": "20/04/2020"},
        {"request_date": DATES, "request_due": DATES},
    ),
    "plan summary": (
        lambda o, w: f"/inspections/{o['plan'].pk}/",
        lambda o, w: {"op": "summary", "summary_on": "20/11/2020", "summary": "Tốt"},
        {"summary_on": DATES},
    ),
    "inspection decision": (
        lambda o, w: f"/inspections/visits/{o['item'].pk}/decision/",
        lambda o, w: {"decision_date": "04/05/2020", "planned_on": "20/05/2020"},
        {"decision_date": DATES, "planned_on": DATES},
    ),
    "inspection minutes": (
        lambda o, w: f"/inspections/visits/{o['item'].pk}/minutes/",
        lambda o, w: {
            "date": "20/05/2020",
            "lead": "Trần Văn Trưởng",
            "lead_post": "Phó Chi cục trưởng",
            "commune_representative": "Võ Văn Chủ",
            "commune_representative_post": "Chủ tịch UBND xã",
            "place": "Phòng họp UBND xã",
            "started_at": "08:00",
            "ended_at": "11:00",
            **{f"r_{key}": "conforms" for key in _art36()},
        },
        {"date": DATES, "started_at": ["25:00", "8h", "x" * 50, "\x00"]},
    ),
    "inspection announcement": (
        lambda o, w: f"/inspections/visits/{o['item'].pk}/announcement/",
        lambda o, w: {
            "announced_on": "20/05/2020",
            "announced_at": "08:00",
            "place": "Phòng họp UBND xã",
            "commune_representative": "Võ Văn Chủ",
            "commune_representative_post": "Chủ tịch UBND xã",
            "attendees": "Lê Thị Thư – Thư ký ISO",
        },
        {"announced_on": DATES, "announced_at": ["25:00", "x" * 50], "attendees": ["Lê Thị Thư"]},
    ),
    "annual report edit": (
        lambda o, w: f"/reports/annual/{o['report'].pk}/",
        lambda o, w: {"issued_on": "10/12/2020", "achievements": "Tốt"},
        {"issued_on": DATES},
    ),
    "annual report create": (
        lambda o, w: "/reports/annual/",
        lambda o, w: {"province": w["province"].pk, "year": "2019"},
        {"year": YEARS},
    ),
    "programme create": (
        lambda o, w: "/programmes/new/",
        lambda o, w: {
            "name": "Đợt 2020",
            "province": w["province"].pk,
            "year_start": "2020",
            "year_end": "2021",
            "standard": "2015",
            "consultant": w["consultant_org"].pk,
            "start_date": "01/06/2020",
            "budget": "0",
        },
        {"year_start": YEARS, "year_end": YEARS, "start_date": DATES, "budget": AMOUNTS},
    ),
    "participation create": (
        lambda o, w: f"/programmes/{w['other_programme'].pk}/communes/new/",
        lambda o, w: {
            "p-commune": w["commune"].pk,
            "p-kind": "new",
            "p-budget_allocated": "0",
            "p-start_date": "01/06/2020",
        },
        {"p-budget_allocated": AMOUNTS, "p-start_date": DATES},
    ),
    "corrective action done": (
        lambda o, w: f"/corrective-actions/{o['action'].pk}/",
        lambda o, w: {"op": "done", "done_on": "01/11/2020", "evidence": _evidence()},
        {"done_on": DATES},
    ),
    "milestone update": (
        lambda o, w: f"/milestones/{o['m'].pk}/",
        lambda o, w: {"status": "done", "completed_on": "01/11/2020", "version": o["m"].version},
        {"completed_on": DATES},
    ),
}


def _art36():
    from audits.models import Art36

    return Art36.values


def _evidence():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        "bien-ban.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
    )


PERSONA = {"corrective action done": "commune_officer", "milestone update": "commune_officer"}
CASES = [
    (name, field, value)
    for name, (_url, _data, fields) in FORMS.items()
    for field, values in fields.items()
    for value in values
]


def _post(client, personas, objects, world, name, changes):
    url, data, _fields = FORMS[name]
    client.force_login(personas[PERSONA.get(name, "dost_staff")])
    return client.post(url(objects, world), {**data(objects, world), **changes})


def _snapshot(objects):
    rows = [InspectionPlan, PlannedInspection, AnnualReport, Milestone]
    return [list(model.objects.order_by("pk").values()) for model in rows]


@pytest.mark.parametrize("name", FORMS)
def test_each_form_accepts_its_ordinary_data(client, personas, objects, world, name):
    response = _post(client, personas, objects, world, name, {})
    assert response.status_code == 302, re.findall(r"invalid-feedback[^>]*>([^<]+)", response.text)


@pytest.mark.parametrize(("name", "field", "value"), CASES)
def test_an_edge_value_is_refused_with_a_message_never_a_server_error(
    client, personas, objects, world, name, field, value
):
    before = _snapshot(objects)
    response = _post(client, personas, objects, world, name, {field: value})
    assert response.status_code == 200
    html = response.content.decode()
    control = re.search(rf'<(?:input|select|textarea)[^>]*name="{field}"[^>]*>', html)
    assert control and "is-invalid" in control.group(0), (name, field, value)
    assert _snapshot(objects) == before


@pytest.mark.parametrize("version", ["0", "-1", HUGE])
def test_a_tampered_version_of_a_milestone_is_answered_never_a_server_error(
    client, personas, objects, world, version
):
    before = _snapshot(objects)
    response = _post(client, personas, objects, world, "milestone update", {"version": version})
    assert response.status_code in (200, 409)  # refused, or a conflict with the current row
    assert _snapshot(objects) == before
