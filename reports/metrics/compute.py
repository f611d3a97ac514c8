"""All the figures of a scope (:func:`compute`), kept for the current data generation
(:func:`compute_cached`), and the figures by province of a national deployment.
"""

import datetime
import hashlib
import threading
from collections import Counter, OrderedDict
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from communes.models import Province
from core import clock
from reports.compliance import commune_compliance, year_as_of, year_figures, year_table
from reports.metrics.changes import recent_changes_with_previous
from reports.metrics.groups import (
    LEVELS,
    _finding_and_action_figures,
    _group_rows,
    _record_figures,
    finding_and_action_rows,
)
from reports.metrics.rows import CELLS_MAX, DistrictRow, Figures, load_cells
from reports.metrics.sums import (
    _commune_rows,
    _tally_milestones,
    scope_steps,
    steps_from_cells,
)


def compute(
    participations,
    *,
    as_of: datetime.date | None = None,
    cells=None,
    curve: bool = True,
    records: bool = True,
    records_of=None,
    steps_of=None,
) -> Figures:
    """All the figures of ``participations`` (a queryset) as of ``as_of`` (default: today).

    A fixed number of queries whatever the number of communes, the milestones added up in SQL
    (today from their maintained sums, :mod:`roadmap.totals`): participations, milestones by
    participation, steps, the curve, findings, corrective actions, and one for the audits,
    announcements and scope; and the grid's cells (one more) when ``cells`` is true, or by
    default for at most :data:`CELLS_MAX` communes (a larger scope loads those it shows:
    :meth:`Figures.with_cells`). A page without the grid and the chart (a commune's) leaves out
    the ``curve``, the steps and the cells (three queries less); one that lists the findings
    and corrective actions itself, ``records`` (one less: their figures are None).
    ``records_of``: what reads the audits' figures (:func:`_records`; :func:`compute_cached`
    keeps them while no audit, finding or announcement changes); ``steps_of``: what reads the
    steps of the roadmaps (:func:`~reports.metrics.sums.scope_steps`; kept while no milestone is
    added, removed or moved).
    """
    as_of = as_of or clock.today()
    # The picture of a day holds the units in force that day: not those that began later (the
    # 2025 units in the 2017 picture), nor those that had ended.
    participations = participations.of_units_in_force(as_of)
    sums: list = []  # today: read with the rows
    rows = _commune_rows(participations, as_of, sums)
    every_cell = cells or (cells is None and curve and len(rows) <= CELLS_MAX)
    # Loading every cell, the grid's header (the steps) comes with them.
    tally = _tally_milestones(
        rows, participations, as_of, sums, curve=curve, steps=not every_cell, steps_of=steps_of
    )
    if every_cell:
        found: dict = {}
        load_cells(list(rows.values()), as_of, participations.values("pk"), steps=found)
        if curve:
            tally.steps_by_kind = steps_from_cells(found)
    return figures_of(participations, as_of, rows, tally, records=records, records_of=records_of)


def figures_of(
    participations, as_of, rows: dict, tally, *, records: bool = True, records_of=None
) -> Figures:
    """The :class:`Figures` of ``rows`` (their sums taken) and their ``tally``: the groups, the
    audits' figures, the totals (:func:`compute`'s last step, also that of
    :mod:`reports.metrics.live`)."""
    groups = {level: _group_rows(rows, level) for level in LEVELS}
    found_rows, record_figures = (records_of or _records)(participations, as_of, records)
    communes = list(rows.values())
    return Figures(
        as_of=as_of,
        communes=communes,
        districts=sorted(groups["district"].values(), key=lambda d: d.code),
        provinces=sorted(groups["province"].values(), key=lambda d: d.code),
        steps_by_kind=tally.steps_by_kind,
        counts=tally.counts,
        by_kind=Counter(c.kind for c in communes),
        by_stage=Counter(c.stage for c in communes),
        **(
            _finding_and_action_figures(found_rows, groups)
            if records
            else dict.fromkeys(
                ("findings_open", "findings_closed", "actions_open", "actions_overdue")
            )
        ),
        **record_figures,
        budget_allocated=sum(c.budget_allocated for c in communes),
        budget_spent=sum(c.budget_spent for c in communes),
        curve=tally.curve,
        silent_days=settings.QMS_SILENT_DAYS,
    )


def _today(participations, in_force, as_of: datetime.date, key: str) -> Figures:
    """Today's figures of ``participations`` (``in_force``: those in force on ``as_of``, whose
    kept state is under ``key``, :func:`reports.metrics.live.key`): computed whole for a scope
    up to :data:`CELLS_MAX` communes; above, from the rows this process keeps current between
    milestone updates (:mod:`reports.metrics.live`), once it has seen the scope's size."""
    from reports.metrics import live

    if live.size(key) > CELLS_MAX:
        rows, tally = live.live_rows(in_force, as_of, key, _steps_cached)
        return figures_of(in_force, as_of, rows, tally, records_of=records_cached)
    figures = compute(
        participations, as_of=as_of, records_of=records_cached, steps_of=_steps_cached
    )
    live.note_size(key, len(figures.communes))
    return figures


def _records(participations, as_of: datetime.date, findings: bool = True) -> tuple:
    """What :func:`compute` reads of the audits, findings, corrective actions, announcements and
    scope of ``participations``' communes: the rows of
    :func:`~reports.metrics.groups.finding_and_action_rows` (when ``findings``) and
    :func:`~reports.metrics.groups._record_figures`. None of it reads the milestones."""
    commune_ids = participations.values("commune_id")
    rows = finding_and_action_rows(commune_ids, as_of) if findings else []
    return rows, _record_figures(commune_ids, as_of)


def records_cached(participations, as_of: datetime.date, findings: bool = True) -> tuple:
    """:func:`_records`, kept while nothing but the milestones changes (:func:`cached_on_other`):
    a milestone's update (what commune officers do all day) leaves it cached."""
    return cached_on_other(
        "records",
        participations,
        (as_of, findings),
        lambda: _records(participations, as_of, findings),
    )


def _steps_cached(participations, as_of: datetime.date) -> dict:
    """:func:`~reports.metrics.sums.scope_steps`, kept while the roadmaps keep their shape and
    their steps their names (a milestone's update leaves it cached)."""
    from core.generation import OTHER, ROADMAPS, kept

    return kept(
        "steps",
        (scope_sql(participations), as_of),
        lambda: scope_steps(participations, as_of),
        (ROADMAPS, OTHER),
    )


FIGURES_CACHE_SECONDS = 24 * 3600
# The figures this process computed or read last, by key: a hit costs nothing, where reading 10,000
# communes' figures from the shared cache costs their unpickling. The key holds the data
# generation, read from the shared cache on every call: a change seen by any process replaces it.
# Bounded by the commune rows they hold (a scope of 10,000 communes weighs 10,000, a commune's
# page 1), so that the many small scopes (districts, communes' pages) are not pushed out by a
# province's figures renewed at each update: as much memory as 8 scopes of 10,000 communes.
_RECENT: "OrderedDict[str, tuple[object, int]]" = OrderedDict()  # key -> (value, weight)
_RECENT_ROWS = 80_000
_RECENT_MAX = 512
_RECENT_WEIGHT = [0]
_RECENT_LOCK = threading.Lock()


def forget_recent() -> None:
    """Forget what this process keeps (tests)."""
    from core.generation import forget_kept

    with _RECENT_LOCK:
        _RECENT.clear()
        _RECENT_WEIGHT[0] = 0
    forget_kept()


def _weight(value) -> int:
    """The commune rows ``value`` holds (at least 1): what bounds :data:`_RECENT`."""
    if isinstance(value, tuple):
        return max(1, sum(_weight(item) for item in value))
    communes = getattr(value, "communes", None)
    return max(1, len(communes)) if isinstance(communes, list) else 1


def _source_digest() -> str:
    """A digest of the code that builds the cached figures: a deployment of new code never reads
    figures pickled by the old (their classes may have other fields)."""
    base = Path(__file__).resolve().parent
    files = sorted(base.glob("*.py")) + [base.parent / "compliance.py"]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


SHAPE = _source_digest()


def _cached(kind: str, participations, parts: tuple, build, topics: tuple = (), shared=True):
    """What ``build()`` returns for ``participations`` and ``parts``, kept for the current data
    generation of ``topics`` (default: all; :mod:`core.generation`) in this process and,
    when ``shared``, in the shared cache. What is small to keep and quick to compute again is
    kept by :func:`core.generation.kept` instead (:func:`cached_on_other`)."""
    key = _generation_key(kind, participations, parts, topics)
    return _kept(key, build, shared=shared)


def _generation_key(kind: str, participations, parts: tuple, topics: tuple = ()) -> str:
    from core.generation import data_generation

    generation = data_generation(*topics)  # before the data: see core.generation
    digest = hashlib.sha256(f"{scope_sql(participations)}|{parts!r}".encode()).hexdigest()
    return f"{kind}:{SHAPE}:{generation}:{digest}"


def scope_sql(participations) -> str:
    """The SQL and parameters of ``participations``, which name a scope in the keys of what is
    kept: compiled once per queryset (a page keys five or six things on the same one, and each
    compilation cost 0.3 ms). A queryset's query never changes (filtering makes another)."""
    sql = participations.__dict__.get("_scope_sql")
    if sql is None:
        text, params = participations.query.sql_with_params()
        sql = participations.__dict__["_scope_sql"] = f"{text}|{params!r}"
    return sql


def _kept(key: str, build, *, shared: bool = False):
    """The value kept under ``key`` in this process (and the shared cache, when ``shared``),
    else ``build()``'s, kept there."""
    with _RECENT_LOCK:
        kept = _RECENT.get(key)
        if kept is not None:
            _RECENT.move_to_end(key)
            return kept[0]
    value = cache.get(key) if shared else None
    if value is None:
        value = build()
        if shared:
            cache.set(key, value, FIGURES_CACHE_SECONDS)
    weight = _weight(value)
    with _RECENT_LOCK:
        if key not in _RECENT:  # another thread may have kept it meanwhile
            _RECENT[key] = (value, weight)
            _RECENT_WEIGHT[0] += weight
        while len(_RECENT) > 1 and (len(_RECENT) > _RECENT_MAX or _RECENT_WEIGHT[0] > _RECENT_ROWS):
            _, (_, dropped) = _RECENT.popitem(last=False)
            _RECENT_WEIGHT[0] -= dropped
    return value


def kept_by_revisions(
    kind: str, scope, as_of: datetime.date, revisions: str, build, *, users: bool = False
):
    """Today's ``build()`` for a scope whose participations the caller has read with the
    revisions of their maintained sums (``revisions``: each of them, by pk, with its revision;
    ``scope``: what else names the scope, a commune's pk), kept in this process while none of
    them changes: keyed on those revisions, which every write of a participation's milestones
    renews (:mod:`roadmap.totals`; a milestone added, removed or moved too), and on the
    generation of everything else. An update in another commune leaves it kept, where the
    milestones' generation would renew every scope's. The revisions name every participation
    of the scope, so the key needs no SQL of theirs (writing it cost a commune's page two
    compilations). ``users``: and on the users' generation, for what names people (a list of
    changes and their authors)."""
    from core.generation import OTHER, USERS, data_generation

    generation = data_generation(*((OTHER, USERS) if users else (OTHER,)))  # before the data
    return _kept(f"{kind}:{SHAPE}:{generation}:{scope}:{as_of}:{revisions}", build)


def _unchanged_key(kind: str, in_force, as_of) -> str:
    """The key of today's figures of a small scope, the participations ``in_force`` (as
    :func:`kept_by_revisions` keys them, the revisions read here in one query): the generations
    of what is not a milestone, the scope's SQL, and the revisions of its sums."""
    from core.generation import OTHER, ROADMAPS
    from reports.metrics import live

    # The generations, then the revisions, before the data (see core.generation).
    key = _generation_key(kind, in_force, (as_of,), (OTHER, ROADMAPS))
    return f"{key}:{live.revisions_digest(in_force)}"


def compute_cached(participations, *, as_of: datetime.date | None = None) -> Figures:
    """:func:`compute`, kept for the current data generation (:mod:`core.generation`) in this
    process: the key is the participations' SQL and the date, so users who see the same rows
    share it, and any change to the data makes it unreachable.

    A past day's figures read the milestones' history: they are kept in the shared cache too,
    so that another worker reads them rather than computing them again. Today's add up the sums
    every write keeps current (:mod:`roadmap.totals`): computing them costs less than reading
    10,000 communes' figures back from the shared cache, and writing them there after every
    update cost more than both (issue 22), so they stay in the process."""
    as_of = as_of or clock.today()
    if not clock.is_past(as_of):
        return _today_cached(participations, as_of)
    return _cached(
        "figures",
        participations,
        (as_of,),
        lambda: compute(
            participations, as_of=as_of, records_of=records_cached, steps_of=_steps_cached
        ),
    )


def _today_cached(participations, as_of: datetime.date) -> Figures:
    """Today's figures: of a scope of up to :data:`CELLS_MAX` communes, kept while none of its
    participations changes (:func:`_unchanged_key`); of a larger one, kept for the data
    generation (a change renews the rows it touched: :func:`_today`). A scope this process has
    not seen yet is computed once, then kept as its size says."""
    from reports.metrics import live

    in_force = participations.of_units_in_force(as_of)
    key = live.key(in_force, as_of)
    size = live.size(key)

    def build():
        return _today(participations, in_force, as_of, key)

    if size > CELLS_MAX:
        return _kept(_generation_key("figures", participations, (as_of,)), build)
    small = _unchanged_key("figures", in_force, as_of)
    if size:
        return _kept(small, build)
    large = _generation_key("figures", participations, (as_of,))
    figures = build()  # both keys read before the data
    return _kept(large if len(figures.communes) > CELLS_MAX else small, lambda: figures)


def year_figures_cached(participations, year: int, *, today: datetime.date | None = None):
    """:func:`year_figures`, kept as :func:`compute_cached` keeps the figures; they do not read
    the milestones, so a milestone's update leaves them cached."""
    from core.generation import OTHER

    today = today or clock.today()
    return _cached(
        "year",
        participations,
        (year, today),
        lambda: year_figures(participations, year, today=today),
        topics=(OTHER,),
    )


def cached_on_other(kind: str, participations, parts: tuple, build):
    """What ``build()`` returns for ``participations`` and ``parts``, kept while nothing but the
    milestones changes: for what reads no milestone (the audits, the announcements, the
    units). Small and quick to compute again: kept in the process only (reading it from the
    shared cache, a database table by default, would cost more queries than computing it)."""
    from core.generation import OTHER, kept

    return kept(kind, (scope_sql(participations), parts), build, (OTHER,))


def commune_compliance_cached(participations, year: int, *, today: datetime.date | None = None):
    """:func:`~reports.compliance.commune_compliance`, kept while nothing but the milestones
    changes (:func:`cached_on_other`: the year's duties do not read the milestones)."""
    today = today or clock.today()
    return cached_on_other(
        "compliance",
        participations,
        (year, today),
        lambda: commune_compliance(participations, year, today=today),
    )


def recent_changes_cached(
    participations, *, limit: int, as_of: datetime.date, size: int | None = None
) -> list[dict]:
    """:func:`~reports.metrics.changes.recent_changes_with_previous`, kept in this process while
    no milestone of the scope, unit, step or user changes (the names it shows): a dashboard
    read between two updates reads it once. Its two queries cost a dashboard a fifth of its CPU,
    most of it compiling and planning five joins and a subquery for fifteen rows (issue 22).

    A scope of up to :data:`CELLS_MAX` communes (``size``, as its figures counted them: a
    district's) keys today's list on the revisions of its participations' sums, which every
    write of one of their milestones renews (a note alone too), as its figures do: an update
    in another district leaves it kept. A larger one, or a past day, keys on the milestones'
    generation."""
    from core.generation import MILESTONES, OTHER, USERS
    from reports.metrics import live

    def build():
        return recent_changes_with_previous(participations, limit=limit, as_of=as_of)

    if size is not None and size <= CELLS_MAX and not clock.is_past(as_of):
        key = _generation_key("recent-changes", participations, (as_of, limit), (OTHER, USERS))
        return _kept(f"{key}:{live.revisions_digest(participations)}", build)  # tokens first
    return _cached(
        "recent-changes",
        participations,
        (as_of, limit),
        build,
        topics=(MILESTONES, OTHER, USERS),
        shared=False,
    )


# Figures by province (a national deployment) ----------------------------------------------------


def province_rows(figures: Figures) -> list[DistrictRow]:
    """Every province in force on ``figures.as_of`` with its row of ``figures`` (an empty row when
    none of its communes takes part), in code order: 63 in 2017, 34 after 1/7/2025 (one query)."""
    rows = {row.code: row for row in figures.provinces}
    for code, name in Province.objects.current(figures.as_of).values_list("code", "name"):
        rows.setdefault(code, DistrictRow(code=code, name=name))
    return sorted(rows.values(), key=lambda row: row.code)


def year_tables_by_province(participations, year: int, *, today=None) -> dict:
    """The annual report's table of ``year`` for each province whose units take part in
    ``participations``, side by side: ``{"labels": [...], "rows": [(province, [values])]}``.

    The labels and values are :func:`year_table`'s, so a province's row is its own annual
    report's table. One :func:`year_figures` per province that takes part (a national
    deployment: at most 63)."""
    on = year_as_of(year, today)
    provinces = (
        Province.objects.current(on).filter(communes__participations__in=participations).distinct()
    )
    labels, rows = [], []
    for province in provinces.order_by("code"):
        mine = participations.filter(commune__province=province)
        table = year_table(year_figures(mine, year, today=today))
        labels = [label for label, _value in table]
        rows.append((province, [value for _label, value in table]))
    return {"labels": labels, "rows": rows}
