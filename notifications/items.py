"""What each person has to act on, as of a day. The daily digest, the notifications page and the
count in the header all call :func:`items_for`, so they list the same things.

Per role:
- a commune officer: the steps of their commune coming due (within the largest of
  ``QMS_REMINDER_DAYS_BEFORE`` days) and overdue, its corrective actions coming due and overdue;
- a consultant: the same for every commune their organisation serves (grouped by commune);
- DOST staff: silent communes, overdue steps by commune, corrective actions still open
  ``QMS_CORRECTIVE_ACTION_MONTHS`` after their audit, and escalations (a step or action overdue
  for more than ``QMS_ESCALATION_DAYS``);
- a district officer: the DOST staff's list for their district, escalations aside;
- a manager reads and is reminded of nothing.

"Overdue" and "silent" are the definitions of ``roadmap.models`` and ``reports.metrics``, called
here and never written again.

Each item has a ``key`` (the thing, with its due date, so a moved date is a new thing) and a
``stage`` in the cadence: ``due-30``, ``due-7``, ``due-1`` before the due date (the thresholds of
``QMS_REMINDER_DAYS_BEFORE``), then ``late-0``, ``late-1``... one per
``QMS_REMINDER_OVERDUE_EVERY_DAYS`` while overdue; summaries for the DOST staff change stage once
per period. The digest mails an item when its ``reminder_key`` (key and stage) was never mailed.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from audits.models import CorrectiveAction
from core import clock
from core.generation import data_generation
from notifications.models import Kind
from reports import metrics
from roadmap.models import Milestone, Participation

Role = User.Role
COMMUNE_ROLES = (Role.COMMUNE_OFFICER, Role.CONSULTANT)
SUMMARY_ROLES = (Role.DOST_STAFF, Role.DISTRICT_OFFICER)
KIND_ORDER = list(Kind.values)


@dataclass(frozen=True)
class Item:
    """One thing to act on: what, where, by when, and the page where it is done."""

    kind: str
    key: str
    stage: str
    commune_code: str
    commune_name: str
    title: str
    path: str
    due_date: datetime.date | None = None
    days: int = 0  # days left before the due date, or days late
    count: int = 0  # for summaries: how many steps or actions

    @property
    def reminder_key(self) -> str:
        return f"{self.key}:{self.stage}"

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    @property
    def url(self) -> str:
        return f"{settings.SITE_URL}{self.path}"

    def describe(self) -> str:
        """One sentence saying where the item stands, in the active language."""
        due = date_format(self.due_date, "d/m/Y") if self.due_date else ""
        if self.kind in (Kind.STEP_DUE, Kind.ACTION_DUE):
            if self.days == 0:
                return _("Due today (%(date)s).") % {"date": due}
            return ngettext(
                "Due on %(date)s, in %(n)s day.", "Due on %(date)s, in %(n)s days.", self.days
            ) % {"date": due, "n": self.days}
        if self.kind in (Kind.STEP_OVERDUE, Kind.ACTION_OVERDUE, Kind.ESCALATION):
            return ngettext(
                "Was due on %(date)s: %(n)s day late.",
                "Was due on %(date)s: %(n)s days late.",
                self.days,
            ) % {"date": due, "n": self.days}
        if self.kind == Kind.SILENT_COMMUNE:
            return ngettext("No update for %(n)s day.", "No update for %(n)s days.", self.days) % {
                "n": self.days
            }
        if self.kind == Kind.COMMUNE_OVERDUE:
            return ngettext(
                "The oldest was due on %(date)s, %(n)s day ago.",
                "The oldest was due on %(date)s, %(n)s days ago.",
                self.days,
            ) % {"date": due, "n": self.days}
        return ngettext(
            "Audit of %(date)s: still open %(n)s day later.",
            "Audit of %(date)s: still open %(n)s days later.",
            self.days,
        ) % {"date": due, "n": self.days}


# The cadence ----------------------------------------------------------------------------------


def horizon_days() -> int:
    """How far ahead the lists look: the earliest reminder before a due date."""
    return max(settings.QMS_REMINDER_DAYS_BEFORE, default=7)


def due_stage(days_left: int) -> str:
    """The reminder threshold ``days_left`` has reached (``due-7`` from 7 days down to 2)."""
    reached = [t for t in settings.QMS_REMINDER_DAYS_BEFORE if days_left <= t]
    return f"due-{min(reached)}" if reached else "due"


def late_stage(days_late: int) -> str:
    """One stage per ``QMS_REMINDER_OVERDUE_EVERY_DAYS`` while overdue, from the first day."""
    every = max(1, settings.QMS_REMINDER_OVERDUE_EVERY_DAYS)
    return f"late-{max(0, days_late - 1) // every}"


def period_stage(as_of: datetime.date) -> str:
    """Summaries (silent communes, overdue steps by commune) come back once per period."""
    every = max(1, settings.QMS_REMINDER_OVERDUE_EVERY_DAYS)
    return f"p{as_of.toordinal() // every}"


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months earlier (the month's last day when shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


# Items of one thing ---------------------------------------------------------------------------


def _milestone_item(m: Milestone, kind: str, as_of: datetime.date, stage: str = "") -> Item:
    commune = m.participation.commune
    late = kind in (Kind.STEP_OVERDUE, Kind.ESCALATION)
    days = (as_of - m.due_date).days if late else (m.due_date - as_of).days
    return Item(
        kind=kind,
        key=f"milestone:{m.pk}:{m.due_date:%Y%m%d}",
        stage=stage or (late_stage(days) if late else due_stage(days)),
        commune_code=commune.code,
        commune_name=commune.name,
        title=m.step.name,
        path=m.get_absolute_url(),
        due_date=m.due_date,
        days=days,
    )


def _action_item(a: CorrectiveAction, kind: str, as_of: datetime.date, stage: str = "") -> Item:
    commune = a.finding.audit.commune
    if kind == Kind.ACTION_PAST_DEADLINE:
        due, days = a.finding.audit.date, (as_of - a.finding.audit.date).days
    else:
        due = a.due_date
        days = abs((as_of - a.due_date).days)
    late = kind in (Kind.ACTION_OVERDUE, Kind.ESCALATION)
    return Item(
        kind=kind,
        key=f"action:{a.pk}:{a.due_date:%Y%m%d}",
        stage=stage or (late_stage(days) if late else due_stage(days)),
        commune_code=commune.code,
        commune_name=commune.name,
        title=a.description,
        path=reverse("audits:action_update", args=[a.pk]),
        due_date=due,
        days=days,
    )


# Per role -------------------------------------------------------------------------------------


def _open_actions(user):
    return (
        CorrectiveAction.objects.visible_to(user).filter(done_on__isnull=True).with_list_related()
    )


def commune_items(user, as_of: datetime.date) -> list[Item]:
    """A commune officer's or a consultant's items: their communes' steps and actions."""
    soon = as_of + datetime.timedelta(days=horizon_days())
    participations = Participation.objects.visible_to(user)
    coming = (
        Milestone.objects.visible_to(user)
        .open()
        .filter(due_date__gte=as_of, due_date__lte=soon)
        .with_list_related()
    )
    items = [_milestone_item(m, Kind.STEP_DUE, as_of) for m in coming]
    overdue = metrics.overdue_milestones(participations, as_of=as_of)
    items += [_milestone_item(m, Kind.STEP_OVERDUE, as_of) for m in overdue]
    actions = CorrectiveAction.objects.visible_to(user).with_list_related()
    items += [
        _action_item(a, Kind.ACTION_DUE, as_of)
        for a in actions.filter(done_on__isnull=True, due_date__gte=as_of, due_date__lte=soon)
    ]
    items += [_action_item(a, Kind.ACTION_OVERDUE, as_of) for a in actions.overdue(as_of)]
    return items


def _summary_items(participations, as_of: datetime.date) -> list[Item]:
    """Silent communes and overdue steps by commune, from the figures of ``reports.metrics``."""
    figures = metrics.compute_cached(participations, as_of=as_of)
    period = period_stage(as_of)
    items = []
    for row in figures.communes:
        path = row.url
        if row.silent:
            last = row.last_change.date() if row.last_change else None
            items.append(
                Item(
                    kind=Kind.SILENT_COMMUNE,
                    key=f"silent:{row.commune_id}:{last:%Y%m%d}"
                    if last
                    else f"silent:{row.commune_id}",
                    stage=period,
                    commune_code=row.code,
                    commune_name=row.name,
                    title=_("Last update: %(date)s") % {"date": date_format(last, "d/m/Y")}
                    if last
                    else _("No update since the start"),
                    path=path,
                    days=(as_of - last).days if last else figures.silent_days,
                )
            )
        if row.counts.overdue:
            items.append(
                Item(
                    kind=Kind.COMMUNE_OVERDUE,
                    key=f"commune-overdue:{row.commune_id}",
                    stage=f"{period}-{row.counts.overdue}",
                    commune_code=row.code,
                    commune_name=row.name,
                    title=ngettext("%(n)s overdue step", "%(n)s overdue steps", row.counts.overdue)
                    % {"n": row.counts.overdue},
                    path=path,
                    due_date=row.first_overdue,
                    days=(as_of - row.first_overdue).days if row.first_overdue else 0,
                    count=row.counts.overdue,
                )
            )
    return items


def _escalated(participations, user, as_of: datetime.date, past_deadline: set) -> tuple:
    """The steps and the actions overdue for more than ``QMS_ESCALATION_DAYS`` (querysets),
    the actions already listed as past their deadline left out."""
    before = as_of - datetime.timedelta(days=settings.QMS_ESCALATION_DAYS)
    steps = metrics.overdue_milestones(participations, as_of=as_of).filter(due_date__lt=before)
    actions = _open_actions(user).overdue(as_of).filter(due_date__lt=before)
    return steps, actions.exclude(pk__in=past_deadline)


def _escalations(participations, user, as_of: datetime.date, past_deadline: set) -> list[Item]:
    """Steps and actions overdue for more than ``QMS_ESCALATION_DAYS``: mailed once each."""
    steps, actions = _escalated(participations, user, as_of, past_deadline)
    items = [_milestone_item(m, Kind.ESCALATION, as_of, "escalated") for m in steps]
    items += [_action_item(a, Kind.ESCALATION, as_of, "escalated") for a in actions]
    return items


def summary_items(user, as_of: datetime.date, *, count: bool = False) -> list[Item] | int:
    """DOST staff (and district officers, without escalations): the province seen from above.
    With ``count``, how many there are: the escalations (thousands in a country) counted in the
    database rather than listed."""
    participations = metrics.participations_in_scope(user)
    items = _summary_items(participations, as_of)
    audited_before = months_before(as_of, settings.QMS_CORRECTIVE_ACTION_MONTHS)
    late_actions = list(_open_actions(user).filter(finding__audit__date__lt=audited_before))
    period = period_stage(as_of)
    items += [_action_item(a, Kind.ACTION_PAST_DEADLINE, as_of, period) for a in late_actions]
    escalating = user.role == Role.DOST_STAFF
    late = {a.pk for a in late_actions}
    if count:
        extra = 0
        if escalating:
            extra = sum(qs.count() for qs in _escalated(participations, user, as_of, late))
        return len(items) + extra
    if escalating:
        items += _escalations(participations, user, as_of, late)
    return items


def _order(item: Item):
    return (
        item.commune_code,
        KIND_ORDER.index(item.kind),
        item.due_date or datetime.date.min,
        item.key,
    )


def items_for(user, as_of: datetime.date | None = None) -> list[Item]:
    """Everything ``user`` has to act on as of ``as_of`` (default: the application's today)."""
    as_of = as_of or clock.today()
    if not user.is_authenticated or not user.is_active:
        return []
    if user.role in COMMUNE_ROLES:
        items = commune_items(user, as_of)
    elif user.role in SUMMARY_ROLES:
        items = summary_items(user, as_of)
    else:
        items = []
    return sorted(items, key=_order)


def kinds_for(user) -> list[str]:
    """The kinds ``user``'s role can be reminded of (the choices of their preferences)."""
    if user.role in COMMUNE_ROLES:
        return [Kind.STEP_DUE, Kind.STEP_OVERDUE, Kind.ACTION_DUE, Kind.ACTION_OVERDUE]
    kinds = [Kind.SILENT_COMMUNE, Kind.COMMUNE_OVERDUE, Kind.ACTION_PAST_DEADLINE]
    if user.role == Role.DOST_STAFF:
        kinds.append(Kind.ESCALATION)
    return kinds if user.role in SUMMARY_ROLES else []


def by_commune(items: list[Item]) -> list[tuple[str, list[Item]]]:
    """``items`` grouped by commune, in their order: [(commune name, items), ...]."""
    groups: dict[str, tuple[str, list[Item]]] = {}
    for item in items:
        groups.setdefault(item.commune_code, (item.commune_name, []))[1].append(item)
    return list(groups.values())


def count_for(user) -> int:
    """How many items ``user`` has, for the header: cached until the data or the day changes."""
    if not getattr(user, "is_authenticated", False) or user.role not in (
        *COMMUNE_ROLES,
        *SUMMARY_ROLES,
    ):
        return 0
    as_of = clock.today()
    key = f"notifications:count:{user.pk}:{as_of.isoformat()}:{data_generation()}"
    count = cache.get(key)
    if count is None:
        if user.role in SUMMARY_ROLES:
            count = summary_items(user, as_of, count=True)
        else:
            count = len(items_for(user, as_of))
        cache.set(key, count, timeout=24 * 3600)
    return count
