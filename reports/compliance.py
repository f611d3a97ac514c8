"""The yearly cycle's figures: each commune's compliance with its maintenance duties in a year,
and the province's figures of the year (the annual report's table, the dashboard's year section).

Re-exported by :mod:`reports.metrics` (the one place figures come from): call them as
``metrics.year_compliance(...)`` and ``metrics.year_figures(...)``.

Rules, with where they come from:
- a commune **maintains** its QMS in a year when it announced conformity in an earlier year and
  still exists (QĐ 19/2014 Art. 4.4: maintenance follows the announcement of Art. 4.3); in the
  year of its first announcement the build itself held the audit and the review;
- an **internal audit** and a **management review** at least once a year (QĐ 19/2014
  Art. 4.4.b): done when one is on record in the year; *pending* while the year runs, *late*
  once it is over;
- **processes updated** within three months of a legal change taking effect (QĐ 19/2014
  Art. 4.4.a): a procedure's ``amended_on`` (or ``abolished_on``) is the change's effective
  date; the process is updated when re-issued on or after it (an abolished procedure: taken out
  of the scope); late after the deadline. Only the last amendment of a procedure is known;
- **re-announcement due** when the scope differs from the one announced (QĐ 19/2014 Art. 4.4.c,
  Art. 4.3; TT 26/2014 Art. 7.2.l): the procedures of the latest announcement's annex against the
  scope on the as-of date (announcements recorded before annexes were kept: their count);
- **corrective actions** reported within two months of the inspection's minutes (TT 26/2014
  Art. 37.2.c) and accepted by the Sở (Art. 37.2.d), for the DOST's inspections of the year:
  the rule is ``CorrectiveActionQuerySet.with_follow_up_on`` (audits/models.py).

The scope on a date: processes issued or applied, first issued (revision 0) on or before that
date, whose procedure was not abolished by then. A later revision does not take a process out of
the past scope; a process deleted from the scope is not known to have been there.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.urls import reverse

from audits.inspections import DONE, LATE, PENDING, ActionDue, action_due
from audits.models import (
    Announcement,
    AnnouncementItem,
    Audit,
    CorrectiveAction,
    Finding,
    add_months,
    edition_overdue_all,
)
from communes.models import (
    BEFORE_RECORDS,
    Body,
    Commune,
    Province,
    body_announced_q,
    body_applying_q,
)
from core import clock
from core.asof import year_as_of
from core.querysets import in_force_q
from core.sql import Scalar, scalars
from procedures.models import ScopeItem
from roadmap.models import BudgetLine, Participation

NOT_DUE = "not_due"
FIRST_YEAR = 2000


def worst(statuses) -> str:
    """Late beats pending beats done; nothing at all is not due."""
    statuses = set(statuses)
    for status in (LATE, PENDING, DONE):
        if status in statuses:
            return status
    return NOT_DUE


@dataclass
class RevisionDue:
    """A legal change a commune's process must follow within three months (QĐ 19 Art. 4.4.a)."""

    procedure: str
    process_code: str
    changed_on: datetime.date
    abolished: bool
    deadline: datetime.date
    updated_on: datetime.date | None
    status: str


@dataclass(slots=True)
class CommuneCompliance:
    """One commune's maintenance duties in one year (slots: a nation builds 10,000 of them)."""

    commune_id: int
    code: str
    name: str
    district_name: str
    year: int
    as_of: datetime.date
    first_announced_on: datetime.date | None = None
    internal_audit_on: datetime.date | None = None
    management_review_on: datetime.date | None = None
    revisions: list[RevisionDue] = field(default_factory=list)
    last_announcement: dict | None = None
    scope_added: list[str] = field(default_factory=list)
    scope_removed: list[str] = field(default_factory=list)
    scope_size_changed: bool = False
    actions: list[ActionDue] = field(default_factory=list)
    scope_size: int = 0
    announcements: list[dict] = field(default_factory=list)
    sort_key: str = ""  # Vietnamese order of the name, then the code (Commune.sort_key)
    valid_from: datetime.date | None = None  # with the code, what names the unit in time

    @property
    def url(self) -> str:
        """The page of this very commune (codes are reused)."""
        since = self.valid_from.isoformat() if self.valid_from else BEFORE_RECORDS
        return reverse("reports:commune_detail", args=[self.code, since])

    @property
    def in_maintenance(self) -> bool:
        return self.first_announced_on is not None and self.first_announced_on.year < self.year

    @property
    def year_over(self) -> bool:
        return self.as_of >= datetime.date(self.year, 12, 31)

    def _yearly(self, done_on) -> str:
        if not self.in_maintenance:
            return NOT_DUE
        if done_on:
            return DONE
        return LATE if self.year_over else PENDING

    @property
    def internal_audit(self) -> str:
        return self._yearly(self.internal_audit_on)

    @property
    def management_review(self) -> str:
        return self._yearly(self.management_review_on)

    @property
    def processes(self) -> str:
        if not self.in_maintenance:
            return NOT_DUE
        return worst(r.status for r in self.revisions) if self.revisions else DONE

    @property
    def reannouncement_due(self) -> bool:
        return bool(self.scope_added or self.scope_removed or self.scope_size_changed)

    @property
    def reannouncement(self) -> str:
        if not self.in_maintenance:
            return NOT_DUE
        return PENDING if self.reannouncement_due else DONE

    @property
    def corrective_actions(self) -> str:
        return worst(a.status for a in self.actions)

    @property
    def status(self) -> str:
        """Late when a duty is late; pending when one is still to do; otherwise done."""
        if not self.in_maintenance:
            return NOT_DUE
        return worst(
            [
                self.internal_audit,
                self.management_review,
                self.processes,
                self.reannouncement,
                self.corrective_actions,
            ]
        )

    @property
    def late_duties(self) -> list[str]:
        """The keys of the duties that are late (the dashboard lists them by name)."""
        duties = {
            "internal_audit": self.internal_audit,
            "management_review": self.management_review,
            "processes": self.processes,
            "corrective_actions": self.corrective_actions,
        }
        return [key for key, status in duties.items() if status == LATE]


@dataclass
class YearCompliance:
    """Every commune of a scope in one year, and the counts the dashboard shows."""

    year: int
    as_of: datetime.date
    communes: list[CommuneCompliance]

    @cached_property
    def maintaining(self) -> list[CommuneCompliance]:
        return [c for c in self.communes if c.in_maintenance]

    def count(self, duty: str, status: str) -> int:
        return sum(1 for c in self.maintaining if getattr(c, duty) == status)

    @cached_property
    def late(self) -> list[CommuneCompliance]:
        return [c for c in self.maintaining if c.status == LATE]

    @cached_property
    def reannouncement_due(self) -> list[CommuneCompliance]:
        return [c for c in self.maintaining if c.reannouncement_due]


def duty_labels() -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {
        "internal_audit": _("Internal audit"),
        "management_review": _("Management review"),
        "processes": _("Processes updated within 3 months"),
        "reannouncement": _("Re-announcement"),
        "corrective_actions": _("Corrective actions within 2 months"),
    }


def status_labels() -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {
        DONE: _("Done"),
        PENDING: _("To do"),
        LATE: _("Late"),
        NOT_DUE: _("Not due"),
    }


# Loading ---------------------------------------------------------------------------------------


def _in_force(participations, as_of: datetime.date):
    """``participations`` of the units in force on the year's as-of date (its last day, or today
    in the current year): not those that began after (a 2025 unit is not in 2017's figures), nor
    those that ended during the year (the 45 units ended on 30/6/2025 owe no 2025 audit: their
    successors carry the year, as the December report counts the bodies that exist then)."""
    return participations.of_units_in_force(as_of)


def _commune_ids(participations, as_of: datetime.date):
    """The ids of the communes of :func:`_in_force`, as a subquery: the loaders filter on it in
    the database (a Python list of 10,000 ids costs Django seconds to turn into parameters)."""
    return _in_force(participations, as_of).order_by().values("commune_id")


def _last_held(kind: str, year: int, as_of: datetime.date):
    """The day of the commune's last audit of ``kind`` held in ``year`` by ``as_of`` (a
    subquery of the participations' commune)."""
    held = Audit.objects.filter(
        commune_id=OuterRef("commune_id"), kind=kind, date__year=year, date__lte=as_of
    )
    return Subquery(held.order_by("-date").values("date")[:1])


def _communes(participations, year: int, as_of: datetime.date) -> tuple[dict, bool]:
    """A row per commune, with its last internal audit and management review of the year (one
    query); ``inspected``: whether any was inspected in the year (its findings are read only
    then, :func:`_load_actions`)."""
    inspections = Audit.objects.filter(
        commune_id=OuterRef("commune_id"),
        kind__in=[Audit.Kind.INSPECTION_ONSITE, Audit.Kind.INSPECTION_RECORDS],
        date__year=year,
        date__lte=as_of,
    )
    rows = (
        _in_force(participations, as_of)
        .annotate(
            internal_audit_on=_last_held(Audit.Kind.INTERNAL_AUDIT, year, as_of),
            management_review_on=_last_held(Audit.Kind.MANAGEMENT_REVIEW, year, as_of),
            inspected=Exists(inspections),
        )
        .values_list(
            "commune_id",
            "commune__code",
            "commune__name",
            "commune__district__name",
            "commune__sort_key",
            "commune__valid_from",
            "internal_audit_on",
            "management_review_on",
            "inspected",
        )
        .order_by("commune__district__code", "commune__name")
    )
    communes, inspected = {}, False
    for commune_id, code, name, district_name, sort_key, valid_from, audit, review, seen in rows:
        inspected = inspected or bool(seen)
        if commune_id not in communes:  # a commune in two programmes: one row
            communes[commune_id] = CommuneCompliance(
                commune_id=commune_id,
                code=code,
                name=name,
                district_name=district_name or "",
                sort_key=sort_key,
                year=year,
                as_of=as_of,
                valid_from=valid_from,
                internal_audit_on=_date(audit),
                management_review_on=_date(review),
            )
    return communes, inspected


def _date(value) -> datetime.date | None:
    """A date from a subquery's column: a date (PostgreSQL) or its ISO text (SQLite)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def scope_on(items: list[dict], day: datetime.date) -> dict[int, str]:
    """The scope on ``day`` (see the module's note): procedure id -> procedure name."""
    scope = {}
    for item in items:
        if item["state"] not in (ScopeItem.State.ISSUED, ScopeItem.State.APPLIED):
            continue
        if item["revision"] == 0 and item["issued_on"] and item["issued_on"] > day:
            continue
        if item["procedure__abolished_on"] and item["procedure__abolished_on"] <= day:
            continue
        scope[item["procedure_id"]] = item["procedure__name"]
    return scope


def _revision(item: dict, year: int, as_of: datetime.date) -> RevisionDue | None:
    """The legal change ``item``'s process had to follow, if it concerns ``year``."""
    if item["state"] not in (ScopeItem.State.ISSUED, ScopeItem.State.APPLIED):
        return None
    abolished = item["procedure__abolished_on"]
    changed = abolished or item["procedure__amended_on"]
    if changed is None or changed > as_of:
        return None
    issued = item["issued_on"]
    if not abolished and item["revision"] == 0 and issued and issued >= changed:
        return None  # first issued after the change: nothing to revise
    deadline = add_months(changed, 3)
    updated = None if abolished else (issued if issued and issued >= changed else None)
    if updated and updated > as_of:
        updated = None
    starts = datetime.date(year, 1, 1)
    if deadline.year > year or (deadline < starts and updated and updated < starts):
        return None
    if updated:
        status = DONE if updated <= deadline else LATE
    else:
        status = LATE if deadline < as_of else PENDING
    return RevisionDue(
        procedure=item["procedure__name"],
        process_code=item["process_code"],
        changed_on=changed,
        abolished=abolished is not None,
        deadline=deadline,
        updated_on=updated,
        status=status,
    )


def _load_scope(communes: dict, ids, year: int, as_of: datetime.date) -> None:
    items = defaultdict(list)
    issued = [ScopeItem.State.ISSUED, ScopeItem.State.APPLIED]  # the others count nowhere
    rows = ScopeItem.objects.filter(commune_id__in=ids, state__in=issued).values(
        "commune_id",
        "procedure_id",
        "procedure__name",
        "procedure__amended_on",
        "procedure__abolished_on",
        "process_code",
        "state",
        "revision",
        "issued_on",
    )
    for r in rows:
        items[r["commune_id"]].append(r)
    announcements = _latest_announcements(communes, ids, as_of)
    # A commune with neither a scope nor an announcement keeps its empty defaults.
    for commune_id in items.keys() | announcements.keys():
        row = communes.get(commune_id)
        if row is not None:
            _compare_scope(row, items[commune_id], announcements.get(commune_id), year, as_of)


def _compare_scope(row: CommuneCompliance, items: list[dict], latest, year: int, as_of) -> None:
    """``row``'s scope size, revisions due and scope changes since its latest announcement."""
    scope = scope_on(items, as_of)
    row.scope_size = len(scope)
    for item in items:
        due = _revision(item, year, as_of)
        if due is not None:
            row.revisions.append(due)
    row.revisions.sort(key=lambda r: (r.deadline, r.procedure))
    if latest is None:
        return
    row.last_announcement = latest
    if latest["annex"] is None:
        row.scope_size_changed = latest["scope_size"] != len(scope)
        return
    row.scope_added = sorted(name for pk, name in scope.items() if pk not in latest["annex"])
    row.scope_removed = sorted(name for pk, name in latest["annex"].items() if pk not in scope)


def _latest_announcements(communes: dict, ids, as_of: datetime.date) -> dict[int, dict]:
    """Per commune: its first announcement's date (on the rows) and its latest announcement."""
    latest = {}
    announced = Announcement.objects.filter(commune_id__in=ids, decision_date__lte=as_of)
    items = AnnouncementItem.objects.filter(announcement_id=OuterRef("pk"))
    rows = announced.order_by("decision_date", "pk").values(
        "pk", "commune_id", "decision_number", "decision_date", "kind", "standard", "scope_size"
    )
    rows = rows.annotate(has_annex=Exists(items))
    for r in rows:
        row = communes.get(r["commune_id"])
        if row is None:
            continue
        row.first_announced_on = row.first_announced_on or r["decision_date"]
        row.announcements.append(r)
        latest[r["commune_id"]] = {**r, "annex": None}
    if not any(r["has_annex"] for r in latest.values()):  # recorded without annexes
        return latest
    newer = Announcement.objects.filter(commune_id=OuterRef("commune_id"), decision_date__lte=as_of)
    last_pk = newer.order_by("-decision_date", "-pk").values("pk")[:1]
    annexes = _annexes(announced.filter(pk=Subquery(last_pk)).values("pk"))
    for announcement in latest.values():
        announcement["annex"] = annexes.get(announcement["pk"])
    return latest


def _annexes(announcement_ids) -> dict[int, dict[int, str]]:
    """The procedures of each announcement's annex (none for announcements recorded without);
    ``announcement_ids``: a subquery."""
    annexes: dict[int, dict[int, str]] = defaultdict(dict)
    rows = AnnouncementItem.objects.filter(announcement_id__in=announcement_ids).values_list(
        "announcement_id", "procedure_id", "procedure_name"
    )
    for announcement_id, procedure_id, name in rows:
        annexes[announcement_id][procedure_id] = name
    return annexes


def _load_actions(communes: dict, ids, year: int, as_of: datetime.date) -> None:
    """Corrective actions after the year's inspections (TT 26 Art. 37.2.c: within 2 months)."""
    inspections = [Audit.Kind.INSPECTION_ONSITE, Audit.Kind.INSPECTION_RECORDS]
    found = Finding.objects.filter(
        audit__commune_id__in=ids,
        audit__kind__in=inspections,
        audit__date__year=year,
        audit__date__lte=as_of,
    ).exclude(severity=Finding.Severity.OBSERVATION)
    rows = found.values("pk", "description", "audit__commune_id", "audit__date")
    findings = {f["pk"]: f for f in rows if f["audit__commune_id"] in communes}
    if not findings:
        return
    with_actions = set()
    actions = (
        CorrectiveAction.objects.filter(finding_id__in=found.values("pk"))
        .with_follow_up_on(as_of)
        .values("finding_id", "description", "done_on", "follow_up")
    )
    for a in actions:
        f = findings.get(a["finding_id"])
        if f is None:
            continue  # recorded between the queries
        with_actions.add(a["finding_id"])
        communes[f["audit__commune_id"]].actions.append(
            action_due(a["description"], f["audit__date"], a["done_on"], as_of, a["follow_up"])
        )
    for pk, f in findings.items():
        if pk not in with_actions:
            communes[f["audit__commune_id"]].actions.append(
                action_due(f["description"], f["audit__date"], None, as_of)
            )


def year_compliance(
    participations, year: int, *, today: datetime.date | None = None
) -> YearCompliance:
    """The maintenance duties of the communes of ``participations`` (a queryset) in ``year``,
    as of :func:`year_as_of` (``today``: the page's as-of date, default today).

    A fixed number of queries whatever the number of communes."""
    as_of = year_as_of(year, today)
    communes, inspected = _communes(participations, year, as_of)
    ids = _commune_ids(participations, as_of)
    _load_scope(communes, ids, year, as_of)
    if inspected:  # else no finding to read
        _load_actions(communes, ids, year, as_of)
    return YearCompliance(year=year, as_of=as_of, communes=list(communes.values()))


def commune_compliance(
    participations, year: int, *, today: datetime.date | None = None
) -> CommuneCompliance | None:
    """One commune's row (``participations``: that commune's), or None when it takes no part."""
    rows = year_compliance(participations, year, today=today).communes
    return rows[0] if rows else None


def first_programme_year():
    """The first programme's year, as a subquery: a page annotates a query it makes anyway
    with it and passes the value to :func:`years_available` (one query less)."""
    from roadmap.models import Programme

    return Subquery(Programme.objects.order_by("year_start").values("year_start")[:1])


def years_available(today: datetime.date | None = None, *, first=None) -> list[int]:
    """The years a user may pick: from the first programme's year (``first``, read from
    :func:`first_programme_year` when not given) to this year, newest first."""
    from roadmap.models import Programme

    today = today or clock.today()
    if first is None:
        first = (
            Programme.objects.order_by("year_start").values_list("year_start", flat=True).first()
        )
    first = max(FIRST_YEAR, min(first or today.year, today.year))
    return list(range(today.year, first - 1, -1))


def picked_year(value: str | None, years: list[int]) -> int:
    """The year asked for in ``?year=`` when it is one of ``years``, else the latest."""
    if value and value.isdigit() and int(value) in years:
        return int(value)
    return years[0]


# The year's figures: the annual report's table and the dashboard's year section --------------


@dataclass
class YearFigures:
    """The province's (or a scope's) figures of one year: QĐ 19/2014 Art. 12.6, Phụ lục II;
    TT 26/2014 Art. 42.4 (the December report) and Art. 38 (the inspections' results)."""

    compliance: YearCompliance
    bodies: int
    building: int
    announced: int
    announced_in_year: int
    reannounced_in_year: int
    by_standard: Counter
    edition_overdue: int
    procedures_in_scope: int
    inspected_records: int
    inspected_onsite: int
    nonconformities: int
    observations: int
    actions_on_time: int
    actions_late: int
    actions_pending: int
    money: list["MoneyRow"]
    levels: list["LevelCount"]

    @property
    def year(self) -> int:
        return self.compliance.year

    @property
    def as_of(self) -> datetime.date:
        return self.compliance.as_of

    @property
    def budget_allocated(self) -> int:
        """The year's money allocated, every line (TT 116/2015 Art. 4) added up."""
        return sum(m.allocated for m in self.money)

    @property
    def budget_spent(self) -> int:
        return sum(m.spent for m in self.money)

    @property
    def inspection_budget(self) -> int:
        """The Sở's inspection line of the year, allocated."""
        return sum(m.allocated for m in self.money if m.line == BudgetLine.Line.INSPECTION)


def _year_columns(participations, commune_ids, year: int, as_of: datetime.date) -> dict:
    """The year's figures counted by the database, as columns of :func:`core.sql.scalars` (one
    query): the bodies inspected in the year by form and the inspections' findings by severity
    (``commune_ids``: a subquery). The year's money is :func:`year_money`'s."""
    kinds = [Audit.Kind.INSPECTION_ONSITE, Audit.Kind.INSPECTION_RECORDS]
    audits = Audit.objects.filter(
        commune_id__in=commune_ids, kind__in=kinds, date__year=year, date__lte=as_of
    )
    findings = Finding.objects.filter(audit__in=audits.values("pk"))
    return {
        **{
            f"inspected_{kind}": Scalar(audits.filter(kind=kind).values("commune_id").distinct())
            for kind in kinds
        },
        **{f"severity_{s}": Scalar(findings.filter(severity=s)) for s in Finding.Severity.values},
        "edition_overdue": Scalar(
            edition_overdue_all(Commune.objects.filter(pk__in=commune_ids), as_of)
        ),
    }


def _year_counts(participations, provinces, year: int, as_of: datetime.date) -> dict:
    """The fields of :class:`YearFigures` that :func:`_year_columns` and :func:`_level_columns`
    count, in one query."""
    ids = _commune_ids(participations, as_of)
    n = scalars(
        **_year_columns(participations, ids, year, as_of), **_level_columns(provinces, as_of)
    )
    severity = {s: n[f"severity_{s}"] for s in Finding.Severity.values}
    return {
        "inspected_records": n[f"inspected_{Audit.Kind.INSPECTION_RECORDS}"],
        "inspected_onsite": n[f"inspected_{Audit.Kind.INSPECTION_ONSITE}"],
        "nonconformities": severity[Finding.Severity.MAJOR] + severity[Finding.Severity.MINOR],
        "observations": severity[Finding.Severity.OBSERVATION],
        "edition_overdue": n["edition_overdue"],
        "levels": _levels_from(n, as_of),
    }


def year_figures(participations, year: int, *, today: datetime.date | None = None) -> YearFigures:
    """Every figure of ``year`` for the communes of ``participations`` (a queryset), as of
    ``today`` (the page's as-of date) while the year runs."""
    compliance = year_compliance(participations, year, today=today)
    rows = compliance.communes
    announced = [c for c in rows if c.announcements]
    in_year = [a for c in announced for a in c.announcements if a["decision_date"].year == year]
    actions = Counter(a.status for c in rows for a in c.actions)
    provinces = provinces_of(participations, compliance.as_of)
    return YearFigures(
        compliance=compliance,
        bodies=len(rows),
        building=len(rows) - len(announced),
        announced=len(announced),
        announced_in_year=len({a["commune_id"] for a in in_year if a["kind"] == "first"}),
        reannounced_in_year=len({a["commune_id"] for a in in_year if a["kind"] != "first"}),
        by_standard=Counter(c.announcements[-1]["standard"] for c in announced),
        procedures_in_scope=sum(c.scope_size for c in rows),
        **_year_counts(participations, provinces, year, compliance.as_of),
        actions_on_time=actions[DONE],
        actions_late=actions[LATE],
        actions_pending=actions[PENDING],
        money=year_money(provinces, year, compliance.as_of),
    )


def year_table(figures: YearFigures) -> list[tuple[str, int | str]]:
    """The rows of the annual report's table, as (label, value): the dashboard and the report
    print these same rows, so the same year shows the same numbers in both."""
    from django.utils.translation import gettext as _

    c = figures.compliance
    return [
        (_("Bodies in the scope of the programme"), figures.bodies),
        (_("Building their QMS (not yet announced)"), figures.building),
        (
            _(
                "With a QMS announced (every decision on record by the table's date, before the wave included)"
            ),
            figures.announced,
        ),
        (_("First announcements in the year"), figures.announced_in_year),
        (_("Re-announcements in the year"), figures.reannounced_in_year),
        ("TCVN ISO 9001:2008", figures.by_standard.get("2008", 0)),
        ("TCVN ISO 9001:2015", figures.by_standard.get("2015", 0)),
        (_("Still on TCVN ISO 9001:2008 after the Sở's deadline"), figures.edition_overdue),
        (_("Procedures in the QMS scope"), figures.procedures_in_scope),
        (_("Bodies maintaining their QMS"), len(c.maintaining)),
        (_("Internal audit held"), c.count("internal_audit", DONE)),
        (_("Management review held"), c.count("management_review", DONE)),
        (_("Processes not updated within 3 months"), c.count("processes", LATE)),
        (_("Re-announcement due"), len(c.reannouncement_due)),
        (_("Bodies inspected through records and reports"), figures.inspected_records),
        (_("Bodies inspected on site"), figures.inspected_onsite),
        (_("Nonconformities found by the inspections"), figures.nonconformities),
        (_("Corrective actions within 2 months"), figures.actions_on_time),
        (_("Corrective actions late"), figures.actions_late),
    ]


# Who is counted and the money of the year (QĐ 19/2014 Art. 12.6; TT 116/2015 Art. 4) ---------

# From 1/7/2025 local government has two levels (Luật 72/2025/QH15): no district level.
DISTRICTS_ABOLISHED = datetime.date(2025, 7, 1)


def provinces_of(participations, as_of: datetime.date):
    """The provinces (a queryset) whose bodies and money a year's figures of ``participations``
    count: their programmes' provinces in force on ``as_of``."""
    ids = participations.order_by().values("programme__province")
    return Province.objects.filter(pk__in=ids).filter(in_force_q(as_of))


@dataclass
class MoneyRow:
    """One line of TT 116/2015 Art. 4 in a year: the amounts of its bodies added up."""

    line: str
    label: str
    allocated: int
    spent: int
    bodies: int


def year_money(provinces, year: int, as_of: datetime.date) -> list[MoneyRow]:
    """The year's money by line (``BudgetLine``), as recorded by the end of ``as_of``
    (:meth:`BudgetLineQuerySet.with_amounts_on`), every line in the order of the law, then the
    total (``line`` ""). One query."""
    rows = (
        BudgetLine.objects.filter(province__in=provinces, year=year)
        .with_amounts_on(as_of)
        .order_by()
        .values("line")
        .annotate(
            allocated_sum=Sum("allocated_then"),
            spent_sum=Sum("spent_then"),
            bodies=Count("pk", filter=Q(allocated_then__gt=0) | Q(spent_then__gt=0)),
        )
    )
    found = {r["line"]: r for r in rows}
    money = []
    for line in BudgetLine.Line:
        r = found.get(line.value, {})
        money.append(
            MoneyRow(
                line=line.value,
                label=str(line.label),
                allocated=int(r.get("allocated_sum") or 0),
                spent=int(r.get("spent_sum") or 0),
                bodies=r.get("bodies") or 0,
            )
        )
    return money


@dataclass
class LevelCount:
    """The state administrative bodies of one level on the day: how many, applying a QMS, with
    it announced (QĐ 19/2014 Art. 12.6, Phụ lục II)."""

    level: str
    label: str
    total: int
    applying: int
    announced: int


def _level_columns(provinces, as_of: datetime.date) -> dict:
    """The bodies by level on ``as_of`` as columns of :func:`core.sql.scalars`: the registered
    bodies of each level, then the commune-level units in force (communes, wards, townships,
    special zones): applying once they take part in a programme begun by then or have
    announced; announced by then."""
    bodies = Body.objects.filter(province__in=provinces).in_force_on(as_of)
    columns = {}
    for level in Body.Level:
        mine = bodies.filter(level=level.value)
        columns[f"body_{level.value}_total"] = Scalar(mine)
        columns[f"body_{level.value}_applying"] = Scalar(mine.filter(body_applying_q(as_of)))
        columns[f"body_{level.value}_announced"] = Scalar(mine.filter(body_announced_q(as_of)))
    units = (
        Commune.objects.filter(province__in=provinces)
        .filter(in_force_q(as_of))
        .alias(
            announced=Exists(
                Announcement.objects.filter(commune=OuterRef("pk"), decision_date__lte=as_of)
            ),
            taking_part=Exists(
                Participation.objects.filter(commune=OuterRef("pk"), start_date__lte=as_of)
            ),
        )
    )
    columns["commune_total"] = Scalar(units)
    columns["commune_applying"] = Scalar(units.filter(Q(announced=True) | Q(taking_part=True)))
    columns["commune_announced"] = Scalar(units.filter(announced=True))
    return columns


def _levels_from(n: dict, as_of: datetime.date) -> list[LevelCount]:
    """:func:`_level_columns`' counts as rows, the district level only until 30/6/2025."""
    from django.utils.translation import gettext as _

    levels = list(Body.Level)
    if as_of >= DISTRICTS_ABOLISHED:
        levels.remove(Body.Level.DISTRICT)
    rows = [
        LevelCount(
            level=level.value,
            label=str(level.label),
            total=n[f"body_{level.value}_total"],
            applying=n[f"body_{level.value}_applying"],
            announced=n[f"body_{level.value}_announced"],
        )
        for level in levels
    ]
    commune = LevelCount(
        level="commune",
        label=str(_("Commune level")),
        total=n["commune_total"],
        applying=n["commune_applying"],
        announced=n["commune_announced"],
    )
    return [*rows, commune]


def bodies_by_level(provinces, as_of: datetime.date) -> list[LevelCount]:
    """Every state administrative body of ``provinces`` on ``as_of`` by level: the registered
    bodies (provincial, sub-departments, district level until 30/6/2025), then the commune-level
    units. One query (the year's figures fold it into theirs)."""
    return _levels_from(scalars(**_level_columns(provinces, as_of)), as_of)


def bodies_table(figures: YearFigures) -> list[tuple[str, int, int, int]]:
    """The rows of the report's table of bodies by level, with the total: (level, bodies,
    applying, announced)."""
    from django.utils.translation import gettext as _

    rows = [(c.label, c.total, c.applying, c.announced) for c in figures.levels]
    total = tuple(sum(r[i] for r in rows) for i in (1, 2, 3))
    return [*rows, (_("Total"), *total)]


def money_rows(money: list[MoneyRow]) -> list[tuple[str, int, int]]:
    """:func:`year_money`'s rows as a table, line by line, with the total: (line, allocated,
    spent) in VND."""
    from django.utils.translation import gettext as _

    rows = [(m.label, m.allocated, m.spent) for m in money]
    return [*rows, (_("Total"), sum(r[1] for r in rows), sum(r[2] for r in rows))]


def money_table(figures: YearFigures) -> list[tuple[str, int, int]]:
    """The rows of the report's table of the year's money (:func:`money_rows`)."""
    return money_rows(figures.money)


__all__ = [
    "ActionDue",
    "CommuneCompliance",
    "RevisionDue",
    "YearCompliance",
    "YearFigures",
    "add_months",
    "bodies_by_level",
    "bodies_table",
    "commune_compliance",
    "duty_labels",
    "picked_year",
    "status_labels",
    "year_as_of",
    "year_compliance",
    "money_rows",
    "money_table",
    "year_figures",
    "year_money",
    "year_table",
    "years_available",
    "first_programme_year",
]
