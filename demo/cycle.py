"""The yearly cycle in the demo (issue 10): for 2018–2025, the maintenance of the communes that
announced their QMS (internal audits and management reviews, processes revised after a legal
change), the DOST's inspection plans with their decisions and minutes, and the annual reports.

Illustrative, from a seeded generator so that every run builds the same rows; a second run
changes nothing (each year is skipped once its plan exists). Official numbers the project does
not have (plan, decision and report numbers, approval decisions) stay empty, as the user would
find them before typing them; the dates of the demo's own documents are illustrative.
Some communes skip an audit or a review some years, revise a process late, or report their
corrective actions after the two months, so the compliance pages have late communes to show.
"""

import datetime
import random
from types import SimpleNamespace

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history.models import HistoricalRecords

from audits.models import (
    Announcement,
    Art36,
    Audit,
    ChecklistAnswer,
    Finding,
    InspectionPlan,
    PlannedInspection,
    add_months,
    onsite_required,
)
from audits.services import inspection_minutes_record
from demo.completion import convert_to_2015
from demo.money import inspection_budget
from procedures.models import Procedure, ScopeItem
from reports.models import AnnualReport

YEARS = range(2018, 2026)
VERIFIED_AFTER_DAYS = 7  # the Sở verifies an inspection's corrective action a week after it is done
AMENDED_ON = datetime.date(2022, 1, 1)  # illustrative: a civil-status change in force on 1/1/2022
RECIPIENTS_PLAN = "UBND tỉnh (b/c)\nUBND các xã có tên trong Kế hoạch\nLưu: VT, Chi cục TĐC"
RECIPIENTS_REPORT = "Ủy ban nhân dân tỉnh\nLưu: VT, Chi cục TĐC"  # the Sở reports to UBND tỉnh
NOTES = {
    "2d": "Một số quy trình chưa cập nhật văn bản quy phạm pháp luật mới.",
    "1dd": "Chưa thực hiện đầy đủ hành động khắc phục sau đánh giá nội bộ.",
    "2c": "Chưa đăng tải quyết định công bố trên trang thông tin điện tử.",
}


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _dated(obj, day: datetime.date, hour: int = 9):
    """Record ``obj``'s next save in its history on ``day``, the date it happened in the story."""
    obj._history_date = _at(day, hour)
    return obj


def _day(rng: random.Random, year: int, first_month: int, last_month: int) -> datetime.date:
    return datetime.date(year, rng.randint(first_month, last_month), rng.randint(1, 28))


def _maintenance(commune, year: int, rng: random.Random, by) -> int:
    """The commune's internal audit and management review of ``year`` (sometimes skipped)."""
    created = 0
    for kind, months, skip in (
        (Audit.Kind.INTERNAL_AUDIT, (5, 10), 0.12),
        (Audit.Kind.MANAGEMENT_REVIEW, (10, 12), 0.15),
    ):
        if rng.random() < skip:
            continue
        audit = Audit(commune=commune, kind=kind, date=_day(rng, year, *months), lead="Thư ký ISO")
        audit.created_by = by
        audit._history_user = by
        _dated(audit, audit.date, 15).save()
        created += 1
    return created


def _revisions(communes, rng: random.Random) -> int:
    """A civil-status procedure amended in force on 1/1/2022: most communes revise their process
    within three months (QĐ 19/2014 Art. 4.4.a), some late, a few not yet."""
    procedure = (
        Procedure.objects.filter(field__code="ho-tich", scope_items__commune__in=communes)
        .order_by("name")
        .first()
    )
    if procedure is None or procedure.amended_on == AMENDED_ON:
        return 0
    changed = 0
    # The 2017 amendments of the wave: most communes bring their processes up to date early 2018.
    stale = ScopeItem.objects.filter(commune__in=communes, procedure__amended_on__gt=F("issued_on"))
    for item in stale:
        if rng.random() < 0.85:
            item.issued_on = _day(rng, 2018, 1, 4)
            item.revision += 1
            _dated(item, item.issued_on).save()
            changed += 1
    procedure.amended_on = AMENDED_ON
    _dated(procedure, AMENDED_ON, 8).save()
    for item in ScopeItem.objects.filter(procedure=procedure, commune__in=communes):
        roll = rng.random()
        if roll < 0.1 or item.issued_on is None:
            continue  # not revised yet
        delay = rng.randint(20, 80) if roll < 0.8 else rng.randint(100, 200)
        item.issued_on = AMENDED_ON + datetime.timedelta(days=delay)
        item.revision += 1
        _dated(item, item.issued_on).save()
        changed += 1
    return changed


def _plan(province, year: int, communes, rng: random.Random, by) -> InspectionPlan:
    issued_on = datetime.date(year, 3, rng.randint(2, 20))
    plan = InspectionPlan(
        province=province,
        year=year,
        period_start=datetime.date(year, 4, 1),
        period_end=datetime.date(year, 10, 31),
        budget=inspection_budget(len(communes)),
        issued_on=issued_on,
        signer_title="KT. Giám đốc Phó Giám đốc",
        recipients=RECIPIENTS_PLAN,
        created_by=by,
    )
    _dated(plan, issued_on).save()
    onsite = set(rng.sample(range(len(communes)), onsite_required(len(communes))))
    for index, commune in enumerate(communes):
        form = PlannedInspection.Form.ONSITE if index in onsite else PlannedInspection.Form.RECORDS
        _dated(PlannedInspection(plan=plan, commune=commune, form=form), issued_on).save()
    return plan


def _state_who_is_left_out(plan, communes, maintaining) -> None:
    """A plan that leaves out communes of the wave still building or extending their QMS that
    year says so, and why, in its summary (TT 26/2014 Art. 33.2: every body checked through its
    records, one third at its office; the plan's page counts every commune of the wave in force
    that year and warns)."""
    start = datetime.date(plan.year, 1, 1)
    in_force = [c for c in communes if not c.valid_until or c.valid_until >= start]
    left_out = len(in_force) - len(maintaining)
    if left_out <= 0:
        return
    onsite = plan.items.filter(form=PlannedInspection.Form.ONSITE).count()
    plan.summary = (
        f"Kế hoạch năm {plan.year} kiểm tra {len(maintaining)} UBND cấp xã đã công bố HTQLCL "
        f"trước năm {plan.year} ({onsite} tại trụ sở, một phần ba số cơ quan trong kế hoạch). "
        f"{left_out} UBND cấp xã khác của đợt 2017 còn đang xây dựng hoặc mở rộng HTQLCL trong "
        f"năm {plan.year}, được theo dõi qua lộ trình của đợt triển khai và kiểm tra từ năm "
        f"{plan.year + 1}; vì vậy kế hoạch chưa đạt yêu cầu kiểm tra mọi cơ quan và một phần ba "
        "tại trụ sở tính trên tất cả các xã của đợt (Điều 33 Thông tư số 26/2014/TT-BKHCN)."
    )
    _dated(plan, plan.issued_on).save(update_fields=["summary"])


def _inspect(item, rng: random.Random, by, *, until: datetime.date) -> None:
    """The visit's decision and minutes, the findings' corrective actions (some late)."""
    year = item.plan.year
    visit = _day(rng, year, 5, 10)
    if visit > until:
        return
    if item.is_onsite:
        item.decision_date = visit - datetime.timedelta(days=rng.randint(7, 20))
        item.planned_on = visit
        item.team_lead = "Trưởng phòng Quản lý Tiêu chuẩn Chất lượng"
        item.team_members = "Chuyên viên Chi cục TĐC\nChuyên viên Sở Nội vụ"
        _dated(item, item.decision_date).save()
    failing = rng.sample(sorted(NOTES), k=rng.choice([0, 0, 1, 1, 2]))
    answers = [
        (key, ChecklistAnswer.Result.DOES_NOT, NOTES[key])
        if key in failing
        else (key, ChecklistAnswer.Result.CONFORMS, "")
        for key in Art36.values
    ]
    audit = inspection_minutes_record(
        item=item,
        by=by,
        date=visit,
        lead=item.team_lead or "Chuyên viên Chi cục TĐC",
        summary="Cơ bản duy trì Hệ thống quản lý chất lượng theo quy định.",
        commune_representative="Chủ tịch UBND xã",
        answers=answers,
    )
    # The service records the minutes as of now: in the story they are of the visit's day.
    at = _at(visit, 15)
    Audit.history.filter(id=audit.pk, history_date__gt=at).update(history_date=at)
    findings = audit.findings.values("pk")
    Finding.history.filter(id__in=findings, history_date__gt=at).update(history_date=at)
    PlannedInspection.history.filter(id=item.pk, history_date__gt=at).update(history_date=at)
    for finding in audit.findings.all():
        due = add_months(audit.date, 2)
        done = due + datetime.timedelta(days=rng.randint(-40, 35))
        action = _dated(
            finding.corrective_actions.model(
                finding=finding,
                description="Khắc phục: " + finding.description,
                owner="Thư ký ISO",
                due_date=due,
            ),
            audit.date,
            16,
        )
        action.save()
        if done <= until:
            action.done_on = done
            _dated(action, done, 16).save()
            _answer(finding, action, by, until=until)


def _answer(finding, action, by, *, until: datetime.date) -> None:
    """The Sở answers the body's report (TT 26/2014 Art. 37.2.d): it accepts the action a week after
    it is done and closes the finding, so no unit keeps a finding open past its end."""
    verified = action.done_on + datetime.timedelta(days=VERIFIED_AFTER_DAYS)
    if verified > until:
        return
    action.verified_by = by
    action.verified_at = _at(verified, 10)
    action._history_user = by
    _dated(action, verified, 10).save()
    finding.status = Finding.Status.CLOSED
    finding.closed_on = verified
    finding._history_user = by
    _dated(finding, verified, 11).save()


def load_cycle(*, today: datetime.date, by=None) -> int:
    """Build the yearly cycle up to ``today`` (the years that have begun); returns the rows made.

    Every change it makes is recorded in the histories as ``by``'s."""
    previous = getattr(HistoricalRecords.context, "request", None)
    HistoricalRecords.context.request = SimpleNamespace(user=by)
    try:
        return _load_cycle(today=today, by=by)
    finally:
        HistoricalRecords.context.request = previous


@transaction.atomic
def _load_cycle(*, today: datetime.date, by=None) -> int:
    rng = random.Random(2018)
    announced = Announcement.objects.order_by("commune__code").values_list("commune", flat=True)
    announcements = {}
    for a in Announcement.objects.select_related("commune__province").order_by("decision_date"):
        announcements.setdefault(a.commune_id, a)
    communes = [a.commune for a in announcements.values()]
    if not communes or not set(announced):
        return 0
    created = _revisions(communes, rng)
    province = communes[0].province
    for year in YEARS:
        if datetime.date(year, 1, 1) > today or InspectionPlan.objects.filter(year=year).exists():
            continue
        maintaining = [c for c in communes if announcements[c.pk].decision_date.year < year]
        # A unit that ends during the year (the 2025 reorganisation, 30/6/2025) leaves that
        # year's cycle to its successor, which builds its own QMS (demo/reorganisation.py).
        last_day = datetime.date(year, 12, 31)
        maintaining = [c for c in maintaining if not c.valid_until or c.valid_until >= last_day]
        # A commune still extending its QMS in the wave (re-announcing that year) is checked at
        # its re-announcement, not inspected as well (the 2018 end of the 2017 wave).
        extending = set(
            Announcement.objects.filter(
                decision_date__year=year, kind=Announcement.Kind.REANNOUNCEMENT
            ).values_list("commune", flat=True)
        )
        maintaining = [c for c in maintaining if c.pk not in extending]
        if not maintaining:
            continue
        for commune in maintaining:
            created += _maintenance(commune, year, rng, by)
        plan = _plan(province, year, maintaining, rng, by)
        _state_who_is_left_out(plan, communes, maintaining)
        for item in plan.items.select_related("plan", "commune"):
            _inspect(item, rng, by, until=today)
        # A few communes convert to TCVN ISO 9001:2015 in 2019-2020 (demo/completion.py).
        created += convert_to_2015(year)
        if datetime.date(year, 12, 1) <= today:
            _dated(
                AnnualReport(
                    province=province,
                    year=year,
                    figures_on=datetime.date(year, 12, 10),  # the day it is made
                    signer_title="Giám đốc",
                    recipients=RECIPIENTS_REPORT,
                    province_signer_title="TM. Ủy ban nhân dân\nKT. Chủ tịch\nPhó Chủ tịch",
                    created_by=by,
                ),
                datetime.date(year, 12, 10),
            ).save()
        created += 1 + len(maintaining)
    return created
