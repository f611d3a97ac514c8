"""Workflows that write several administrative units at once: a new national list taking effect
on a date (units missing from it end the day before, a reused code is a new unit) and the
conversion table from the old units to the new ones (successions)."""

import datetime
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from communes.models import Commune, District, Province, ProvinceSuccession, Succession, nfc
from core.resources import NEW, SKIP, UPDATE, CellError, Report, RowReport, check_headers
from core.signals import data_bulk_written
from core.spreadsheets import Sheet
from core.widgets import as_text, clean_code, fold

BATCH = 1000
ONE_DAY = datetime.timedelta(days=1)


def of_provinces(model, provinces: set[str] | None):
    """The units of ``model`` in the provinces of codes ``provinces`` (None: every unit)."""
    if provinces is None:
        return model.objects.all()
    path = "code" if model is Province else "province__code"
    return model.objects.filter(**{f"{path}__in": provinces})


def units_around(model, codes, day, provinces=None) -> tuple[dict, dict, set]:
    """The units of ``model`` with one of ``codes`` (None: every code) in the provinces of codes
    ``provinces`` (None: every province) seen from ``day``: those in force on it (by code), the
    day the next unit of each code starts after it (a code reused later), and the codes some
    unit carried before it. A list of ``day`` touches only the first."""
    in_force, next_start, earlier = {}, {}, set()
    units = of_provinces(model, provinces)
    units = units if codes is None else units.filter(code__in=codes)
    for unit in units.order_by("valid_until"):
        if unit.valid_from is not None and unit.valid_from > day:
            known = next_start.get(unit.code)
            next_start[unit.code] = min(known, unit.valid_from) if known else unit.valid_from
        elif unit.valid_until is not None and unit.valid_until < day:
            earlier.add(unit.code)
        else:
            in_force[unit.code] = unit
    return in_force, next_start, earlier


def units_ended_among(units) -> tuple[int, Commune | District | Province | None]:
    """How many units of the parsed list ``units`` (provinces, districts, communes by code) carry
    the code of a unit that has ended (its end date set), and the one of them that ended last
    (a commune first). A list that does not say its day cannot be matched with these: its row
    may be the unit that ended or the one that reuses the code."""
    count, example = 0, None
    for model, wanted in zip((Province, District, Commune), units, strict=True):
        ended = model.objects.filter(code__in=list(wanted), valid_until__isnull=False)
        count += ended.values("code").distinct().count()
        example = ended.order_by("-valid_until", "code").first() or example
    return count, example


def next_list_start(day: datetime.date) -> datetime.date | None:
    """The first day after ``day`` from which a list took effect (the earliest start of a unit
    of any level after it): a unit of ``day``'s list that no later list names ends before."""
    starts = [
        model.objects.filter(valid_from__gt=day)
        .order_by("valid_from")
        .values_list("valid_from", flat=True)[:1]
        for model in (Province, District, Commune)
    ]
    found = [start for query in starts for start in query]
    return min(found) if found else None


def _current_on(model, day, provinces=None):
    """The units of ``model`` (of the provinces of codes ``provinces``, None: all) in force on
    ``day``, by code, and when each code's next unit starts after it."""
    in_force, next_start, _earlier = units_around(model, None, day, provinces)
    return in_force, next_start


def _replace_level(
    model, wanted, fields_of, effective, report, label, dry_run=False, provinces=None
):
    """Make the current units of one level exactly ``wanted`` (code -> value) from ``effective``.

    A unit whose name, kind and parents are unchanged goes on; any other is a new unit from
    ``effective`` and the old one (if any) ends the day before, as do units missing from the
    list. Returns code -> pk of the units valid from ``effective`` (``dry_run``: counted, not
    written; a unit it would create has a key of its own, ``("new", code)``). Only the units of
    the provinces of codes ``provinces`` (None: every one) are matched or ended.
    """
    existing, next_start = _current_on(model, effective, provinces)
    ended, to_create, ids, kept, redone = [], [], {}, 0, []
    for code, value in wanted.items():
        fields = fields_of(value)
        unit = existing.pop(code, None)
        if unit is not None and all(getattr(unit, k) == v for k, v in fields.items()):
            ids[code] = unit.pk
            kept += 1
            continue
        if unit is not None and unit.valid_from == effective:
            redone.append((unit, fields))  # a unit of this same list, corrected in place
            ids[code] = unit.pk
            continue
        if unit is not None:
            ended.append(unit.pk)
        until = next_start.get(code)
        to_create.append(
            model(code=code, valid_from=effective, valid_until=until and until - ONE_DAY, **fields)
        )
        if model is Commune:
            report.rows.append(RowReport(value[4], NEW, f"{value[0]} ({code})"))
    ended += [u.pk for u in existing.values() if u.valid_from is None or u.valid_from < effective]
    if dry_run:
        created = to_create
        ids.update({u.code: ("new", u.code) for u in created})
    else:
        created = _write_level(model, ended, redone, to_create, effective)
        ids.update({u.code: u.pk for u in created})
    report.counts[NEW] += len(created)
    report.counts[UPDATE] += len(ended) + len(redone)
    report.counts[SKIP] += kept
    report.details.append(
        _("· %(level)s: %(new)s new, %(ended)s ended on %(day)s, %(kept)s unchanged")
        % {
            "level": label,
            "new": len(created),
            "ended": len(ended),
            "day": f"{effective - ONE_DAY:%d/%m/%Y}",
            "kept": kept,
        }
    )
    return ids


def _write_level(model, ended, redone, to_create, effective) -> list:
    """End the units ``ended`` (pks) the day before ``effective``, correct ``redone`` ((unit,
    fields)) in place, create ``to_create``; the units created."""
    for start in range(0, len(ended), BATCH):
        model.objects.filter(pk__in=ended[start : start + BATCH]).update(
            valid_until=effective - ONE_DAY
        )
    for unit, fields in redone:
        for k, v in fields.items():
            setattr(unit, k, v)
    if redone:
        model.objects.bulk_update([u for u, _f in redone], list(redone[0][1]), batch_size=BATCH)
    return model.objects.bulk_create(to_create, batch_size=BATCH)


def units_replace_list(
    *, units, effective: datetime.date, report, dry_run: bool = False, within=None
) -> None:
    """The parsed national list (provinces, districts, communes) becomes the list from
    ``effective``: of the provinces of codes ``within`` only when given (a user's territory:
    the units of the other provinces are neither matched nor ended). The caller owns the
    transaction; importing the same list again changes nothing. ``dry_run`` reads and counts,
    and writes nothing."""
    provinces, districts, communes = units
    province_ids = _replace_level(
        Province,
        provinces,
        lambda v: {"name": v[0], "kind": v[1]},
        effective,
        report,
        _("provinces"),
        dry_run,
        within,
    )
    district_ids = _replace_level(
        District,
        districts,
        lambda v: {"name": v[0], "kind": v[1], "province_id": province_ids[v[2]]},
        effective,
        report,
        _("districts"),
        dry_run,
        within,
    )
    _replace_level(
        Commune,
        communes,
        lambda v: {
            "name": v[0],
            "kind": v[1],
            "district_id": district_ids.get(v[2]) if v[2] else None,
            "province_id": province_ids[v[3]],
        },
        effective,
        report,
        _("communes"),
        dry_run,
        within,
    )
    report.written = report.changes_anything and not dry_run


# The conversion table: one row per old unit -> new unit ---------------------------------------

SUCCESSION_COLUMNS = {
    "old": ("old_ward_code", "Mã xã cũ"),
    "old_district": ("old_district_code", "Mã huyện cũ"),
    "old_province": ("old_province_code", "Mã tỉnh cũ"),
    "partly": ("partly_merged", "Sáp nhập một phần"),
    "new": ("new_ward_code", "Mã xã mới"),
    "new_province": ("new_province_code", "Mã tỉnh mới"),
}
WIDTHS = {"old": 5, "old_district": 3, "old_province": 2, "new": 5, "new_province": 2}


@dataclass
class Edge:
    """One row of the conversion table, resolved to units."""

    row: int
    old: Commune
    new: Commune
    whole: bool


def _error(report, row, column, message):
    if len(report.errors) < 200:
        report.errors.append(CellError(row, column, message))


def _succession_columns(sheet, report) -> dict[str, int]:
    """Column positions by key, in the English or the Vietnamese layout (errors to ``report``)."""
    folded = {fold(h) for h in sheet.headers if h}
    layout = 0 if fold(SUCCESSION_COLUMNS["old"][0]) in folded else 1
    names = {key: pair[layout] for key, pair in SUCCESSION_COLUMNS.items()}
    report.errors = check_headers(
        sheet.headers,
        required=list(names.values()),
        optional=[],
        ignore_unknown=True,
        row=sheet.header_row,
    )
    index = {fold(h): i for i, h in enumerate(sheet.headers) if h}
    return {key: (index.get(fold(name)), name) for key, name in names.items()}


def _succession_rows(sheet, columns, report) -> list[tuple[int, dict]]:
    """The rows as codes and the partly flag, each row once."""
    parsed, seen = [], {}
    for row, values in sheet.rows:
        cells, ok = {}, True
        for key, (i, name) in columns.items():
            value = values[i] if i is not None and i < len(values) else None
            try:
                if key == "partly":
                    text = value if value in ("0", "1") else as_text(value)
                    if text not in ("0", "1"):
                        raise ValueError(
                            _("“%(value)s” should be 0 (whole) or 1 (part).") % {"value": text}
                        )
                    cells[key] = text == "1"
                elif type(value) is str and len(value) == WIDTHS[key] and value.isdigit():
                    cells[key] = value  # the common case, without the widget's checks
                else:
                    cells[key] = clean_code(value, WIDTHS[key])
            except ValueError as exc:
                _error(report, row, name, str(exc))
                ok = False
        if not ok:
            continue
        pair = (cells["old"], cells["new"])
        if pair in seen:
            _error(report, row, "", _("This row repeats row %(row)s.") % {"row": seen[pair]})
            continue
        seen[pair] = row
        parsed.append((row, cells))
    return parsed


def _units_by_code(codes, day) -> dict[str, Commune]:
    units = (
        Commune.objects.filter(code__in=codes)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .select_related("province")
        .only(*UNIT_FIELDS, *(f"province__{f}" for f in UNIT_FIELDS))
    )
    return {u.code: u for u in units}


# What the checks read of a unit and its province: loading no more keeps 13,000 units quick.
UNIT_FIELDS = ("id", "code", "name", "valid_from", "valid_until")


def _missing_error(report, row, column, code, before, create_missing) -> None:
    if create_missing:
        return
    _error(
        report,
        row,
        column,
        _(
            "No unit with code %(code)s was in force on %(day)s. Import the list of units in "
            "force on that day first, or tick “Create the missing former units” (command: "
            "--create-missing-predecessors) to create it without a name, to be typed later."
        )
        % {"code": code, "day": f"{before:%d/%m/%Y}"},
    )


def _resolve(rows, columns, effective, report, create_missing=False) -> tuple[list, list]:
    """Each row's old unit (in force the day before ``effective``) and new unit (from it); an
    old code unknown then is an error, or (``create_missing``) a former unit to create."""
    before = effective - ONE_DAY
    olds = _units_by_code({c["old"] for _r, c in rows}, before)
    news = _units_by_code({c["new"] for _r, c in rows}, effective)
    missing = MissingUnits(rows, olds, before, report) if create_missing else None
    edges = []
    for row, cells in rows:
        old, new = olds.get(cells["old"]), news.get(cells["new"])
        if old is None:
            _missing_error(report, row, columns["old"][1], cells["old"], before, create_missing)
            old = missing.unit(row, cells, columns) if missing else None
        if new is None:
            _error(
                report,
                row,
                columns["new"][1],
                _(
                    "No unit with code %(code)s is in force on %(day)s. Import the new list "
                    "with this effective date first (or check the code)."
                )
                % {"code": cells["new"], "day": f"{effective:%d/%m/%Y}"},
            )
        if old is None or new is None:
            continue
        _check_provinces(row, cells, columns, old, new, report)
        edges.append(Edge(row, old, new, whole=not cells["partly"]))
    return edges, missing.created if missing else []


def _check_provinces(row, cells, columns, old, new, report) -> None:
    for unit, key in ((old, "old_province"), (new, "new_province")):
        if unit.province.code == cells[key]:
            continue
        message = _("%(unit)s (%(code)s) is in province %(actual)s, not %(given)s.") % {
            "unit": unit.name,
            "code": unit.code,
            "actual": unit.province.code,
            "given": cells[key],
        }
        if unit is new:
            _error(report, row, columns[key][1], message)
        else:  # the list in the database may predate a later boundary change: a warning
            report.details.append(
                _("Row %(row)s (kept): %(message)s") % {"row": row, "message": message}
            )


class MissingUnits:
    """The former units a conversion table names but the database lacks (communes created
    after the last list imported), to create with the row's district and province, an empty
    name to be typed, ended the day before the effective date. Not saved here: they get
    temporary negative keys until :meth:`save`."""

    def __init__(self, rows, olds, before, report):
        self.before, self.report, self.by_code, self.created = before, report, {}, []
        codes = {c["old"] for _r, c in rows} - set(olds)
        districts = {c["old_district"] for _r, c in rows if c["old"] in codes}
        provinces = {c["old_province"] for _r, c in rows if c["old"] in codes}
        self.districts = _level_by_code(District, districts, before)
        self.provinces = _level_by_code(Province, provinces, before)
        self.last_end = dict(
            Commune.objects.filter(code__in=codes, valid_until__lt=before)
            .order_by("valid_until")
            .values_list("code", "valid_until")
        )

    def unit(self, row, cells, columns) -> Commune | None:
        code = cells["old"]
        if code in self.by_code:
            return self.by_code[code]
        district = self.districts.get(cells["old_district"])
        province = self.provinces.get(cells["old_province"])
        if district is None or province is None or district.province_id != province.pk:
            _error(
                self.report,
                row,
                columns["old_district"][1],
                _(
                    "Former unit %(code)s cannot be created: district %(district)s of province "
                    "%(province)s was not in force on %(day)s."
                )
                % {
                    "code": code,
                    "district": cells["old_district"],
                    "province": cells["old_province"],
                    "day": f"{self.before:%d/%m/%Y}",
                },
            )
            return None
        ended = self.last_end.get(code)
        unit = Commune(
            pk=-1 - len(self.created),
            code=code,
            name="",
            district=district,
            province=province,
            valid_from=ended + ONE_DAY if ended else None,
            valid_until=self.before,
        )
        self.by_code[code] = unit
        self.created.append((row, unit))
        self.report.rows.append(
            RowReport(
                row,
                NEW,
                _("%(code)s, without a name (to type), in %(district)s, %(province)s")
                % {"code": code, "district": district.name, "province": province.name},
            )
        )
        return unit

    @staticmethod
    def save(created) -> None:
        units = [unit for _row, unit in created]
        for unit in units:
            unit.pk = None
        Commune.objects.bulk_create(units, batch_size=BATCH)


def _level_by_code(model, codes, day) -> dict:
    return {u.code: u for u in model.objects.filter(code__in=codes).current(day)}


def _check_cycles(edges, report) -> set[int]:
    """Rows whose succession would close a circle (a unit its own ancestor); returns them."""
    graph = defaultdict(set)
    for pred, succ in Succession.objects.values_list("predecessor_id", "successor_id"):
        graph[pred].add(succ)
    for e in edges:
        graph[e.old.pk].add(e.new.pk)
    in_cycle = set()
    for e in edges:
        stack, seen = [e.new.pk], set()
        while stack:
            node = stack.pop()
            if node == e.old.pk:
                in_cycle.add(e.row)
                _error(
                    report,
                    e.row,
                    "",
                    _("%(old)s (%(code)s) → %(new)s closes a cycle: a unit cannot succeed itself.")
                    % {"old": e.old.name, "code": e.old.code, "new": e.new.name},
                )
                break
            if node not in seen:
                seen.add(node)
                stack.extend(graph.get(node, ()))
    return in_cycle


def _check_dates(edges, effective, skip, report) -> None:
    """The old unit ends before ``effective`` and only once; the new one is in force on it."""
    ended_other_day = set(
        Succession.objects.filter(predecessor__in=[e.old.pk for e in edges])
        .exclude(effective_on=effective)
        .values_list("predecessor_id", flat=True)
    )
    targets = defaultdict(list)
    day = f"{effective:%d/%m/%Y}"
    for e in edges:
        if e.row in skip:
            continue
        labels = {"unit": e.old.name, "code": e.old.code, "day": day}
        if e.old.valid_until is None or e.old.valid_until >= effective:
            _error(
                report,
                e.row,
                "",
                _(
                    "%(unit)s (%(code)s) is still in force on %(day)s: the dates overlap (import "
                    "the new list with its effective date first)."
                )
                % labels,
            )
        elif e.old.pk in ended_other_day:
            _error(
                report,
                e.row,
                "",
                _("%(unit)s (%(code)s) already has successors on another date: the dates overlap.")
                % labels,
            )
        targets[e.old.pk].append(e)
    for split in targets.values():
        if len(split) > 1 and any(e.whole for e in split):
            _error(
                report,
                split[-1].row,
                "",
                _(
                    "%(unit)s (%(code)s) goes to several units (rows %(rows)s): each of these "
                    "rows must be marked partly merged."
                )
                % {
                    "unit": split[0].old.name,
                    "code": split[0].old.code,
                    "rows": ", ".join(str(e.row) for e in split),
                },
            )


def _province_pairs(edges, effective, report) -> dict[tuple[int, int], bool]:
    """(old province, new province) -> whole, for units that changed province; a province that
    did not end the day before ``effective`` gives none of its units to another province."""
    targets = defaultdict(set)
    for e in edges:
        if e.old.province_id == e.new.province_id:
            continue
        province = e.old.province
        if province.valid_until is None or province.valid_until >= effective:
            _error(
                report,
                e.row,
                "",
                _(
                    "%(unit)s (%(code)s) cannot go to %(new)s in %(new_province)s: %(province)s "
                    "did not merge into another province."
                )
                % {
                    "unit": e.old.name,
                    "code": e.old.code,
                    "new": e.new.name,
                    "new_province": e.new.province.name,
                    "province": province.name,
                },
            )
            continue
        targets[province.pk].add(e.new.province_id)
    return {(old, new): len(news) == 1 for old, news in targets.items() for new in news}


def _renew_merged_provinces(pairs, effective, report, dry_run) -> dict[tuple[int, int], bool]:
    """A province that other provinces merge into on ``effective`` while it was in force before
    is a new unit that reuses the code (NQ 202/2025/QH15: Bến Tre, Trà Vinh and the former Vĩnh
    Long became the new tỉnh Vĩnh Long, code 86 again): the former one ends the day before, the
    new one (same code, name and kind) begins on ``effective`` with the units that begin then,
    and succeeds the former one whole. Returns ``pairs`` naming the new provinces."""
    targets = {new for _old, new in pairs}
    renewed = {}
    for old in Province.objects.filter(pk__in=targets).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lt=effective)
    ):
        report.details.append(
            _("%(province)s (%(code)s) reuses its code from %(day)s: a new unit succeeds it.")
            % {"province": old.name, "code": old.code, "day": f"{effective:%d/%m/%Y}"}
        )
        if dry_run:
            renewed[old.pk] = old.pk
            continue
        Province.objects.filter(pk=old.pk).update(valid_until=effective - ONE_DAY)
        new = Province.objects.create(
            code=old.code,
            name=old.name,
            kind=old.kind,
            valid_from=effective,
            valid_until=old.valid_until,
        )
        for model in (District, Commune):
            model.objects.filter(province=old, valid_from__gte=effective).update(province=new)
        renewed[old.pk] = new.pk
    result = {(old, renewed.get(new, new)): whole for (old, new), whole in pairs.items()}
    for old, new in renewed.items():
        if old != new:
            result[(old, new)] = True
    return result


def _write_successions(model, wanted, effective, legal_basis, dry_run) -> tuple[int, int, int]:
    """Create or update ``wanted`` ((predecessor pk, successor pk) -> whole); new, changed, same.
    ``dry_run``: counted from one read, nothing written."""
    existing = {
        (pred, succ): (pk, was_whole, basis)
        for pk, pred, succ, was_whole, basis in model.objects.filter(
            effective_on=effective, predecessor__in={p for p, _s in wanted}
        ).values_list("pk", "predecessor_id", "successor_id", "whole", "legal_basis")
    }
    to_create, to_update = [], []
    for (pred, succ), whole in wanted.items():
        row = existing.get((pred, succ))
        if row is None:
            to_create.append(
                model(
                    predecessor_id=pred,
                    successor_id=succ,
                    effective_on=effective,
                    whole=whole,
                    legal_basis=legal_basis,
                )
            )
        elif row[1] != whole or (legal_basis and row[2] != legal_basis):
            to_update.append(model(pk=row[0], whole=whole, legal_basis=legal_basis or row[2]))
    if not dry_run:
        model.objects.bulk_create(to_create, batch_size=BATCH)
        model.objects.bulk_update(to_update, ["whole", "legal_basis"], batch_size=BATCH)
    return len(to_create), len(to_update), len(wanted) - len(to_create) - len(to_update)


def _check_within(edges, missing, within, report) -> bool:
    """An error for each row naming a unit outside the provinces of codes ``within`` (None:
    every province is allowed); then the report holds these errors only (the others would name
    the units outside), and True."""
    if within is None:
        return False
    errors = report.errors
    report.errors = []
    allowed = set(Province.objects.filter(code__in=within).values_list("pk", flat=True))
    units = [(e.row, e.old) for e in edges] + [(e.row, e.new) for e in edges] + list(missing)
    for row, unit in units:
        if unit.province_id not in allowed:
            _error(
                report,
                row,
                "",
                _(
                    "The unit with the GSO code “%(code)s” lies outside your area of work: "
                    "nothing of it is imported or shown."
                )
                % {"code": unit.code},
            )
    if not report.errors:
        report.errors = errors
        return False
    report.details = []
    return True


def _successions_check(
    sheet: Sheet, effective: datetime.date, report: Report, create_missing, within=None
):
    """The rows of the conversion table resolved to units, the provinces whose units moved
    ((old, new) -> whole) and the former units to create ((row, unit)), from bulk reads; every
    error in ``report`` (a unit outside the provinces of codes ``within`` is one)."""
    columns = _succession_columns(sheet, report)
    if report.errors:
        return [], {}, []
    rows = _succession_rows(sheet, columns, report)
    edges, missing = _resolve(rows, columns, effective, report, create_missing)
    if _check_within(edges, missing, within, report):
        return [], {}, []
    in_cycle = _check_cycles(edges, report)
    _check_dates(edges, effective, in_cycle, report)
    provinces = _province_pairs(edges, effective, report)
    report.errors.sort(key=lambda e: e.row or 0)
    return edges, provinces, missing


def successions_import(
    *,
    sheet: Sheet,
    effective: datetime.date,
    legal_basis: str = "",
    dry_run: bool = False,
    report: Report | None = None,
    create_missing: bool = False,
    within: set[str] | None = None,
) -> Report:
    """Read the conversion table (old unit -> new unit) into successions from ``effective``.

    Every row is checked first (codes in force the day before and on ``effective``, provinces,
    cycles, dates); one error and nothing is written. Provinces whose units moved to another
    province get a province succession. Importing the same table again changes nothing.
    ``dry_run`` (the preview) reads only: no write, no transaction, no lock.
    ``create_missing``: an old code no unit carried the day before is a former unit to create
    (see :class:`MissingUnits`), listed in the report, instead of an error. ``within``: the
    codes of the provinces whose units the rows may name (None: every province).
    """
    if report is None:
        report = Report(title=str(_("Successions of administrative units")), filename="")
    with transaction.atomic() if not dry_run else nullcontext():
        edges, provinces, missing = _successions_check(
            sheet, effective, report, create_missing, within
        )
        if report.errors:
            return report
        if missing and not dry_run:
            MissingUnits.save(missing)
        basis = nfc(legal_basis)
        provinces = _renew_merged_provinces(provinces, effective, report, dry_run)
        units = {(e.old.pk, e.new.pk): e.whole for e in edges}
        new, changed, same = _write_successions(Succession, units, effective, basis, dry_run)
        p_new, p_changed, p_same = _write_successions(
            ProvinceSuccession, provinces, effective, "", dry_run
        )
    report.counts.update(
        {NEW: new + p_new + len(missing), UPDATE: changed + p_changed, SKIP: same + p_same}
    )
    summary = [
        _("· communes: %(new)s new successions, %(changed)s changed, %(same)s unchanged")
        % {"new": new, "changed": changed, "same": same},
        _("· provinces: %(new)s new successions, %(changed)s changed, %(same)s unchanged")
        % {"new": p_new, "changed": p_changed, "same": p_same},
    ]
    if missing:
        summary.insert(
            0,
            _("· former units created without a name (to type): %(count)s")
            % {"count": len(missing)},
        )
    report.details[:0] = summary
    report.written = report.changes_anything and not dry_run
    if report.written:  # bulk writes send no save signal: the cached reports start afresh
        data_bulk_written.send(sender=Succession)
    return report
