"""The DOST's yearly inspections (TT 26/2014 Arts. 33–38): the plan with its one-third check,
the decision of an on-site visit, the minutes against Art. 36, the two-month corrective actions,
the November summary."""

import datetime
import re

import pytest

from audits import inspections
from audits.models import (
    Art36,
    Audit,
    ChecklistAnswer,
    Finding,
    InspectionPlan,
    PlannedInspection,
    ProvinceDuties,
)
from audits.tests.factories import FindingFactory

D = datetime.date
TODAY = D(2020, 11, 20)


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.QMS_AS_OF = TODAY
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def plan(world):
    return InspectionPlan.objects.create(province=world["province"], year=2020, budget=20_000_000)


@pytest.fixture
def obliged(world):
    """The Sở's date from which the communes must apply the QMS: before the plans' year."""
    return ProvinceDuties.objects.create(
        province=world["province"], communes_obliged_from=D(2019, 1, 1)
    )


def items_post(world, a="", b="", c=""):
    return {
        "op": "items",
        f"c{world['commune'].pk}": a,
        f"c{world['neighbour_commune'].pk}": b,
        f"c{world['other_commune'].pk}": c,
    }


@pytest.mark.parametrize(
    ("persona", "status"),
    [("commune_officer", 403), ("district_officer", 403), ("manager", 200), ("dost_staff", 200)],
)
def test_the_plans_are_for_the_province_wide_roles(client, personas, plan, persona, status):
    client.force_login(personas[persona])
    assert client.get("/inspections/").status_code == status
    expected = 404 if status == 403 else 200
    assert client.get(f"/inspections/{plan.pk}/").status_code == expected


def test_anonymous_is_sent_to_the_login(client, plan):
    assert client.get(f"/inspections/{plan.pk}/").status_code == 302


def test_a_manager_reads_but_cannot_change_a_plan(client, manager, plan, world):
    client.force_login(manager)
    assert client.post("/inspections/new/", {"year": 2021}).status_code == 403
    response = client.post(f"/inspections/{plan.pk}/", items_post(world, a="onsite"))
    assert response.status_code == 403
    assert not plan.items.exists()


def test_a_plan_before_2000_is_refused_with_the_reason(client, dost_staff, world, settings):
    settings.LANGUAGE_CODE = "vi"
    client.force_login(dost_staff)
    data = {"province": world["province"].pk, "year": 1999, "budget": 0}
    data["inspecting_unit"] = "Chi cục TĐC"
    response = client.post("/inspections/new/", data, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    assert not InspectionPlan.objects.exists()
    html = response.content.decode()
    assert "2000" in html and "QĐ 19/2014/QĐ-TTg" in html


def test_dost_staff_draft_a_plan_and_choose_its_communes(client, dost_staff, world, obliged):
    client.force_login(dost_staff)
    data = {
        "province": world["province"].pk,
        "year": 2020,
        "inspecting_unit": "Chi cục Tiêu chuẩn Đo lường Chất lượng",
        "period_start": "01/04/2020",
        "period_end": "30/10/2020",
        "budget": 15000000,
        "number": "",
    }
    response = client.post("/inspections/new/", data)
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/inspections/{plan.pk}/"
    assert plan.number == "" and plan.created_by == dost_staff
    client.post(f"/inspections/{plan.pk}/", items_post(world, a="onsite", b="records"))
    assert dict(plan.items.values_list("commune__code", "form")) == {
        "28873": "onsite",
        "28876": "records",
    }
    html = client.get(f"/inspections/{plan.pk}/").content.decode()
    check = re.search(r'<div id="onsite-check".*?</div>', html, re.S).group(0)
    assert "2 of 3 obliged bodies in the plan" in check
    assert "1 on site, at least 1 required" in check and "one third met" in check


def test_the_one_third_check_follows_the_choices_before_saving(
    client, dost_staff, plan, world, obliged
):
    client.force_login(dost_staff)
    data = {**items_post(world, a="records", b="records", c="records"), "op": "check"}
    response = client.post(f"/inspections/{plan.pk}/", data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="onsite-check"')
    assert "0 on site, at least 1 required" in html and "below one third" in html
    assert not plan.items.exists()  # only checked, not saved


def test_a_decision_only_for_an_onsite_visit_and_within_the_year(client, dost_staff, plan, world):
    onsite = PlannedInspection.objects.create(plan=plan, commune=world["commune"], form="onsite")
    records = PlannedInspection.objects.create(
        plan=plan, commune=world["other_commune"], form="records"
    )
    client.force_login(dost_staff)
    url = "/inspections/visits/{}/decision/"
    data = {
        "decision_number": "",
        "decision_date": "15/12/2019",
        "team_lead": "Trần Văn B",
        "team_lead_post": "Phó Chi cục trưởng",
    }
    assert client.post(url.format(records.pk), data).status_code == 404
    response = client.post(url.format(onsite.pk), data)
    assert "outside the plan&#x27;s year 2020" in response.content.decode()
    data["decision_date"] = "15/05/2020"
    assert client.post(url.format(onsite.pk), data).status_code == 302
    onsite.refresh_from_db()
    assert (onsite.decision_number, onsite.decision_date) == ("", D(2020, 5, 15))


def minutes_data(date="20/05/2020", failing=None):
    data = {
        "date": date,
        "lead": "Trần Văn B",
        "lead_post": "Phó Chi cục trưởng",
        "commune_representative": "Lê Thị C",
        "commune_representative_post": "Chủ tịch UBND xã",
        "place": "Phòng họp UBND xã",
        "started_at": "08:00",
        "ended_at": "11:30",
    }
    for key in Art36.values:
        data[f"r_{key}"] = ChecklistAnswer.Result.CONFORMS
        data[f"n_{key}"] = ""
    for key, note in (failing or {}).items():
        data[f"r_{key}"] = ChecklistAnswer.Result.DOES_NOT
        data[f"n_{key}"] = note
    return data


def test_the_minutes_record_the_checklist_and_make_findings(client, dost_staff, plan, world):
    item = PlannedInspection.objects.create(
        plan=plan, commune=world["commune"], form="onsite", decision_date=D(2020, 5, 15)
    )
    client.force_login(dost_staff)
    url = f"/inspections/visits/{item.pk}/minutes/"
    response = client.post(url, minutes_data(failing={"2d": ""}))
    assert "Say what does not conform." in response.content.decode()
    response = client.post(url, minutes_data(date="10/05/2020"))
    assert "cannot come before its decision (15/05/2020)" in response.content.decode()
    response = client.post(url, minutes_data(failing={"2d": "Quy trình hộ tịch chưa cập nhật"}))
    item.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == f"/audits/{item.audit_id}/"
    audit = item.audit
    assert (audit.kind, audit.date, audit.commune) == (
        Audit.Kind.INSPECTION_ONSITE,
        D(2020, 5, 20),
        world["commune"],
    )
    assert audit.checklist.count() == len(Art36.values)
    (finding,) = audit.findings.all()
    assert finding.description == "Quy trình hộ tịch chưa cập nhật"
    assert finding.clause == "TT 26/2014 Đ.36 2.d"
    # Recorded again (corrected): the same audit, no second finding for the same item.
    client.post(url, minutes_data(failing={"2d": "Quy trình hộ tịch chưa cập nhật"}))
    assert Audit.objects.count() == 1 and Finding.objects.count() == 1


def test_corrective_actions_after_an_inspection_are_due_within_two_months(
    client, dost_staff, world
):
    inspection = Audit.objects.create(
        commune=world["commune"], kind=Audit.Kind.INSPECTION_ONSITE, date=D(2020, 5, 20), lead="B"
    )
    finding = FindingFactory(audit=inspection)
    client.force_login(dost_staff)
    url = f"/findings/{finding.pk}/actions/new/"
    prefix = f"f{finding.pk}"
    data = {f"{prefix}-description": "Cập nhật", f"{prefix}-owner": "Thư ký ISO"}
    response = client.post(url, {**data, f"{prefix}-due_date": "21/07/2020"})
    assert "by 20/07/2020 at the latest" in response.content.decode()
    assert not finding.corrective_actions.exists()
    response = client.post(url, {**data, f"{prefix}-due_date": "20/07/2020"})
    assert response.status_code == 302 and finding.corrective_actions.count() == 1


def test_a_commune_sees_its_own_inspection_only(client, commune_officer, plan, world):
    own = PlannedInspection.objects.create(plan=plan, commune=world["commune"], form="records")
    other = PlannedInspection.objects.create(
        plan=plan, commune=world["other_commune"], form="records"
    )
    client.force_login(commune_officer)
    assert client.get(f"/inspections/visits/{own.pk}/").status_code == 200
    assert client.get(f"/inspections/visits/{other.pk}/").status_code == 404
    assert client.post(f"/inspections/visits/{own.pk}/minutes/", minutes_data()).status_code == 403


def test_the_november_summary_counts_the_results(plan, world):
    item = PlannedInspection.objects.create(plan=plan, commune=world["commune"], form="onsite")
    PlannedInspection.objects.create(plan=plan, commune=world["other_commune"], form="records")
    from audits.services import inspection_minutes_record

    answers = [(key, "conforms", "") for key in Art36.values]
    answers[0] = ("1a", "does_not", "Thiếu 3 thủ tục")
    audit = inspection_minutes_record(
        item=item,
        by=None,
        date=D(2020, 6, 1),
        lead="B",
        summary="",
        commune_representative="",
        answers=answers,
    )
    finding = audit.findings.get()
    finding.corrective_actions.create(
        description="Bổ sung", owner="Thư ký", due_date=D(2020, 8, 1), done_on=D(2020, 8, 10)
    )
    rows, totals = inspections.plan_results(plan)
    assert totals == {
        "planned": 2,
        "onsite": 1,
        "done": 1,
        "conforms": 12,
        "does_not": 1,
        "findings": 1,
        "actions_fixed": 0,
        "actions_accepted_late": 0,
        "actions_refused": 0,
        "actions_pending": 0,
        "actions_late": 1,  # reported after the two months, and not accepted by the Sở
    }
    assert [r.item.commune.name for r in rows] == ["Xã Phong Nẫm", "Xã Phú Phụng"]
