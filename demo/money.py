"""The demo's money by year and line (TT 116/2015/TT-BTC Art. 4) and its register of the
province's other state administrative bodies (issue 20).

Illustrative, every amount and every status: the bodies are real kinds of bodies (Sở Tư pháp,
Sở Nội vụ...), their QMS dates and editions are invented for the demo; the amounts stay within
the ceilings of TT 116/2015 Art. 4 for a commune-level People's Committee (80% of Art. 4.2.c:
consultancy 26.4 / 16 million for a new build / an extension, the body's own work 32 / 20
million) and for every body's maintenance (15 million a year, Art. 4.6).

- 2017–2018 (the 2017 wave) and 2025–2026 (the 2025 wave): each commune's consultancy and own
  work lines are its participation's budget split between the two lines, the consultancy at its
  ceiling; each year's spending is what the participation's history records by the year's end
  (:meth:`ParticipationQuerySet.with_budget_on`), the money not spent in a year allocated again
  the next ("chuyển nguồn"). So the wave's budget on the commune and district pages and the
  years' lines in the annual report never disagree.
- 2018–2024: every commune that announced its QMS (and still exists) has a maintenance line,
  the registered provincial bodies too.
- every year with an inspection plan: the Sở's inspection line, allocated the plan's budget.

Each line is recorded in its history on the day it happened in the story (allocated in
February, spent by 30 November; a wave's by 31 December), so an annual report of 10 December
reads the amounts of that day. A second run changes nothing.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from audits.models import Announcement, InspectionPlan
from communes.models import Body, District, Edition, Province
from roadmap.models import BudgetLine, Participation, Programme

D = datetime.date
MILLION = 1_000_000
# The ceilings of a commune-level People's Committee (TT 116/2015 Art. 4.2.c and d, Art. 4.6).
CONSULTANCY_CEILING = {"new": Decimal(26_400_000), "extension": Decimal(16_000_000)}
MAINTENANCE_CEILING = 15 * MILLION
MAINTENANCE_YEARS = range(2018, 2025)
WAVE_YEARS = {2017: (2017, 2018), 2025: (2025, 2026)}
DISTRICTS_END = D(2025, 6, 30)
VINH_LONG_FROM = D(2025, 7, 1)

# (name, level, parent's name, applying since, edition, announced on): illustrative statuses.
BEN_TRE_BODIES = [
    ("Sở Khoa học và Công nghệ", "provincial", "", D(2015, 3, 2), "2015", D(2015, 9, 15)),
    ("Sở Tư pháp", "provincial", "", D(2015, 4, 1), "2015", D(2015, 11, 20)),
    ("Sở Nội vụ", "provincial", "", D(2015, 5, 4), "2015", D(2016, 1, 12)),
    ("Sở Tài chính", "provincial", "", D(2016, 3, 1), "2008", D(2016, 10, 5)),
    ("Sở Y tế", "provincial", "", D(2019, 6, 3), "2015", None),
    (
        "Chi cục Tiêu chuẩn Đo lường Chất lượng",
        "sub_department",
        "Sở Khoa học và Công nghệ",
        D(2015, 3, 2),
        "2015",
        D(2015, 9, 15),
    ),
    (
        "Chi cục Văn thư - Lưu trữ",
        "sub_department",
        "Sở Nội vụ",
        D(2017, 2, 6),
        "2008",
        D(2017, 8, 21),
    ),
]
VINH_LONG_BODIES = [
    ("Sở Khoa học và Công nghệ", "provincial", "", D(2025, 7, 1), "2015", D(2025, 10, 20)),
    ("Sở Tư pháp", "provincial", "", D(2025, 7, 1), "2015", D(2025, 11, 3)),
    ("Sở Nội vụ", "provincial", "", D(2025, 7, 1), "2015", None),
    ("Sở Tài chính", "provincial", "", D(2025, 7, 1), "2015", None),
    (
        "Chi cục Tiêu chuẩn Đo lường Chất lượng",
        "sub_department",
        "Sở Khoa học và Công nghệ",
        D(2025, 7, 1),
        "2015",
        D(2025, 10, 20),
    ),
]
DISTRICT_APPLYING = D(2016, 1, 4)  # illustrative: the district People's Committees


def inspection_budget(bodies: int) -> Decimal:
    """The illustrative budget of a year's inspection plan: 10 million and 1 million a body,
    a round amount (never a computed 17.666.666)."""
    return Decimal(10 * MILLION + MILLION * bodies)


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _save(obj, day: datetime.date, by, hour: int = 9):
    obj._history_date = _at(day, hour)
    obj._history_user = by
    obj.save()
    return obj


def _bodies(province, rows, *, valid_from=None, valid_until=None) -> list[Body]:
    made = {}
    for name, level, parent, applying, edition, announced in rows:
        made[name] = Body.objects.create(
            province=province,
            name=name,
            level=level,
            parent=made.get(parent),
            valid_from=valid_from,
            valid_until=valid_until,
            applying_since=applying,
            edition=Edition(edition),
            announced_on=announced,
        )
    return list(made.values())


def load_bodies() -> list[Body]:
    """Bến Tre's departments, sub-departments and district People's Committees (until
    30/6/2025), then tỉnh Vĩnh Long's departments (from 1/7/2025)."""
    ben_tre = Province.objects.filter(code="83").order_by("valid_from").first()
    if ben_tre is None:
        return []
    bodies = _bodies(ben_tre, BEN_TRE_BODIES, valid_until=ben_tre.valid_until)
    for district in District.objects.filter(province=ben_tre).order_by("code"):
        name = district.name
        bodies.append(
            Body.objects.create(
                province=ben_tre,
                name=f"Ủy ban nhân dân {name[:1].lower()}{name[1:]}",
                level=Body.Level.DISTRICT,
                district=district,
                valid_until=district.valid_until or DISTRICTS_END,
                applying_since=DISTRICT_APPLYING,
                edition=Edition.ISO_2015,
                announced_on=D(2016, 9, 1),
            )
        )
    vinh_long = Province.objects.filter(code="86", valid_from=VINH_LONG_FROM).first()
    if vinh_long is not None:
        bodies += _bodies(vinh_long, VINH_LONG_BODIES, valid_from=VINH_LONG_FROM)
    return bodies


def _line(by, *, year, line, allocated, spent, allocated_on, spent_on, **whose) -> int:
    """One line, recorded allocated on ``allocated_on`` and spent by ``spent_on``."""
    if not allocated:
        return 0
    row = BudgetLine(year=year, line=line, allocated=allocated, spent=0, **whose)
    _save(row, allocated_on, by)
    if spent:
        row.spent = spent
        _save(row, spent_on, by, hour=16)
    return 1


def _wave_lines(programme, by, today: datetime.date) -> int:
    """The consultancy and own-work lines of a wave's communes, year by year (see the module)."""
    first, last = WAVE_YEARS[programme.year_start]
    allocated_on = max(programme.start_date, D(first, 1, 1))
    made, spent_before = 0, {}
    for year in range(first, min(last, today.year) + 1):
        ends = Participation.objects.filter(programme=programme).with_budget_on(D(year, 12, 31))
        for p in ends.select_related("commune"):
            total = p.budget_allocated
            before = spent_before.get(p.pk, Decimal(0))
            spent = Decimal(p.budget_spent_then) - before
            left = total - before
            cap = CONSULTANCY_CEILING.get(p.kind, CONSULTANCY_CEILING["new"])
            share = min(cap, total) / total if total else Decimal(0)
            consult_alloc = (left * share).quantize(Decimal(1000))
            consult_spent = min(consult_alloc, (spent * share).quantize(Decimal(1000)))
            whose = {"province": programme.province, "commune": p.commune}
            day = allocated_on if year == first else D(year, 1, 15)
            note = "" if year == first else f"Kinh phí năm {year - 1} chuyển sang"
            for line, alloc, used in (
                (BudgetLine.Line.CONSULTANCY, consult_alloc, consult_spent),
                (BudgetLine.Line.OWN_WORK, left - consult_alloc, spent - consult_spent),
            ):
                made += _line(
                    by,
                    year=year,
                    line=line,
                    allocated=alloc,
                    spent=used,
                    note=note,
                    allocated_on=day,
                    spent_on=min(D(year, 12, 31), today),
                    **whose,
                )
            spent_before[p.pk] = before + spent
    return made


def _maintenance_lines(rng: random.Random, by) -> int:
    """2018–2024: the communes that announced before the year and the registered bodies that
    apply their QMS maintain it (Art. 4.6: at most 15 million a year)."""
    made = 0
    first = {}
    for a in Announcement.objects.select_related("commune").order_by("decision_date"):
        first.setdefault(a.commune_id, a)
    for year in MAINTENANCE_YEARS:
        last_day = D(year, 12, 31)
        units = [
            (a.commune.province, {"commune": a.commune})
            for a in first.values()
            if a.decision_date.year < year and a.commune.is_valid_on(last_day)
        ]
        bodies = Body.objects.in_force_on(last_day).applying_on(D(year, 1, 1))
        units += [(b.province, {"body": b}) for b in bodies.select_related("province")]
        for province, whose in units:
            allocated = rng.choice([8, 10, 12, 15]) * MILLION
            spent = allocated * rng.randint(70, 100) // 100 // 100_000 * 100_000
            made += _line(
                by,
                year=year,
                line=BudgetLine.Line.MAINTENANCE,
                allocated=allocated,
                spent=spent,
                allocated_on=D(year, 2, 15),
                spent_on=D(year, 11, 30),
                province=province,
                **whose,
            )
    return made


def _inspection_lines(rng: random.Random, by) -> int:
    """The Sở's inspection line of each year with a plan: the plan's budget, mostly spent."""
    made = 0
    for plan in InspectionPlan.objects.order_by("year"):
        allocated = Decimal(plan.budget)
        spent = (allocated * Decimal(rng.randint(85, 100)) / 100).quantize(Decimal(100_000))
        made += _line(
            by,
            year=plan.year,
            line=BudgetLine.Line.INSPECTION,
            allocated=allocated,
            spent=min(spent, allocated),
            allocated_on=plan.issued_on or D(plan.year, 3, 1),
            spent_on=D(plan.year, 11, 30),
            province=plan.province,
        )
    return made


@transaction.atomic
def load_money(*, today: datetime.date, by=None) -> int:
    """The bodies, then every year's lines; returns the rows made (0 on a second run)."""
    if Body.objects.exists() or BudgetLine.objects.exists():
        return 0
    made = len(load_bodies())
    rng = random.Random(116)
    for programme in Programme.objects.filter(year_start__in=WAVE_YEARS).order_by("year_start"):
        made += _wave_lines(programme, by, today)
    made += _maintenance_lines(rng, by)
    made += _inspection_lines(rng, by)
    return made
