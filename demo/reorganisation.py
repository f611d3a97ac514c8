"""The 2025 reorganisation of the demo's territory and the 2025-2026 wave under way today.

Facts (copied from ../shared into ``demo/data/``): from 1/7/2025 local government has two
levels; tỉnh Bến Tre (83), tỉnh Trà Vinh (84) and the former tỉnh Vĩnh Long (86) end on 30/6/2025
and the new tỉnh Vĩnh Long, a new unit that reuses code 86, succeeds them by Nghị quyết
202/2025/QH15 (``provinces_2025.csv``, names from the statistics office's lists of 2017 and 2025);
districts are abolished. The new province's 124 commune-level units (``vinh_long_2025.csv``, from
the list of 1/7/2025) and every row of the official conversion table that leads to them
(``conversion_2025.csv``: 359 rows, 354 predecessors, 14 of them split) are loaded; the 45 units
of the 2017 wave are predecessors of 16 of them. The other predecessors (``predecessors_2017.csv``)
carry their district, name and kind in the statistics office's list of 18/8/2017, the only names
the project has for them; the changes between 2017 and 2025 (units merged, renamed or made wards)
are not in the project's data and not recorded, but for Xã Phong Mỹ (28990), merged into Phong
Nẫm in 2020 and absent from the table. The communes' resolution (NQ 1687/NQ-UBTVQH15 of
16/6/2025) and the provinces' (NQ 202/2025/QH15) are named in the brief; the successions carry
them as their legal basis.

Illustrative: the wave (its name, dates, budgets, people, progress, its consulting company); it
has no plan or decision number (left empty); the 2025 procedure catalogue (:data:`CATALOGUE_2025`). Which roadmap each new unit follows (consolidate its
predecessors' QMS and rebuild, or build from nothing) is derived from its predecessors'
announcements by ``roadmap.successors.successor_starting_points``.
"""

import csv
import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from communes.models import Commune, District, Province, ProvinceSuccession, Succession
from core.spreadsheets import read_sheet
from procedures.services import catalogue_import
from roadmap.models import (
    Consultant,
    Milestone,
    Participation,
    ParticipationKind,
    Programme,
    RoadmapStep,
    Standard,
)
from roadmap.services import milestone_update_status, participation_apply_template
from roadmap.successors import StartingPoint, successor_starting_points

DATA = settings.BASE_DIR / "demo" / "data"
EFFECTIVE = datetime.date(2025, 7, 1)
LEGAL_BASIS = "Nghị quyết 1687/NQ-UBTVQH15 ngày 16/6/2025"
PROVINCE_LEGAL_BASIS = "Nghị quyết 202/2025/QH15"  # its date is not in the project's data
TODAY = datetime.date(2026, 12, 1)  # the demo's "today": the wave is under way
# Decided in the second half of 2025 (the decision's number and date are not known: left empty),
# the wave starts three months after the merger; illustrative.
START = datetime.date(2025, 10, 1)
PROGRAMME_NAME = "Đợt 2025–2026: HTQLCL theo TCVN ISO 9001:2015 tại 124 UBND cấp xã tỉnh Vĩnh Long"
# A consulting company of the demo's own (fictional, and named so): no real company is made
# the contractor of an invented wave.
CONSULTANT_2025 = ("Công ty Tư vấn HTQLCL Minh Họa (hư cấu)", "Tư vấn Minh Họa")
# TT 116/2015 Art. 4: a commune's ceiling is 80% of 33 million VND of consultancy for a build.
BUDGET_PER_UNIT = Decimal(26_400_000)
KINDS = {
    "xã": Commune.Kind.COMMUNE,
    "phường": Commune.Kind.WARD,
    "thị trấn": Commune.Kind.TOWNSHIP,
    "đặc khu": Commune.Kind.SPECIAL_ZONE,
}
DISTRICT_KINDS = {
    "huyện": District.Kind.RURAL,
    "quận": District.Kind.URBAN,
    "thị xã": District.Kind.TOWN,
    "thành phố": District.Kind.CITY,
}
# Every unit of 1/7/2025 is a new body: whatever its predecessors had, it runs one QMS for its
# territory on TCVN ISO 9001:2015 and makes its first announcement. What its predecessors left
# decides the kind and the roadmap: consolidate and rebuild their QMS (a predecessor announced),
# or build one from nothing (none did).
TEMPLATE_OF_START = {
    StartingPoint.CONSOLIDATE: "merge",
    StartingPoint.EXTEND: "merge",
    StartingPoint.NEW: "new",
}
KIND_OF_TEMPLATE = {"merge": ParticipationKind.CONSOLIDATION, "new": ParticipationKind.NEW_BUILD}
# (key, name, expected evidence, offset days, duration days, weight): TCVN ISO 9001:2015, over the
# wave's two years (illustrative offsets), the first announcement of the new unit last, due by
# 30/12/2026 (day 455 from the start).
NEW_BUILD_2015 = [
    ("survey", "Khảo sát thực trạng tại UBND cấp xã mới", "Báo cáo khảo sát", 0, 30, 1),
    (
        "steering",
        "Thành lập Ban chỉ đạo ISO, chỉ định đại diện lãnh đạo",
        "Quyết định của Chủ tịch UBND",
        20,
        20,
        1,
    ),
    ("awareness", "Đào tạo nhận thức TCVN ISO 9001:2015", "Danh sách học viên", 45, 30, 1),
    ("context", "Xác định bối cảnh, rủi ro và cơ hội (điều 4, 6)", "Sổ tay rủi ro", 75, 45, 2),
    ("drafting", "Xây dựng quy trình theo mô hình khung", "Dự thảo tài liệu", 110, 90, 3),
    ("issuing", "Ban hành tài liệu HTQLCL", "Quyết định ban hành", 200, 20, 1),
    ("applying", "Áp dụng HTQLCL", "Hồ sơ, sổ theo dõi", 220, 90, 3),
    ("internal-audit", "Đánh giá nội bộ", "Báo cáo đánh giá", 310, 20, 2),
    ("corrective", "Thực hiện hành động khắc phục", "Phiếu khắc phục đã đóng", 330, 20, 1),
    ("review", "Xem xét của lãnh đạo", "Biên bản họp", 365, 20, 1),
    (
        RoadmapStep.ANNOUNCEMENT,
        "Công bố HTQLCL phù hợp TCVN ISO 9001:2015 (lần đầu)",
        "Quyết định công bố",
        405,
        50,
        1,
    ),
]
MERGE_2015 = [
    ("survey", "Rà soát HTQLCL của các đơn vị cũ", "Báo cáo rà soát", 0, 30, 1),
    (
        "steering",
        "Thành lập Ban chỉ đạo ISO của đơn vị mới, chỉ định đại diện lãnh đạo",
        "Quyết định của Chủ tịch UBND",
        20,
        20,
        1,
    ),
    ("awareness", "Đào tạo nhận thức TCVN ISO 9001:2015", "Danh sách học viên", 45, 30, 1),
    (
        "drafting",
        "Hợp nhất và xây dựng lại quy trình theo TCVN ISO 9001:2015 (mô hình khung)",
        "Dự thảo tài liệu",
        75,
        120,
        3,
    ),
    ("issuing", "Ban hành HTQLCL của đơn vị mới", "Quyết định ban hành", 195, 20, 1),
    ("applying", "Áp dụng HTQLCL trên toàn địa bàn mới", "Hồ sơ, sổ theo dõi", 215, 90, 2),
    ("internal-audit", "Đánh giá nội bộ", "Báo cáo đánh giá", 305, 20, 2),
    ("corrective", "Thực hiện hành động khắc phục", "Phiếu khắc phục đã đóng", 325, 20, 1),
    ("review", "Xem xét của lãnh đạo", "Biên bản họp", 360, 20, 1),
    (
        RoadmapStep.ANNOUNCEMENT,
        "Công bố HTQLCL phù hợp TCVN ISO 9001:2015 (lần đầu)",
        "Quyết định công bố",
        400,
        55,
        1,
    ),
]


# The 2025 catalogue of commune-level procedures, in the national procedure database's export
# shape (``catalogue_2025.csv``): illustrative. The 95 procedures of the demo's 2016 list that do
# not name the district level keep their codes (empty where not known); 18 more, real kinds of
# procedures a commune has handled since 1/7/2025, carry codes "MINH-HOA-…" that are no code of
# the national database; two rows of the province level show the import leaving them out.
CATALOGUE_2025 = (
    "Danh mục TTHC cấp xã năm 2025 (minh họa)",
    "Minh họa, không phải danh mục đã công bố: tên thủ tục thật, mã “MINH-HOA-…” không phải mã "
    "của Cơ sở dữ liệu quốc gia về TTHC; số quyết định công bố để trống.",
)


def catalogue_2025(by):
    """The catalogue the 124 units answer for from 1/7/2025, read as an export is imported."""
    path = DATA / "catalogue_2025.csv"
    result = catalogue_import(
        sheet=read_sheet(path.read_bytes(), path.name),
        name=CATALOGUE_2025[0],
        valid_from=EFFECTIVE,
        note=CATALOGUE_2025[1],
        by=by,
    )
    if result.report.errors:  # the demo's own file: an error is a defect of the demo
        raise ValueError(result.report.errors)
    return result.catalogue


def _rows(name):
    with (DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def provinces(builder, old_province) -> tuple[Province, dict[str, Province]]:
    """Bến Tre, Trà Vinh and the former Vĩnh Long end on 30/6/2025; the new tỉnh Vĩnh Long (code
    86 again, a new unit) begins on 1/7/2025 and succeeds the three. Returns the new province
    and the old ones by code."""
    last_day = EFFECTIVE - datetime.timedelta(days=1)
    rows = _rows("provinces_2025.csv")
    new_code, new_name = rows[0]["new_province_code"], rows[0]["new_province_name"]
    # A province in force on both sides of 1/7/2025 under the new one's code (the national lists
    # imported before the demo keep one row for a province whose name did not change) is the
    # former province: it ends, and the new one takes the units that begin on 1/7/2025.
    carried = Province.objects.filter(code=new_code, valid_from=None, valid_until=None).first()
    old = {old_province.code: old_province}
    if carried is not None:
        old[new_code] = carried
    for r in rows:
        if r["old_province_code"] not in old:
            old[r["old_province_code"]] = builder._get(
                Province,
                {"code": r["old_province_code"], "valid_from": None},
                {"name": r["old_province_name"], "valid_until": last_day},
            )
    Province.objects.filter(pk__in=[p.pk for p in old.values()], valid_until__isnull=True).update(
        valid_until=last_day
    )
    new = builder._get(Province, {"code": new_code, "valid_from": EFFECTIVE}, {"name": new_name})
    if carried is not None:
        Commune.objects.filter(province=carried, valid_from__gte=EFFECTIVE).update(province=new)
    for r in rows:
        builder._get(
            ProvinceSuccession,
            {
                "predecessor": old[r["old_province_code"]],
                "successor": new,
                "effective_on": EFFECTIVE,
            },
            {"whole": True, "legal_basis": PROVINCE_LEGAL_BASIS},
        )
    return new, old


def other_predecessors(builder, old_provinces, last_day) -> None:
    """The predecessors of the 124 units outside the three districts of 2017, as the list of
    18/8/2017 names them, with their districts; they end on 30/6/2025."""
    for r in _rows("predecessors_2017.csv"):
        province = old_provinces[r["province_code"]]
        district = builder._get(
            District,
            {"code": r["district_code"], "valid_from": None},
            {
                "name": r["district_name"],
                "kind": DISTRICT_KINDS[r["district_type"].lower()],
                "province": province,
                "valid_until": last_day,
            },
        )
        builder._get(
            Commune,
            {"code": r["code"], "valid_from": None},
            {
                "name": builder.one_spelling(r["name"]),
                "kind": KINDS[r["type"].lower()],
                "district": district,
                "province": province,
                "valid_until": last_day,
            },
        )


def reorganise(builder, old_province) -> list[Commune]:
    """End the provinces, districts and communes of the territory on 30/6/2025; the new
    province and its 124 units begin, with every succession of the official table."""
    last_day = EFFECTIVE - datetime.timedelta(days=1)
    vinh_long, old_provinces = provinces(builder, old_province)
    other_predecessors(builder, old_provinces, last_day)
    conversion = _rows("conversion_2025.csv")
    old_codes = {r["old_ward_code"] for r in conversion}
    Commune.objects.filter(code__in=old_codes, valid_from=None, valid_until=None).update(
        valid_until=last_day
    )
    District.objects.filter(province__in=old_provinces.values(), valid_until__isnull=True).update(
        valid_until=last_day
    )
    new = {
        r["code"]: builder._get(
            Commune,
            {"code": r["code"], "valid_from": EFFECTIVE},
            {
                "name": builder.one_spelling(r["name"]),
                "kind": KINDS[r["type"]],
                "province": vinh_long,
            },
        )
        for r in _rows("vinh_long_2025.csv")
    }
    old = {c.code: c for c in Commune.objects.filter(code__in=old_codes, valid_until=last_day)}
    for r in conversion:
        builder._get(
            Succession,
            {
                "predecessor": old[r["old_ward_code"]],
                "successor": new[r["new_ward_code"]],
                "effective_on": EFFECTIVE,
            },
            {"whole": r["partly_merged"] == "0", "legal_basis": LEGAL_BASIS},
        )
    return list(new.values())


def wave(builder, successors, *, province, dost):
    """The 2025-2026 wave: one participation per new unit, from what its predecessors left."""
    consultant = builder._get(
        Consultant, {"name": CONSULTANT_2025[0]}, {"short_name": CONSULTANT_2025[1]}
    )
    programme = builder._get(
        Programme,
        {"name": PROGRAMME_NAME},
        {
            "province": province,
            "year_start": 2025,
            "year_end": 2026,
            "standard": Standard.ISO_2015,
            "consultant": consultant,
            "start_date": START,
            "budget": BUDGET_PER_UNIT * len(successors),
        },
    )
    templates = {
        "new": builder.template(
            "Xây dựng mới HTQLCL theo TCVN ISO 9001:2015, công bố lần đầu (11 bước)",
            ParticipationKind.NEW_BUILD,
            "Đơn vị mới mà không đơn vị cũ nào có HTQLCL: xây dựng theo mô hình khung "
            "(QĐ 101/QĐ-BKHCN), công bố lần đầu.",
            NEW_BUILD_2015,
            standard=Standard.ISO_2015,
        ),
        "merge": builder.template(
            "Hợp nhất, xây dựng lại HTQLCL của đơn vị mới theo TCVN ISO 9001:2015 (10 bước)",
            ParticipationKind.CONSOLIDATION,
            "Đơn vị mới hình thành từ nhiều đơn vị cũ: hợp nhất HTQLCL của các đơn vị cũ, xây "
            "dựng lại một HTQLCL cho toàn địa bàn theo TCVN ISO 9001:2015, công bố lần đầu.",
            MERGE_2015,
            standard=Standard.ISO_2015,
        ),
    }
    rng = random.Random(2025)
    for point in successor_starting_points(successors):
        participant(builder, point, programme, templates, dost, rng)
    return programme


def participant(builder, point, programme, templates, dost, rng):
    commune = point.commune
    # Fictional people, drawn from the unit's code (not from the wave's stream).
    prng = random.Random(int(commune.code) + 2025)
    leader, secretary = builder.person(prng), builder.person(prng)
    officer = builder.user(
        f"xa2025-{commune.code}", User.Role.COMMUNE_OFFICER, *secretary, commune=commune
    )
    if Participation.objects.filter(programme=programme, commune=commune).exists():
        return
    template = TEMPLATE_OF_START[point.kind]
    participation = builder._get(
        Participation,
        {"programme": programme, "commune": commune},
        {
            "kind": KIND_OF_TEMPLATE[template],
            "budget_allocated": BUDGET_PER_UNIT,
            "start_date": START,
            "qms_representative": f"{' '.join(leader)} (Phó Chủ tịch UBND)",
            "iso_secretary": " ".join(secretary),
        },
    )
    participation_apply_template(
        participation=participation,
        template=templates[template],
        by=dost,
        at=builder_at(START, 8),
    )
    progress(participation, officer, rng)
    # Spent in proportion to the steps done (illustrative), as the Sở records it on TODAY.
    milestones = participation.milestones
    done = milestones.filter(status=Milestone.Status.DONE).count()
    spent = BUDGET_PER_UNIT * Decimal(done) / Decimal(max(1, milestones.count()))
    participation.budget_spent = spent.quantize(Decimal(1000))
    builder._save(participation, by=dost, at=builder_at(TODAY, 17))


def progress(participation, officer, rng):
    """Steps done (a few days early or weeks late) while their due date is past; the next one
    started. The announcement is at most being prepared: nobody has announced by ``TODAY``."""
    lag = rng.randint(-3, 45)
    for m in participation.milestones.select_related("step").order_by("step__order"):
        done_on = m.due_date + datetime.timedelta(days=lag)
        started = m.planned_start + datetime.timedelta(days=max(lag, 0))
        if started >= TODAY:
            break
        m = milestone_update_status(
            milestone=m,
            by=officer,
            status=Milestone.Status.IN_PROGRESS,
            completed_on=None,
            note="",
            expected_version=m.version,
            at=builder_at(started),
        )
        if done_on >= TODAY or m.step.key == RoadmapStep.ANNOUNCEMENT:
            break
        milestone_update_status(
            milestone=m,
            by=officer,
            status=Milestone.Status.DONE,
            completed_on=done_on,
            note="",
            expected_version=m.version,
            at=builder_at(done_on),
        )


def builder_at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def build(builder, *, old_province, dost):
    """Called at the end of the demo builder: the reorganisation, then the wave under way."""
    successors = reorganise(builder, old_province)
    catalogue_2025(dost)
    return wave(builder, successors, province=successors[0].province, dost=dost)
