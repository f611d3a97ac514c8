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

from accounts.models import User
from audits.models import (
    Announcement,
    Answer,
    Art36,
    Audit,
    ChecklistAnswer,
    Finding,
    InspectionPlan,
    LegalBasis,
    PlannedInspection,
    ProvinceDuties,
    add_months,
    onsite_required,
)
from audits.services import inspection_minutes_record
from communes.models import Province
from demo.builder import SURNAMES, one_spelling
from demo.completion import convert_to_2015
from demo.money import inspection_budget
from procedures.models import Procedure, ScopeItem
from reports.models import AnnualReport
from roadmap.models import Standard

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


# The Sở's dates (ProvinceDuties): the Ministry's date for the 2015 edition (letter 419/BKHCN-TĐC,
# the domain brief), and communes obliged from the two-level government of 1/7/2025 (the brief).
EDITION_DEADLINE = datetime.date(2021, 6, 30)
EDITION_BASIS = "Công văn số 419/BKHCN-TĐC ngày 21/02/2018 của Bộ Khoa học và Công nghệ"
COMMUNES_OBLIGED_FROM = datetime.date(2025, 7, 1)
NEW_PROVINCES_FROM = datetime.date(2025, 7, 1)  # the provinces of the 2025 reorganisation
# Illustrative: the communes still on 2008 convert early in 2021, but for FLAGGED of them.
FLAGGED = 3
MIDDLE_NAMES = ["Văn", "Thị", "Minh", "Thanh", "Hoàng", "Ngọc", "Quốc", "Hữu"]
GIVEN_NAMES = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Long", "Mai"]
GIVEN_NAMES += ["Nam", "Ngân", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Vy"]


def _name(rng: random.Random) -> str:
    """A fictional person's full name."""
    return " ".join((rng.choice(SURNAMES), rng.choice(MIDDLE_NAMES), rng.choice(GIVEN_NAMES)))


def _legal_bases(by) -> None:
    """The acts seeded by the migration (audits 0010), recorded in their history as the Sở's
    staff entered them when the cycle began (the demo's histories all say who)."""
    for basis in LegalBasis.objects.exclude(pk__in=LegalBasis.history.values("id")):
        basis._history_user = by
        _dated(basis, datetime.date(YEARS[0], 1, 2), 8).save()


def _duties(province) -> None:
    """The Sở's dates, for the wave's province and the province it became in 2025."""
    for p in [province, *Province.objects.filter(valid_from=NEW_PROVINCES_FROM)]:
        ProvinceDuties.objects.get_or_create(
            province=p,
            defaults={
                "edition_deadline": EDITION_DEADLINE,
                "edition_basis": EDITION_BASIS,
                "communes_obliged_from": COMMUNES_OBLIGED_FROM,
            },
        )


def _catch_up(communes, year: int) -> list[tuple[str, datetime.date]]:
    """The conversions to the 2015 edition before the Sở's date (in 2021, before that year's
    inspections), of every commune still on 2008 but ``FLAGGED`` of them (illustrative)."""
    if year != EDITION_DEADLINE.year:
        return []
    on_2008 = sorted(
        c.code
        for c in communes
        if not c.announcements.filter(standard=Standard.ISO_2015).exists()
        and (not c.valid_until or c.valid_until > EDITION_DEADLINE)
    )
    rng = random.Random(2021)
    keep = set(rng.sample(on_2008, min(FLAGGED, len(on_2008))))
    converting = [code for code in on_2008 if code not in keep]
    return [
        (code, datetime.date(year, 1, 11) + datetime.timedelta(days=2 * n))
        for n, code in enumerate(converting)
    ]


def _plan(province, year: int, communes, rng: random.Random, by, names) -> InspectionPlan:
    issued_on = datetime.date(year, 3, rng.randint(2, 20))
    approved = issued_on + datetime.timedelta(days=10)
    by_plan = year % 2 == 1  # the two ways the People's Committee approves it (illustrative)
    plan = InspectionPlan(
        province=province,
        year=year,
        period_start=datetime.date(year, 4, 1),
        period_end=datetime.date(year, 10, 31),
        budget=inspection_budget(len(communes)),
        issued_on=issued_on,
        signer_title="KT. Giám đốc Phó Giám đốc",
        signer_name=_name(names),
        recipients=RECIPIENTS_PLAN,
        approval_kind="plan" if by_plan else "decision",
        approval_date=approved,
        approval_signer_title=("TM. Ủy ban nhân dân " if by_plan else "")
        + "KT. Chủ tịch Phó Chủ tịch",
        approval_signer_name=_name(names),
        request_date=approved + datetime.timedelta(days=7),
        request_due=approved + datetime.timedelta(days=37),
        created_by=by,
    )
    _dated(plan, issued_on).save()
    onsite = set(rng.sample(range(len(communes)), onsite_required(len(communes))))
    for index, commune in enumerate(communes):
        form = PlannedInspection.Form.ONSITE if index in onsite else PlannedInspection.Form.RECORDS
        _dated(PlannedInspection(plan=plan, commune=commune, form=form), issued_on).save()
    return plan


def _team(item, visit, decided_before: int, names) -> None:
    """The decision's team and the announcement of the decision (fictional people)."""
    item.decision_date = visit - datetime.timedelta(days=decided_before)
    item.planned_on = visit
    item.team_lead = _name(names)
    item.team_lead_post = "Phó Chi cục trưởng Chi cục Tiêu chuẩn Đo lường Chất lượng"
    item.team_members = (
        f"{_name(names)} – Chuyên viên Chi cục Tiêu chuẩn Đo lường Chất lượng\n"
        f"{_name(names)} – Chuyên viên Sở Nội vụ"
    )
    item.announced_on, item.announced_at = visit, datetime.time(8, 0)
    name = item.commune.name
    item.place = f"Phòng họp Ủy ban nhân dân {name[0].lower()}{name[1:]}"
    item.commune_representative = _name(names)
    item.commune_representative_post = "Phó Chủ tịch Ủy ban nhân dân xã"
    officer = User.objects.filter(username=f"commune-{item.commune.code}").first()
    secretary = officer.get_full_name() if officer else _name(names)
    item.attendees = (
        f"{one_spelling(secretary)} – Thư ký ISO\n{_name(names)} – Công chức Văn phòng - Thống kê"
    )


def _inspect(item, rng: random.Random, by, *, until: datetime.date, names) -> None:
    """The visit's decision and minutes, the findings' corrective actions (some late), the Sở's
    answers to them."""
    year = item.plan.year
    visit = _day(rng, year, 5, 10)
    if visit > until:
        return
    if item.is_onsite:
        _team(item, visit, rng.randint(7, 20), names)
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
        lead=item.team_lead or _name(names),
        summary="Cơ bản duy trì Hệ thống quản lý chất lượng theo quy định.",
        commune_representative=item.commune_representative or _name(names),
        answers=answers,
        visit={
            "team_lead_post": item.team_lead_post or "Chuyên viên Chi cục TĐC",
            "commune_representative_post": item.commune_representative_post or "Chủ tịch UBND xã",
            **(
                {"started_at": datetime.time(8, 30), "ended_at": datetime.time(11, 15)}
                if item.is_onsite
                else {}
            ),
        },
    )
    # The service records the minutes as of now: in the story they are of the visit's day.
    at = _at(visit, 15)
    Audit.history.filter(id=audit.pk, history_date__gt=at).update(history_date=at)
    findings = audit.findings.values("pk")
    Finding.history.filter(id__in=findings, history_date__gt=at).update(history_date=at)
    PlannedInspection.history.filter(id=item.pk, history_date__gt=at).update(history_date=at)
    if not item.is_onsite:  # the letter asking the body to fix what was found (number: typed)
        item.letter_date = visit + datetime.timedelta(days=5)
        _dated(item, item.letter_date).save()
    answered = []
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
            answered.append(_answer(finding, action, by, until=until, refuse=names.random() < 0.15))
    answered = [day for day in answered if day]
    if answered and len(answered) == audit.findings.count():
        item.answer_date = max(answered)  # the Sở's letter answering them (number: typed)
        _dated(item, item.answer_date).save()


def _answer(finding, action, by, *, until: datetime.date, refuse: bool) -> datetime.date | None:
    """The Sở answers the body's report (TT 26/2014 Art. 37.2.d): it accepts the action a week after
    it is done and closes the finding, so no unit keeps a finding open past its end. Now and then
    it first refuses it; the body reports again three weeks later. Returns the day it accepted."""
    verified = action.done_on + datetime.timedelta(days=VERIFIED_AFTER_DAYS)
    if refuse and verified + datetime.timedelta(days=28) <= until:
        action.answer, action.answered_on = Answer.REFUSED, verified
        action.answer_note = "Chưa có bằng chứng cập nhật quy trình; đề nghị bổ sung."
        _dated(action, verified, 10).save()
        action.done_on = verified + datetime.timedelta(days=21)
        _dated(action, action.done_on, 16).save()
        verified = action.done_on + datetime.timedelta(days=VERIFIED_AFTER_DAYS)
    if verified > until:
        return None
    action.answer, action.answered_on, action.answer_note = Answer.ACCEPTED, verified, ""
    action.verified_by = by
    action.verified_at = _at(verified, 10)
    action._history_user = by
    _dated(action, verified, 10).save()
    finding.status = Finding.Status.CLOSED
    finding.closed_on = verified
    finding._history_user = by
    _dated(finding, verified, 11).save()
    return verified


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
    _duties(province)
    _legal_bases(by)
    names = random.Random(1709)  # the fictional names of the Sở's documents
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
        # The 2008 communes convert before the Sở's date, early that year (illustrative).
        created += convert_to_2015(year, conversions=_catch_up(maintaining, year))
        plan = _plan(province, year, maintaining, rng, by, names)
        for item in plan.items.select_related("plan", "commune"):
            _inspect(item, rng, by, until=today, names=names)
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
