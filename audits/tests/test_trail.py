"""The inspection trail's records (TT 26/2014 Arts. 33–38) through the pages DOST staff use: the
approval and the request of a plan, the announcement of a decision, the minutes of a visit with
its hours, place and people, the letter after a check of records, the Sở's answer to each
corrective action (which alone closes the two-month follow-up), the checklist the records answer,
the Sở's date for the 2015 edition, the one-third rule for the obliged bodies only, and the
legal bases as data."""

import datetime
import re

import pytest

from audits import inspections
from audits.models import (
    Answer,
    Art36,
    Audit,
    ChecklistAnswer,
    CorrectiveAction,
    FollowUp,
    InspectionPlan,
    LegalBasis,
    PlannedInspection,
    ProvinceDuties,
    communes_edition_overdue,
)
from audits.services import inspection_minutes_record
from audits.tests.factories import AnnouncementFactory
from communes.models import Commune
from procedures.tests.factories import ProcedureFactory, ScopeItemFactory

D = datetime.date
TODAY = D(2020, 12, 20)


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.QMS_AS_OF = TODAY
    settings.LANGUAGE_CODE = "vi"


@pytest.fixture
def plan(world):
    return InspectionPlan.objects.create(
        province=world["province"], year=2020, issued_on=D(2020, 3, 5), budget=20_000_000
    )


@pytest.fixture
def visit(plan, world):
    return PlannedInspection.objects.create(
        plan=plan, commune=world["commune"], form="onsite", decision_date=D(2020, 5, 10)
    )


VISIT_DAY = D(2020, 6, 1)


def record(item, day=VISIT_DAY, failing=("2d",)):
    answers = [
        (key, "does_not", "Chưa cập nhật") if key in failing else (key, "conforms", "")
        for key in Art36.values
    ]
    return inspection_minutes_record(
        item=item,
        by=None,
        date=day,
        lead="Trần Văn Trưởng",
        summary="",
        commune_representative="Võ Văn Chủ",
        answers=answers,
    )


# The law as data --------------------------------------------------------------------------------


@pytest.mark.usefixtures("legal_bases")
def test_the_legal_bases_are_seeded_with_the_dates_the_project_holds_and_cited_when_in_force():
    numbers = set(LegalBasis.objects.values_list("number", flat=True))
    assert {"19/2014/QĐ-TTg", "26/2014/TT-BKHCN", "116/2015/TT-BTC", "30/2020/NĐ-CP"} <= numbers
    decree = LegalBasis.objects.get(number="30/2020/NĐ-CP")
    assert decree.signed_on is None and decree.in_force_from is None  # typed by the user
    on = LegalBasis.objects.in_force_on
    assert list(on(D(2014, 6, 1)).values_list("number", flat=True)) == ["19/2014/QĐ-TTg"]
    assert "26/2014/TT-BKHCN" in set(on(D(2014, 12, 1)).values_list("number", flat=True))
    assert not on(D(2030, 1, 1)).filter(number="30/2020/NĐ-CP").exists()  # no dates: not cited
    LegalBasis.objects.filter(number="19/2014/QĐ-TTg").update(in_force_until=D(2025, 12, 31))
    assert not on(D(2026, 1, 1)).filter(number="19/2014/QĐ-TTg").exists()
    assert on(D(2025, 12, 31)).filter(number="19/2014/QĐ-TTg").exists()


# The two-month follow-up closes with the Sở's answer ---------------------------------------------


def test_only_an_action_the_sở_accepted_counts_as_fixed_within_two_months(plan, visit):
    audit = record(visit)
    assert audit.corrections_due == D(2020, 8, 1)
    finding = audit.findings.get()
    make = finding.corrective_actions.create
    fixed = make(description="a", owner="o", due_date=D(2020, 8, 1), done_on=D(2020, 7, 20))
    late = make(description="b", owner="o", due_date=D(2020, 8, 1), done_on=D(2020, 8, 10))
    refused = make(description="c", owner="o", due_date=D(2020, 8, 1), done_on=D(2020, 7, 1))
    open_ = make(description="d", owner="o", due_date=D(2020, 8, 1), done_on=D(2020, 7, 25))
    for action, answer, day in (
        (fixed, "accepted", D(2020, 7, 27)),
        (late, "accepted", D(2020, 8, 17)),
    ):
        CorrectiveAction.objects.filter(pk=action.pk).update(answer=answer, answered_on=day)
    CorrectiveAction.objects.filter(pk=refused.pk).update(
        answer="refused", answered_on=D(2020, 7, 8), answer_note="Thiếu bằng chứng"
    )
    actions = CorrectiveAction.objects.after_inspections()
    assert actions.follow_up_counts(D(2020, 7, 30)) == {
        FollowUp.FIXED: 1,
        FollowUp.ACCEPTED_LATE: 0,
        FollowUp.REFUSED: 1,
        FollowUp.PENDING: 2,  # done, no answer yet, within the two months (and the late one)
        FollowUp.LATE: 0,
    }
    assert actions.follow_up_counts(D(2020, 9, 1)) == {
        FollowUp.FIXED: 1,
        FollowUp.ACCEPTED_LATE: 1,
        FollowUp.REFUSED: 1,
        FollowUp.PENDING: 0,
        FollowUp.LATE: 1,  # reported in time, never answered: not fixed
    }
    assert list(actions.fixed_in_time(D(2020, 9, 1))) == [fixed]
    _rows, totals = inspections.plan_results(plan, D(2020, 9, 1))
    assert (totals["actions_fixed"], totals["actions_late"]) == (1, 1)
    assert open_.answer == ""


def answer_post(action, answer, reason="", day="10/08/2020"):
    return {
        "answer_number": "",
        "answer_date": day,
        f"a{action.pk}": answer,
        f"w{action.pk}": reason,
    }


def test_dost_staff_answer_each_action_and_an_accepted_one_closes_its_finding(
    client, dost_staff, commune_officer, visit
):
    audit = record(visit)
    finding = audit.findings.get()
    action = finding.corrective_actions.create(
        description="Cập nhật quy trình", owner="Thư ký ISO", due_date=D(2020, 8, 1)
    )
    url = f"/inspections/visits/{visit.pk}/answer/"
    client.force_login(commune_officer)
    assert client.post(url, answer_post(action, "accepted")).status_code == 403
    client.force_login(dost_staff)
    page = client.post(url, answer_post(action, "accepted")).content.decode()
    assert "Cơ quan chưa báo cáo hành động khắc phục này." in page
    CorrectiveAction.objects.filter(pk=action.pk).update(done_on=D(2020, 7, 20))
    page = client.post(url, answer_post(action, "refused")).content.decode()
    assert "Nêu lý do chưa chấp nhận hành động khắc phục." in page
    page = client.post(url, answer_post(action, "accepted", day="15/07/2020")).content.decode()
    assert "không thể trước ngày cơ quan báo cáo (20/07/2020)" in page
    action.refresh_from_db()
    assert action.answer == "" and action.verified_at is None  # nothing half-saved
    response = client.post(url, answer_post(action, "refused", "Chưa có bằng chứng"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.answer, action.answer_note, action.verified_at) == (
        Answer.REFUSED,
        "Chưa có bằng chứng",
        None,
    )
    client.post(url, answer_post(action, "accepted", day="12/08/2020"))
    action.refresh_from_db()
    finding.refresh_from_db()
    visit.refresh_from_db()
    assert (action.answer, action.answered_on, action.answer_note) == (
        "accepted",
        D(2020, 8, 12),
        "",
    )
    assert action.verified_by == dost_staff and finding.status == "closed"
    assert visit.answer_date == D(2020, 8, 12)
    answers = [h.answer for h in action.history.order_by("history_date", "history_id")]
    assert answers.index("refused") < answers.index("accepted")  # the refusal stays in history
    assert list(CorrectiveAction.objects.fixed_in_time(D(2020, 9, 1))) == [action]


# The trail's pages ------------------------------------------------------------------------------


def test_the_approval_and_the_request_are_typed_with_their_checks(client, dost_staff, plan):
    client.force_login(dost_staff)
    url = f"/inspections/{plan.pk}/"
    page = client.post(
        url, {"op": "approval", "approval_number": "12/QĐ-UBND", "approval_date": "01/03/2020"}
    ).content.decode()
    assert "Chọn Ủy ban nhân dân tỉnh ban hành kế hoạch của mình hay phê duyệt" in page
    assert "không thể trước kế hoạch của Sở (05/03/2020)" in page
    data = {"op": "approval", "approval_kind": "decision", "approval_date": "15/03/2020"}
    assert client.post(url, data).status_code == 302
    page = client.post(
        url, {"op": "request", "request_date": "10/03/2020", "request_due": "01/03/2020"}
    ).content.decode()
    assert "không thể ghi ngày trước 15/03/2020" in page
    assert "Hạn báo cáo phải sau ngày gửi văn bản đề nghị." in page
    data = {"op": "request", "request_date": "20/03/2020", "request_due": "20/04/2020"}
    assert client.post(url, data).status_code == 302
    plan.refresh_from_db()
    assert (plan.approval_kind, plan.approval_number, plan.request_due) == (
        "decision",
        "",  # never invented: blank until typed
        D(2020, 4, 20),
    )
    assert plan.history.count() == 3


def test_the_announcement_needs_its_hour_place_and_the_posts_of_those_present(
    client, dost_staff, visit
):
    client.force_login(dost_staff)
    url = f"/inspections/visits/{visit.pk}/announcement/"
    data = {
        "announced_on": "01/05/2020",
        "announced_at": "8 giờ",
        "place": "",
        "commune_representative": "Võ Văn Chủ",
        "commune_representative_post": "",
        "attendees": "Lê Thị Thư\nPhạm Văn Hai – Công chức",
    }
    page = client.post(url, data).content.decode()
    assert "Nhập giờ theo dạng hh:mm, ví dụ 08:30." in page
    assert "Dòng 1: ghi họ tên và chức vụ" in page
    assert "Quyết định được công bố sau khi ký (10/05/2020)." in page
    assert "Ghi chức vụ của người đại diện cơ quan." in page
    data.update(
        announced_on="20/05/2020",
        announced_at="08:00",
        place="Phòng họp UBND xã",
        commune_representative_post="Phó Chủ tịch UBND xã",
        attendees="Lê Thị Thư – Thư ký ISO\nPhạm Văn Hai - Công chức",
    )
    assert client.post(url, data).status_code == 302
    visit.refresh_from_db()
    assert visit.announced_at == datetime.time(8, 0) and visit.place == "Phòng họp UBND xã"
    assert [str(p) for p in visit.present] == [
        "Võ Văn Chủ – Phó Chủ tịch UBND xã",
        "Lê Thị Thư – Thư ký ISO",
        "Phạm Văn Hai – Công chức",
    ]
    assert visit.history.first().history_user == dost_staff


def minutes_post(**extra):
    data = {
        "date": "01/06/2020",
        "lead": "Trần Văn Trưởng",
        "lead_post": "Phó Chi cục trưởng",
        "commune_representative": "Võ Văn Chủ",
        "commune_representative_post": "Chủ tịch UBND xã",
        "place": "Phòng họp UBND xã",
        "started_at": "08:30",
        "ended_at": "11:00",
        "attendees": "",
        **{f"r_{key}": "conforms" for key in Art36.values},
        **{f"n_{key}": "" for key in Art36.values},
    }
    return {**data, **extra}


def test_the_minutes_of_a_visit_hold_its_hours_and_place(client, dost_staff, visit):
    client.force_login(dost_staff)
    url = f"/inspections/visits/{visit.pk}/minutes/"
    page = client.post(url, minutes_post(place="", ended_at="08:00")).content.decode()
    assert "Biên bản kiểm tra tại trụ sở cần thông tin này (Mẫu 21. BBKT)." in page
    assert "Giờ kết thúc phải sau giờ bắt đầu." in page
    assert not Audit.objects.exists()
    assert client.post(url, minutes_post()).status_code == 302
    visit.refresh_from_db()
    assert (visit.started_at, visit.ended_at) == (datetime.time(8, 30), datetime.time(11, 0))
    assert visit.team_lead_post == "Phó Chi cục trưởng" and visit.place == "Phòng họp UBND xã"


def test_a_check_of_records_ends_with_a_letter_not_minutes(client, dost_staff, plan, world):
    item = PlannedInspection.objects.create(
        plan=plan, commune=world["other_commune"], form="records"
    )
    client.force_login(dost_staff)
    url = f"/inspections/visits/{item.pk}/letter/"
    assert client.post(url, {"letter_date": "10/06/2020"}).status_code == 404  # nothing checked yet
    # The minutes form of a check of records asks no hours and no place.
    assert (
        client.post(
            f"/inspections/visits/{item.pk}/minutes/", minutes_post(place="", started_at="")
        ).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.audit.kind == Audit.Kind.INSPECTION_RECORDS and item.place == ""
    page = client.post(url, {"letter_number": "", "letter_date": "20/05/2020"}).content.decode()
    assert "Văn bản được gửi sau khi kiểm tra hồ sơ (01/06/2020)." in page
    assert client.post(url, {"letter_number": "", "letter_date": "10/06/2020"}).status_code == 302
    item.refresh_from_db()
    assert item.letter_date == D(2020, 6, 10) and item.letter_number == ""
    assert inspections.inspection_documents(item) == ["letter"]


# The checklist the records answer --------------------------------------------------------------


def test_the_records_prefill_the_checklist_and_flag_a_conforms_they_contradict(
    client, dost_staff, visit, world
):
    commune = world["commune"]
    covered = ProcedureFactory()
    ProcedureFactory()  # a procedure in force the scope leaves out
    ScopeItemFactory(commune=commune, procedure=covered, state="applied", issued_on=D(2019, 1, 1))
    AnnouncementFactory(commune=commune, decision_date=D(2019, 2, 1), standard="2008")
    ProvinceDuties.objects.create(province=commune.province, edition_deadline=D(2019, 12, 31))
    known = inspections.known_answers(commune, D(2020, 6, 1))
    assert known[Art36.SCOPE].result == ChecklistAnswer.Result.DOES_NOT
    assert known[Art36.SCOPE].evidence == "Phạm vi áp dụng gồm 1/2 thủ tục hành chính (thiếu 1)."
    assert known[Art36.STANDARD].result == ChecklistAnswer.Result.DOES_NOT
    assert (
        "quá thời hạn chuyển đổi sang TCVN ISO 9001:2015 (31/12/2019)"
        in known[Art36.STANDARD].evidence
    )
    client.force_login(dost_staff)
    page = client.get(f"/inspections/visits/{visit.pk}/").content.decode()
    assert re.search(r'name="r_1a" value="does_not"[^>]*checked', page)  # prefilled
    assert re.search(r'name="r_1c" value="does_not"[^>]*checked', page)
    assert "Phạm vi áp dụng gồm 1/2 thủ tục hành chính (thiếu 1)." in page
    record(visit, failing=())  # every item answered "conforms"
    page = client.get(f"/inspections/visits/{visit.pk}/").content.decode()
    assert "Dữ liệu của Sở mâu thuẫn với các nội dung được đánh giá “Phù hợp”:" in page
    assert "mâu thuẫn với “Phù hợp”" in page


# The Sở's date for the 2015 edition ------------------------------------------------------------


def test_a_body_still_on_2008_after_the_sở_date_is_flagged(client, dost_staff, world, settings):
    commune, other = world["commune"], world["neighbour_commune"]
    AnnouncementFactory(commune=commune, decision_date=D(2018, 1, 10), standard="2008")
    AnnouncementFactory(commune=other, decision_date=D(2018, 1, 10), standard="2008")
    AnnouncementFactory(
        commune=other, decision_date=D(2021, 3, 1), standard="2015", kind="conversion"
    )
    communes = Commune.objects.all()
    assert communes_edition_overdue(communes, D(2021, 7, 1)) == []  # no date set: none
    duties = ProvinceDuties.objects.create(
        province=commune.province, edition_deadline=D(2021, 6, 30)
    )
    assert communes_edition_overdue(communes, D(2021, 6, 30)) == []
    assert communes_edition_overdue(communes, D(2021, 7, 1)) == [commune]
    client.force_login(dost_staff)
    page = client.get("/dashboard/?as_of=01/07/2021").content.decode()
    assert 'id="edition-overdue"' in page and commune.name in page
    assert 'id="edition-overdue"' not in client.get("/dashboard/?as_of=30/06/2021").content.decode()
    duties.edition_deadline = None
    duties.save()
    assert communes_edition_overdue(communes, D(2024, 1, 1)) == []


def test_dost_staff_set_the_sở_dates_and_a_manager_cannot(client, dost_staff, manager, world):
    data = {
        "province": world["province"].pk,
        "edition_deadline": "30/06/2014",
        "edition_basis": "Công văn số 419/BKHCN-TĐC ngày 21/02/2018",
        "communes_obliged_from": "",
    }
    client.force_login(manager)
    assert client.post("/inspections/", data).status_code == 403
    client.force_login(dost_staff)
    page = client.post("/inspections/", data).content.decode()
    assert "TCVN ISO 9001:2015 thay thế phiên bản 2008 từ ngày 31/12/2015" in page
    data["edition_deadline"] = "30/06/2021"
    assert client.post("/inspections/", data).status_code == 302
    assert (
        client.post("/inspections/", {**data, "edition_deadline": "31/12/2020"}).status_code == 302
    )
    duties = ProvinceDuties.objects.get()  # one record a province, updated
    assert duties.edition_deadline == D(2020, 12, 31) and duties.history.count() == 2


# The one-third rule: the obliged bodies ----------------------------------------------------------


def test_the_one_third_rule_counts_the_obliged_bodies_and_lists_the_voluntary_apart(
    client, dost_staff, plan, world
):
    client.force_login(dost_staff)
    data = {
        "op": "check",
        f"c{world['commune'].pk}": "records",
        f"c{world['neighbour_commune'].pk}": "records",
        f"c{world['other_commune'].pk}": "records",
    }
    html = client.post(f"/inspections/{plan.pk}/", data, HTTP_HX_REQUEST="true").content.decode()
    assert "Quy tắc một phần ba (Điều 33.2 Thông tư 26/2014), áp dụng cho cơ quan bắt buộc" in html
    assert "không cơ quan nào trong kế hoạch bắt buộc áp dụng HTQLCL" in html
    assert "3 UBND cấp xã áp dụng tự nguyện (Điều 2.2.c QĐ 19/2014)" in html
    ProvinceDuties.objects.create(province=plan.province, communes_obliged_from=D(2020, 1, 1))
    html = client.post(f"/inspections/{plan.pk}/", data, HTTP_HX_REQUEST="true").content.decode()
    assert "0 kiểm tra tại trụ sở, cần tối thiểu 1" in html and "tự nguyện" not in html
