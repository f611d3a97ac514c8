"""load_demo builds the 2017 Bến Tre wave from the facts in the project, and only once."""

import datetime
import re
from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.db.models import Q

from accounts.models import User
from communes.models import Commune, District, ProvinceSuccession, Succession
from procedures.models import Catalogue, Procedure
from roadmap.models import Milestone, Participation, Programme

pytestmark = pytest.mark.django_db
PASSWORD = "mật-khẩu-demo-2017"  # conftest.DEMO_PASSWORD: the plain demo is built with it


def _row_counts():
    counts = {}
    for label in ("accounts", "communes", "procedures", "roadmap", "audits"):
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model._default_manager.count()
    return counts


@pytest.fixture(scope="module")
def demo(demo_plain):
    """The demo, built once for this module and the other readers of the plain demo
    (``demo_plain`` in conftest.py, with its password)."""
    return demo_plain


def wave_2017():
    return Participation.objects.filter(programme__year_start=2017)


def test_demo_has_the_three_districts_46_communes_and_45_participations(demo):
    wave_districts = District.objects.filter(code__in=["832", "834", "838"])
    assert wave_districts.count() == 3
    assert Commune.objects.filter(valid_from=None, district__in=wave_districts).count() == 46
    # And the other units of 2017 that the official table makes predecessors of the units of
    # 2025 (the city of Bến Tre's among them); none takes part in the 2017 wave.
    city = Commune.objects.filter(valid_from=None, district__code="829")
    assert {"28777", "28780", "28789", "28792", "28798"} <= set(city.values_list("code", flat=True))
    assert not wave_2017().exclude(commune__district__in=wave_districts).exists()
    assert wave_2017().count() == 45
    by_district = {
        code: wave_2017().filter(commune__district__code=code).count()
        for code in ("832", "834", "838")
    }
    assert by_district == {"832": 11, "834": 21, "838": 13}
    assert wave_2017().filter(kind="extension").count() == 11
    assert wave_2017().filter(kind="new").count() == 34
    assert not Participation.objects.filter(commune__code="28990").exists()
    assert "28990" in demo


def test_demo_programme_carries_the_plan_and_decision(demo):
    programme = Programme.objects.get(year_start=2017)
    assert programme.plan_number == "5149/KH-UBND"
    assert programme.plan_date == datetime.date(2016, 9, 30)
    assert programme.decision_number == "1709/QĐ-UBND"
    assert programme.decision_date == datetime.date(2017, 7, 31)
    assert programme.standard == "2008"
    assert "Tư vấn Quản lý Quốc tế" in programme.consultant.name


def test_demo_catalogue_is_real_and_invents_no_code(demo):
    assert Procedure.objects.count() >= 80
    assert Procedure.objects.values("field").distinct().count() >= 12
    coded = dict(Procedure.objects.exclude(national_code="").values_list("name", "national_code"))
    assert coded["Đăng ký khai sinh"] == "1.001193"
    # The brief's five codes; the 2025 catalogue's own procedures carry codes that say they are
    # illustrative (issue 21), never a code that looks real.
    illustrative = {c for c in coded.values() if re.fullmatch(r"MINH-HOA-\d{3}", c)}
    assert len(illustrative) == 18
    assert set(coded.values()) - illustrative <= {
        "1.001193",
        "1.000894",
        "1.000656",
        "2.000815",
        "2.000884",
    }
    catalogue = Catalogue.objects.in_force_on(datetime.date(2026, 12, 1))
    assert "minh họa" in catalogue.name and catalogue.decision == ""
    assert Procedure.objects.in_force_on(datetime.date(2026, 12, 1)).count() == 113
    assert Procedure.objects.in_force_on(datetime.date(2017, 12, 15)).count() == 96
    assert not Procedure.objects.exclude(announced_by="").exists()  # no invented decision


def test_demo_has_a_believable_spread_of_progress(demo, settings):
    # As of 15/12/2017 through the histories, the demo's later years loaded.
    settings.QMS_AS_OF = None
    from reports import metrics

    figures = metrics.compute(wave_2017(), as_of=datetime.date(2017, 12, 15))
    assert figures.counts.done_on_time > 0
    assert figures.counts.done_late > 0
    assert figures.counts.overdue > 0
    assert 1 <= len(figures.silent) <= 10
    assert 0 < figures.announced < 45
    # Every overdue action of 2017 was in a commune that then announced, so it was resolved
    # first: the 2017 picture has open findings (observations) but no overdue action.
    assert figures.findings_open > 0
    assert figures.scope_needing_revision > 0


def test_demo_accounts_one_per_role(demo):
    assert User.objects.get(username="dost").role == User.Role.DOST_STAFF
    assert User.objects.get(username="manager").role == User.Role.MANAGER
    assert User.objects.get(username="consultant").role == User.Role.CONSULTANT
    for code in ("832", "834", "838"):
        assert User.objects.get(username=f"district-{code}").district.code == code
    officers = User.objects.filter(role=User.Role.COMMUNE_OFFICER, commune__valid_from=None)
    assert officers.count() == 45
    assert set(officers.values_list("username", flat=True)) == {
        f"commune-{code}" for code in wave_2017().values_list("commune__code", flat=True)
    }
    assert User.objects.get(username="dost").check_password(PASSWORD)


def test_running_the_demo_twice_changes_nothing(demo):
    before = _row_counts()
    history_before = Milestone.history.count()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert _row_counts() == before
    assert Milestone.history.count() == history_before
    assert "nothing changed" in out.getvalue()


def test_demo_reorganises_the_territory_into_the_124_units_of_vinh_long_from_1_7_2025(demo):
    reorganised = datetime.date(2025, 7, 1)
    new = Commune.objects.filter(valid_from=reorganised)
    # NQ 1687/NQ-UBTVQH15 (the brief): 124 units, 105 xã and 19 phường.
    assert sorted(new.values_list("kind", flat=True)) == sorted(
        [Commune.Kind.COMMUNE] * 105 + [Commune.Kind.WARD] * 19
    )
    wave_units = new.filter(precedents__predecessor__participations__programme__year_start=2017)
    assert wave_units.distinct().count() == 16
    assert set(new.values_list("province__code", flat=True)) == {"86"}
    assert not new.filter(district__isnull=False).exists()
    assert Commune.objects.current(reorganised).filter(province__code="83").count() == 0
    luong_hoa = new.get(code="28987")
    assert luong_hoa.name == "Xã Lương Hòa"
    assert sorted(luong_hoa.precedents.values_list("predecessor__code", flat=True)) == [
        "28987",
        "28999",
    ]
    assert Succession.objects.get(predecessor__code="29014").successor.name == "Phường An Hội"
    # The whole official table for the province: 359 rows (354 units, 14 of them split), each
    # with the resolution; every unit of 2025 has its predecessors.
    successions = Succession.objects.filter(effective_on=reorganised)
    assert successions.count() == 359
    assert successions.values("predecessor").distinct().count() == 354
    assert successions.filter(whole=False).count() == 14
    assert not new.filter(precedents__isnull=True).exists()
    assert set(successions.values_list("legal_basis", flat=True)) == {
        "Nghị quyết 1687/NQ-UBTVQH15 ngày 16/6/2025"
    }
    an_hoi, ben_tre = new.get(code="28777"), new.get(code="28789")
    assert sorted(an_hoi.precedents.values_list("predecessor__code", flat=True)) == [
        "28777",
        "28792",
        "28798",
        "29014",
    ]
    assert sorted(ben_tre.precedents.values_list("predecessor__code", flat=True)) == [
        "28780",
        "28789",
        "28906",
    ]
    phong_my = Succession.objects.get(predecessor__code="28990")
    assert phong_my.effective_on == datetime.date(2020, 2, 1)
    assert phong_my.legal_basis == "Nghị quyết 856/NQ-UBTVQH14"


def test_demo_provinces_have_their_own_lineage(demo):
    """Bến Tre, Trà Vinh and the former Vĩnh Long end on 30/6/2025; the new tỉnh Vĩnh Long
    reuses code 86 from 1/7/2025 and succeeds the three by NQ 202/2025/QH15."""
    from communes.models import Province

    last_day, first_day = datetime.date(2025, 6, 30), datetime.date(2025, 7, 1)
    old = Province.objects.filter(valid_until=last_day)
    assert sorted(old.values_list("code", "name")) == [
        ("83", "Tỉnh Bến Tre"),
        ("84", "Tỉnh Trà Vinh"),
        ("86", "Tỉnh Vĩnh Long"),
    ]
    new = Province.objects.get(valid_from=first_day)
    assert (new.code, new.name, new.valid_until) == ("86", "Tỉnh Vĩnh Long", None)
    assert Province.objects.count() == 4
    mergers = ProvinceSuccession.objects.all()
    assert sorted(m.predecessor.code for m in mergers) == ["83", "84", "86"]
    assert {(m.successor_id, m.effective_on, m.whole, m.legal_basis) for m in mergers} == {
        (new.pk, first_day, True, "Nghị quyết 202/2025/QH15")
    }
    assert set(Commune.objects.filter(valid_from=first_day).values_list("province", flat=True)) == {
        new.pk
    }


def test_the_dashboard_names_the_province_of_its_day(demo, settings, client):
    """With the demo's territory (.env.example: 86, after 83 and 84): tỉnh Bến Tre before
    1/7/2025, tỉnh Vĩnh Long from then."""
    settings.QMS_AS_OF = None
    settings.QMS_PROVINCE, settings.QMS_PROVINCE_PREDECESSORS = "86", ["83", "84"]
    client.force_login(User.objects.get(username="dost"))
    titles = {}
    for day in ("15/12/2017", "30/06/2025", "01/07/2025", ""):
        html = client.get(f"/dashboard/?as_of={day}" if day else "/dashboard/").content.decode()
        titles[day] = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip()
    assert titles == {
        "15/12/2017": "Tổng quan: Tỉnh Bến Tre",
        "30/06/2025": "Tổng quan: Tỉnh Bến Tre",
        "01/07/2025": "Tổng quan: Tỉnh Vĩnh Long",
        "": "Tổng quan: Tỉnh Vĩnh Long",
    }


def test_demo_wave_2025_2026_is_under_way_with_an_account_per_new_unit(demo):
    programme = Programme.objects.get(year_start=2025)
    assert programme.standard == "2015" and programme.decision_number == ""
    participations = Participation.objects.filter(programme=programme)
    assert participations.count() == 124
    statuses = set(
        Milestone.objects.filter(participation__programme=programme).values_list(
            "status", flat=True
        )
    )
    assert {"done", "in_progress", "not_started"} <= statuses
    officers = User.objects.filter(username__startswith="xa2025-")
    assert officers.count() == 124
    assert all(u.commune.valid_from == datetime.date(2025, 7, 1) for u in officers)
    # Decided in the second half of 2025, with a consultant and each unit's QMS people.
    assert programme.start_date == datetime.date(2025, 10, 1)
    assert programme.consultant is not None and "hư cấu" in programme.consultant.name
    assert not participations.filter(qms_representative="").exists()
    assert not participations.filter(iso_secretary="").exists()
    # Each new unit is a new body: it builds (or consolidates its predecessors' QMS into) one
    # QMS on the 2015 edition, and its last step is its first announcement.
    kinds = Counter(participations.values_list("kind", flat=True))
    assert kinds == {"consolidation": 16, "new": 108}  # merged from communes with a QMS, or not
    assert participations.get(commune__code="28987").template.name.startswith("Hợp nhất")
    for participation in participations.select_related("template"):
        assert participation.template.standard == "2015"
        last = participation.template.steps.order_by("order").last()
        assert last.key == "announcement" and "lần đầu" in last.name
        assert "Công bố lại" not in last.name


def _tracked_models():
    return [
        model
        for model in apps.get_models()
        if hasattr(model, "history") and not model._meta.label.startswith("simple_history")
    ]


def test_every_history_replays_to_the_current_state_in_order_and_says_who(demo):
    """No history shows a change nobody made: records in the order they happened, each with its
    author, the last one equal to the object as it is."""
    problems = []
    for model in _tracked_models():
        history = model.history.model
        fields = [
            f.attname
            for f in history._meta.fields
            if f.attname in {g.attname for g in model._meta.concrete_fields}
        ]
        current = {row["pk"]: row for row in model.objects.values("pk", *fields)}
        records = history.objects.order_by("history_date", "history_id").values(
            "id", "history_id", "history_user_id", *fields
        )
        last, last_id = {}, {}
        for record in records:
            pk = record["id"]
            if record["history_user_id"] is None:
                problems.append(f"{model._meta.label} {pk}: a change by nobody")
            if pk in last_id and record["history_id"] < last_id[pk]:
                problems.append(f"{model._meta.label} {pk}: records out of order")
            last[pk], last_id[pk] = record, record["history_id"]
        for pk, row in current.items():
            replayed = last.get(pk)
            if replayed is None:
                problems.append(f"{model._meta.label} {pk}: no history")
                continue
            differing = [f for f in fields if f != "id" and replayed[f] != row[f]]
            if differing:
                problems.append(f"{model._meta.label} {pk}: history ends elsewhere: {differing}")
    assert problems[:20] == []


def test_the_2017_figures_as_of_15_12_2017_stay_as_they_were(demo, settings):
    """The figures of the 2017 dashboard, pinned: a change to the demo must not move them."""
    from reports import metrics

    settings.QMS_AS_OF = None  # today: the figures of 2017 come from the histories
    figures = metrics.compute(Participation.objects.all(), as_of=datetime.date(2017, 12, 15))
    counts = figures.counts
    assert (counts.total, counts.done_on_time, counts.done_late, counts.overdue) == (
        507,
        146,
        105,
        55,
    )
    assert (counts.in_progress, counts.blocked, counts.not_started) == (31, 2, 223)
    assert figures.announced == 8
    assert len(figures.silent) == 5
    # Before 1/12/2026 the demo announced communes with open findings: 13 open, 6 overdue.
    assert (figures.findings_open, figures.actions_overdue) == (7, 0)


def test_no_commune_announces_with_an_open_finding_and_closed_findings_are_verified(demo):
    from audits.models import Announcement, CorrectiveAction, Finding

    for announcement in Announcement.objects.filter(decision_date__gte=datetime.date(2017, 8, 8)):
        open_then = Finding.objects.filter(
            audit__commune=announcement.commune, audit__date__lte=announcement.decision_date
        ).exclude(severity="observation")
        open_then = open_then.filter(status="open") | open_then.filter(
            closed_on__gt=announcement.decision_date
        )
        assert not open_then.exists(), announcement.commune.code
    assert not CorrectiveAction.objects.filter(
        finding__status="closed", verified_at__isnull=True
    ).exists()
    assert Finding.objects.filter(status="closed").exists()


def test_process_codes_look_like_a_communes_own(demo):
    from procedures.models import ScopeItem

    codes = set(ScopeItem.objects.values_list("process_code", flat=True))
    assert "QT-HT-01" in codes
    assert all(re.fullmatch(r"QT-[A-Z]{1,6}-\d{2}", code) for code in codes)


def test_the_2017_dashboard_is_one_click_away_with_as_of_15_12_2017(demo, settings, client):
    """With no pinned day, ``/?as_of=15/12/2017`` shows the pinned 2017 figures: milestones as
    their history shows them that day; today's dashboard shows the 124 units of 2025."""
    settings.QMS_AS_OF = None
    client.force_login(User.objects.get(username="dost"))
    response = client.get("/?as_of=15/12/2017", follow=True)
    figures = response.context["figures"]
    assert figures.as_of == datetime.date(2017, 12, 15)
    counts = figures.counts
    assert (counts.total, counts.done_on_time, counts.done_late, counts.overdue) == (
        507,
        146,
        105,
        55,
    )
    assert (counts.in_progress, counts.blocked, counts.not_started) == (31, 2, 223)
    assert (figures.announced, len(figures.silent)) == (8, 5)
    assert (figures.findings_open, figures.actions_overdue) == (7, 0)
    html = response.content.decode()
    assert 'value="15/12/2017"' in html and 'id="districts-title"' in html

    today = client.get("/", follow=True)
    figures = today.context["figures"]
    assert figures.total == 124 and not figures.has_districts
    assert {c.code for c in figures.communes} == set(
        Commune.objects.filter(valid_from=datetime.date(2025, 7, 1)).values_list("code", flat=True)
    )
    assert 'id="districts-title"' not in today.content.decode()


def test_the_2017_wave_completes_in_2018_all_45_announced_by_31_12_2018(demo):
    from audits.models import Announcement
    from reports import metrics

    figures = metrics.compute(wave_2017(), as_of=datetime.date(2018, 12, 31))
    assert (figures.total, figures.announced) == (45, 45)
    assert figures.counts.done_on_time + figures.counts.done_late == figures.counts.total == 507
    assert metrics.compute(wave_2017(), as_of=datetime.date(2017, 12, 31)).announced == 8
    in_2018 = Announcement.objects.filter(decision_date__year=2018)
    assert in_2018.count() == 45 - 8
    assert set(in_2018.values_list("decision_number", flat=True)) == {""}
    assert all(a.annex.count() == a.scope_size > 0 for a in in_2018)
    # Done in 2018 by the commune officer or the consultant, and recorded on that day.
    done_2018 = Milestone.history.filter(
        participation__programme__year_start=2017, completed_on__year=2018, status="done"
    )
    assert done_2018.exists()
    assert not done_2018.exclude(history_date__year=2018).exists()
    roles = set(done_2018.values_list("history_user__role", flat=True))
    assert roles <= {User.Role.COMMUNE_OFFICER, User.Role.CONSULTANT}


def test_inspection_plans_2019_2024_cover_every_maintaining_commune_a_third_on_site(demo):
    from audits.models import InspectionPlan, onsite_required

    announced_2017_wave = set(wave_2017().values_list("commune", flat=True))
    for year in range(2019, 2025):
        plan = InspectionPlan.objects.get(year=year)
        communes = set(plan.items.values_list("commune", flat=True))
        assert communes == announced_2017_wave, year
        onsite = plan.items.filter(form="onsite").count()
        assert onsite >= onsite_required(45) == 15, year
    # The 124 units of 2025 build their QMS: they maintain none yet, no plan lists them.
    assert not InspectionPlan.objects.filter(items__commune__valid_from__isnull=False).exists()


def test_the_plans_signer_prints_on_two_lines(demo):
    from audits.models import InspectionPlan
    from reports.documents.official import Signer

    for plan in InspectionPlan.objects.all():
        lines = Signer(title=plan.signer_title, name="").title_lines
        assert lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]


# The three people the seed names (the news item of 2017): a deputy director of the Sở, a deputy
# head of the Chi cục and the consulting company's director; each with the parts a record could
# hold (a full name, a first or a last name, the two spellings of "Thúy").
SEED_PEOPLE = ["Võ Văn Truyền", "Hồ Thị Thanh Thúy", "Đoàn Hồng Lý Quang Hoa"]
SEED_PEOPLE_PARTS = ["Truyền", "Thanh Thúy", "Thanh Thuý", "Quang Hoa", "Đoàn Hồng"]
# The records of the seed's facts, where one of them may be named: the company's director.
SEED_FACTS = {("roadmap.Consultant", "representative")}


def test_no_real_person_of_the_seed_authors_anything_in_the_demo(demo):
    """Every text column of every model (the histories too), and every user's full name: the
    seed's people only in the records of the seed's facts."""
    found = []
    for model in apps.get_models():
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField))
            and (model._meta.label, f.attname) not in SEED_FACTS
        ]
        for column in columns:
            condition = Q()
            for part in SEED_PEOPLE_PARTS:
                condition |= Q(**{f"{column}__contains": part})
            hits = model._default_manager.filter(condition)
            found += [f"{model._meta.label}.{column}: {v}" for v in hits.values_list(column)]
    full_names = {f"{u.first_name} {u.last_name}" for u in User.objects.all()}
    found += sorted(full_names & set(SEED_PEOPLE))
    assert found == []
    from roadmap.models import Consultant

    facts = Consultant.objects.filter(representative__in=SEED_PEOPLE)
    assert list(facts.values_list("name", flat=True)) == [
        "Công ty TNHH Tư vấn Quản lý Quốc tế và Hỗ trợ kỹ thuật cao"
    ]


def test_every_person_of_the_demo_looks_fictional(demo):
    """Accounts and the communes' QMS people: a letter for a given name ("Nguyễn Văn A")."""
    looks_fictional = re.compile(r"\w+ \w+ [A-ZĐ]")
    names = [f"{u.first_name} {u.last_name}" for u in User.objects.all()]
    for p in Participation.objects.exclude(qms_representative=""):
        names.append(p.qms_representative.split(" (")[0])
    names += list(
        Participation.objects.exclude(iso_secretary="").values_list("iso_secretary", flat=True)
    )
    assert names and [n for n in names if not looks_fictional.fullmatch(n)] == []


def test_every_unit_name_has_one_spelling(demo):
    """ "Hòa", never "Hoà" (the glossary): the tone of an open "oa", "oe", "uy" on its first
    vowel, in every unit's name (the lists spell some names the other way)."""
    from communes.models import Province
    from demo.builder import one_spelling

    names = [
        name
        for model in (Province, District, Commune)
        for name in model.objects.values_list("name", flat=True)
    ]
    assert "Xã Bình Hòa" in names and "Xã Bình Hoà" not in names
    assert [n for n in names if one_spelling(n) != n] == []
