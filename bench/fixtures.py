"""A rollout of any size, written in bulk: for the scaling test and the list benchmark.

:func:`add_communes` adds ``n`` communes (Vietnamese names with every kind of diacritic, names
repeated so that the GSO code decides between them, spread over 10 districts), each taking part
in one programme with a four-step roadmap at some progress, some steps overdue. Calling it again
adds more communes to the same rollout, so a caller can measure at 45 and then at 10,000.
"""

import datetime
import random

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from communes.models import Commune, District, Province
from core import clock
from core.generation import data_changed
from core.search import fill_sort_fields
from roadmap.models import (
    Milestone,
    Participation,
    ParticipationKind,
    Programme,
    RoadmapStep,
    RoadmapTemplate,
)
from roadmap.totals import totals_refresh

AS_OF = datetime.date(2017, 12, 15)
START = datetime.date(2017, 8, 8)
KINDS = [("Xã", Commune.Kind.COMMUNE), ("Phường", Commune.Kind.WARD)]
KINDS.append(("Thị trấn", Commune.Kind.TOWNSHIP))
SYLLABLES = [
    "An",
    "Ăn",
    "Ân",
    "Bình",
    "Châu",
    "Đa",
    "Phước",
    "Hòa",
    "Hoà",
    "Hưng",
    "Nhượng",
    "Tân",
    "Thới",
    "Mỹ",
    "Long",
    "Phú",
    "Phụng",
    "Sơn",
    "Định",
    "Giồng",
    "Trôm",
    "Thạnh",
    "Lợi",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Quới",
    "Điền",
    "Hội",
    "Hiệp",
    "Nẫm",
    "Dân",
    "Thành",
    "Ba",
    "Tri",
    "Mả",
    "Mã",
    "Má",
    "Mạ",
    "Ma",
    "Mà",
]
OPEN = [Milestone.Status.NOT_STARTED, Milestone.Status.IN_PROGRESS]
STEPS = [  # key, name, offset, duration
    ("survey", "Khảo sát, đánh giá thực trạng", 0, 14),
    ("documents", "Xây dựng và ban hành tài liệu", 14, 45),
    ("internal-audit", "Đánh giá nội bộ", 60, 20),
    (RoadmapStep.ANNOUNCEMENT, "Công bố hệ thống phù hợp TCVN ISO 9001:2015", 90, 30),
]
# The long roadmap of the nation-scale benchmark (12 steps, ~120,000 milestones for 10,000
# communes): the four steps above with eight documentation steps between the first two.
LONG_STEPS = [
    STEPS[0],
    *[("", f"Xây dựng tài liệu, nhóm thủ tục {i}", 14 + 5 * i, 20) for i in range(1, 9)],
    *STEPS[1:],
]


def _setting(steps: list = STEPS):
    """The province, districts, template, programme and reader shared by every batch."""
    province, _new = Province.objects.get_or_create(code="99", defaults={"name": "Tỉnh Thử Tải"})
    districts = [
        District.objects.get_or_create(
            code=f"9{i:02d}", defaults={"name": f"Huyện {SYLLABLES[i * 3]}", "province": province}
        )[0]
        for i in range(10)
    ]
    name = "Lộ trình thử tải" if steps is STEPS else f"Lộ trình thử tải {len(steps)} bước"
    template, new = RoadmapTemplate.objects.get_or_create(
        name=name, defaults={"kind": ParticipationKind.NEW_BUILD}
    )
    if new:
        RoadmapStep.objects.bulk_create(
            RoadmapStep(
                template=template, order=i, key=key, name=name, offset_days=o, duration_days=d
            )
            for i, (key, name, o, d) in enumerate(steps, 1)
        )
    programme, _new = Programme.objects.get_or_create(
        name="Đợt thử tải",
        defaults={"province": province, "year_start": 2017, "year_end": 2019, "start_date": START},
    )
    return districts, list(template.steps.order_by("order")), programme


def reader() -> User:
    """A DOST staff member, who sees every commune."""
    return User.objects.get_or_create(username="bench-dost", role=User.Role.DOST_STAFF)[0]


def _insert(model, rows) -> None:
    """Insert ``rows`` (dicts by attribute name; the other fields take their default) with one
    prepared statement: what ``bulk_create`` does without building a model instance and
    compiling SQL for every row, several times faster for tens of thousands of rows."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {
        f.attname: f.get_db_prep_save(
            now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_default(),
            connection,
        )
        for f in fields
    }
    prepared = {}  # (field, value) -> database value: dates, statuses and ids repeat

    def prepare(f, value):
        if (f.attname, value) not in prepared:
            prepared[f.attname, value] = f.get_db_prep_save(value, connection)
        return prepared[f.attname, value]

    params = [
        tuple(
            prepare(f, row[f.attname]) if f.attname in row else defaults[f.attname] for f in fields
        )
        for row in rows
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _milestones(participation_id, start_date, steps, rng) -> list[dict]:
    done_until = rng.randint(0, len(steps))
    today = clock.today()
    rows = []
    for step in steps:
        start = start_date + datetime.timedelta(days=step.offset_days)
        due = start + datetime.timedelta(days=step.duration_days)
        completed = due + datetime.timedelta(days=rng.randint(-5, 5))
        # Done only by today: a step completed in the future is one the form refuses to save.
        done = step.order <= done_until and completed <= today
        rows.append(
            {
                "participation_id": participation_id,
                "step_id": step.pk,
                "planned_start": start,
                "due_date": due,
                "status": Milestone.Status.DONE if done else rng.choice(OPEN),
                "completed_on": completed if done else None,
            }
        )
    return rows


def add_communes(n: int, *, seed: int = 2017, long: bool = False) -> list[Commune]:
    """Add ``n`` participating communes to the rollout (made on first call), in bulk.

    Rows go in through :func:`_insert`, the communes' search and sort columns filled first by
    ``core.search.fill_sort_fields`` (what any bulk write of units must do).
    """
    districts, steps, programme = _setting(LONG_STEPS if long else STEPS)
    first = Commune.objects.filter(province__code="99").count()
    rng = random.Random(seed + first)
    last_commune = Commune.objects.aggregate(last=Max("pk"))["last"] or 0
    rows = []
    for i in range(first, first + n):
        prefix, kind = rng.choice(KINDS)
        district = districts[i % len(districts)]
        rows.append(
            {
                "code": f"{i:05d}",
                "name": f"{prefix} {rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}",
                "kind": kind,
                "district_id": district.pk,
                "province_id": district.province_id,
            }
        )
    for row, commune in zip(rows, fill_sort_fields(Commune(**row) for row in rows), strict=True):
        row.update(search_text=commune.search_text, sort_key=commune.sort_key)
    _insert(Commune, rows)
    communes = list(Commune.objects.filter(pk__gt=last_commune).order_by("pk"))
    last = Participation.objects.aggregate(last=Max("pk"))["last"] or 0
    kinds = [ParticipationKind.NEW_BUILD, ParticipationKind.NEW_BUILD, ParticipationKind.EXTENSION]
    _insert(
        Participation,
        (
            {
                "programme_id": programme.pk,
                "commune_id": c.pk,
                "template_id": steps[0].template_id,
                "kind": rng.choice(kinds),
                "start_date": START + datetime.timedelta(days=rng.randint(0, 20)),
            }
            for c in communes
        ),
    )
    parts = Participation.objects.filter(pk__gt=last).values_list("pk", "start_date")
    _insert(Milestone, (m for pk, start in parts for m in _milestones(pk, start, steps, rng)))
    # Rows written in bulk send no signal: their participations' sums (roadmap/totals.py).
    totals_refresh(pk for pk, _start in parts)
    data_changed()  # and no signal renews what is kept (core/generation.py)
    if connection.vendor == "postgresql":
        # What autovacuum does for a live database after a bulk load: without fresh statistics
        # the planner takes 100,000 new rows for a few and nests loops for minutes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return communes
