"""The yearly maintenance duties (QĐ 19/2014 Art. 4.4; TT 26/2014 Art. 37.2.c): per commune and
year, on the commune page and on the dashboard for the year picked."""

import datetime
import re

import pytest

from audits.models import Audit, Finding, add_months
from audits.tests.factories import (
    AnnouncementFactory,
    AuditFactory,
    CorrectiveActionFactory,
    FindingFactory,
)
from procedures.models import ScopeItem
from procedures.tests.factories import ProcedureFactory, ScopeItemFactory
from reports import metrics
from reports.compliance import DONE, LATE, NOT_DUE, PENDING

TODAY = datetime.date(2020, 6, 15)
D = datetime.date
# the communes with their audits of the year, scope, announcements; no annex (announcements
# recorded without) and no inspection that year: neither is read (one query each otherwise)
QUERIES = 3


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.QMS_AS_OF = TODAY
    settings.LANGUAGE_CODE = "en"


def issued(commune, *, on, revision=0, amended=None, abolished=None, name=None):
    procedure = ProcedureFactory(amended_on=amended, abolished_on=abolished)
    if name:
        procedure.name = name
        procedure.save()
    return ScopeItemFactory(
        commune=commune,
        procedure=procedure,
        state=ScopeItem.State.APPLIED,
        issued_on=on,
        revision=revision,
    )


@pytest.fixture
def maintained(world):
    """Commune A announced in 2018 with two processes; commune B announced in 2019."""
    a, b = world["commune"], world["neighbour_commune"]
    issued(a, on=D(2018, 1, 10))
    issued(a, on=D(2018, 1, 10))
    AnnouncementFactory(commune=a, decision_date=D(2018, 3, 1), scope_size=2)
    AnnouncementFactory(commune=b, decision_date=D(2019, 3, 1), scope_size=0)
    return world


def row_of(participations, year, commune):
    rows = metrics.year_compliance(participations, year).communes
    return next(r for r in rows if r.commune_id == commune.pk)


def all_participations(world):
    from roadmap.models import Participation

    return Participation.objects.filter(commune__province=world["province"])


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(D(2019, 3, 10), 2) == D(2019, 5, 10)
    assert add_months(D(2019, 12, 31), 2) == D(2020, 2, 29)
    assert add_months(D(2019, 11, 30), 3) == D(2020, 2, 29)
    assert add_months(D(2019, 10, 15), 3) == D(2020, 1, 15)


def test_audit_and_review_are_late_once_the_year_is_over(maintained):
    a = maintained["commune"]
    AuditFactory(commune=a, kind=Audit.Kind.INTERNAL_AUDIT, date=D(2019, 5, 20))
    row = row_of(all_participations(maintained), 2019, a)
    assert row.in_maintenance
    assert (row.internal_audit, row.internal_audit_on) == (DONE, D(2019, 5, 20))
    assert row.management_review == LATE
    assert row.status == LATE
    assert row.late_duties == ["management_review"]


def test_the_running_year_is_pending_not_late(maintained):
    a = maintained["commune"]
    row = row_of(all_participations(maintained), 2020, a)
    assert row.as_of == TODAY
    assert (row.internal_audit, row.management_review) == (PENDING, PENDING)
    assert row.status == PENDING


def test_the_year_of_the_first_announcement_is_not_due(maintained):
    b = maintained["neighbour_commune"]
    parts = all_participations(maintained)
    assert row_of(parts, 2019, b).status == NOT_DUE
    assert row_of(parts, 2020, b).in_maintenance


def test_processes_must_follow_a_change_within_three_months(maintained):
    a = maintained["commune"]
    # Amended 1/3/2019: due 1/6/2019. One revised 20/5 (on time), one 10/7 (late), one never.
    issued(a, on=D(2019, 5, 20), revision=1, amended=D(2019, 3, 1), name="Đúng hạn")
    issued(a, on=D(2019, 7, 10), revision=1, amended=D(2019, 3, 1), name="Trễ hạn")
    issued(a, on=D(2018, 1, 10), amended=D(2019, 3, 1), name="Chưa cập nhật")
    # First issued after the change: nothing to revise.
    issued(a, on=D(2019, 4, 1), amended=D(2019, 3, 1), name="Mới")
    row = row_of(all_participations(maintained), 2019, a)
    statuses = {r.procedure: (r.deadline, r.status) for r in row.revisions}
    assert statuses == {
        "Đúng hạn": (D(2019, 6, 1), DONE),
        "Trễ hạn": (D(2019, 6, 1), LATE),
        "Chưa cập nhật": (D(2019, 6, 1), LATE),
    }
    assert row.processes == LATE
    # Still not updated in 2020: carried over, late; the ones updated in 2019 are not.
    row_2020 = row_of(all_participations(maintained), 2020, a)
    assert [r.procedure for r in row_2020.revisions] == ["Chưa cập nhật"]


def test_a_process_of_an_abolished_procedure_left_in_the_scope_is_late(maintained):
    a = maintained["commune"]
    issued(a, on=D(2018, 1, 10), abolished=D(2019, 8, 1), name="Bãi bỏ")
    AnnouncementFactory(commune=a, decision_date=D(2018, 4, 1), kind="re", scope_size=3)
    row = row_of(all_participations(maintained), 2019, a)
    (revision,) = row.revisions
    assert (revision.abolished, revision.deadline, revision.status) == (True, D(2019, 11, 1), LATE)
    # The abolished procedure also left the scope: the announcement's count no longer holds.
    assert row.reannouncement_due


def test_a_scope_larger_than_announced_makes_the_reannouncement_due(maintained):
    a = maintained["commune"]
    parts = all_participations(maintained)
    assert not row_of(parts, 2019, a).reannouncement_due
    issued(a, on=D(2019, 9, 1), name="Thêm vào phạm vi")
    assert not row_of(parts, 2018, a).reannouncement_due  # not yet in the 2018 scope
    row = row_of(parts, 2019, a)
    assert row.reannouncement_due and row.scope_size == 3
    AnnouncementFactory(commune=a, decision_date=D(2020, 1, 5), kind="re", scope_size=3)
    assert not row_of(parts, 2020, a).reannouncement_due


def test_corrective_actions_are_due_two_months_after_the_inspection(maintained):
    a = maintained["commune"]
    inspection = AuditFactory(commune=a, kind=Audit.Kind.INSPECTION_ONSITE, date=D(2019, 3, 10))
    finding = FindingFactory(audit=inspection, severity=Finding.Severity.MINOR)
    # Done in time and accepted by the Sở (TT 26/2014 Art. 37.2.d): fixed within two months.
    CorrectiveActionFactory(
        finding=finding,
        due_date=D(2019, 5, 10),
        done_on=D(2019, 5, 2),
        answer="accepted",
        answered_on=D(2019, 5, 9),
    )
    CorrectiveActionFactory(finding=finding, due_date=D(2019, 5, 10), done_on=D(2019, 6, 1))
    # Done in time but never answered by the Sở: the follow-up is not closed, late once over.
    CorrectiveActionFactory(finding=finding, due_date=D(2019, 5, 10), done_on=D(2019, 5, 3))
    # A nonconformity with no action at all is late too; an observation asks for none.
    FindingFactory(audit=inspection, severity=Finding.Severity.MAJOR, description="Không khắc phục")
    FindingFactory(audit=inspection, severity=Finding.Severity.OBSERVATION)
    row = row_of(all_participations(maintained), 2019, a)
    assert sorted((x.deadline, x.done_on or D.max, x.status) for x in row.actions) == [
        (D(2019, 5, 10), D(2019, 5, 2), DONE),
        (D(2019, 5, 10), D(2019, 5, 3), LATE),
        (D(2019, 5, 10), D(2019, 6, 1), LATE),
        (D(2019, 5, 10), D.max, LATE),
    ]
    assert row.corrective_actions == LATE


def test_the_year_compliance_costs_the_same_queries_for_1_and_many_communes(
    maintained, django_assert_num_queries
):
    a = maintained["commune"]
    parts = all_participations(maintained)
    with django_assert_num_queries(QUERIES):
        metrics.year_compliance(parts.filter(commune=a), 2019)
    AuditFactory(commune=maintained["other_commune"], kind=Audit.Kind.INTERNAL_AUDIT)
    issued(maintained["other_commune"], on=D(2018, 2, 1), amended=D(2019, 1, 1))
    with django_assert_num_queries(QUERIES):
        metrics.year_compliance(parts, 2019)


def test_the_scope_is_compared_with_the_annex_of_the_latest_announcement_by_then(world):
    """The latest announcement on the as-of date, the last recorded on a day with two; not a
    later one, not another commune's."""
    from audits.models import AnnouncementItem

    a, b = world["commune"], world["neighbour_commune"]
    birth = issued(a, on=D(2018, 1, 10), name="Đăng ký khai sinh").procedure
    marriage = issued(a, on=D(2018, 1, 10), name="Đăng ký kết hôn").procedure
    signature = issued(a, on=D(2019, 2, 1), name="Chứng thực chữ ký").procedure
    gone = ProcedureFactory(name="Cấp phép cũ")

    def announced(commune, on, procedures):
        announcement = AnnouncementFactory(commune=commune, decision_date=on)
        for procedure in procedures:
            AnnouncementItem.objects.create(
                announcement=announcement, procedure=procedure, procedure_name=procedure.name
            )
        return announcement

    announced(a, D(2018, 3, 1), [birth, marriage])
    announced(a, D(2019, 3, 1), [birth, marriage, signature])  # the same day as the next
    latest = announced(a, D(2019, 3, 1), [birth, signature, gone])
    announced(a, D(2020, 9, 1), [birth, marriage, signature])  # after 15/06/2020
    announced(b, D(2019, 4, 1), [birth, marriage, signature])
    row = row_of(all_participations(world), 2020, a)
    assert row.last_announcement["pk"] == latest.pk
    assert (row.scope_added, row.scope_removed) == (["Đăng ký kết hôn"], ["Cấp phép cũ"])
    assert row.scope_size == 3 and row.reannouncement == PENDING


def test_the_year_figures_send_the_same_sql_for_3_and_23_communes(maintained):
    """The communes go to the database as a subquery, never as a list of ids (a nation's 10,000
    ids cost Django seconds to turn into parameters)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from communes.tests.factories import CommuneFactory
    from roadmap.tests.factories import ParticipationFactory

    inspection = AuditFactory(
        commune=maintained["commune"], kind=Audit.Kind.INSPECTION_ONSITE, date=D(2019, 4, 2)
    )
    FindingFactory(audit=inspection, severity=Finding.Severity.MINOR)
    parts = all_participations(maintained)

    def sql_sent() -> tuple[int, list[int]]:
        with CaptureQueriesContext(connection) as queries:
            figures = metrics.year_figures(parts, 2019)
        return figures.bodies, [len(q["sql"]) for q in queries.captured_queries]

    bodies, before = sql_sent()
    for n in range(20):
        commune = CommuneFactory(district=maintained["district"], code=f"2{n:04d}")
        ParticipationFactory(programme=maintained["programme"], commune=commune)
        AnnouncementFactory(commune=commune, decision_date=D(2018, 3, 1), scope_size=0)
        AuditFactory(commune=commune, kind=Audit.Kind.INTERNAL_AUDIT, date=D(2019, 5, 1))
    more, after = sql_sent()
    assert (bodies, more) == (3, 23)
    assert after == before


def test_the_commune_page_shows_the_years_duties(client, commune_officer, maintained):
    AuditFactory(commune=maintained["commune"], kind=Audit.Kind.INTERNAL_AUDIT, date=D(2019, 5, 20))
    client.force_login(commune_officer)
    response = client.get("/communes/28873/0/?year=2019")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Maintenance in 2019" in html
    assert "20/05/2019" in html
    assert 'class="badge compliance-late"' in html  # the management review
    this_year = client.get("/communes/28873/0/").content.decode()
    assert "Maintenance in 2020" in this_year


def test_the_dashboard_lists_the_communes_late_in_the_year_picked(client, dost_staff, maintained):
    a, c = maintained["commune"], maintained["other_commune"]
    for kind in (Audit.Kind.INTERNAL_AUDIT, Audit.Kind.MANAGEMENT_REVIEW):
        AuditFactory(commune=a, kind=kind, date=D(2019, 6, 1))
    AnnouncementFactory(commune=c, decision_date=D(2018, 5, 1), scope_size=0)
    client.force_login(dost_staff)
    html = client.get("/dashboard/?year=2019").content.decode()
    late = re.search(r'<ul class="small" id="year-late">(.*?)</ul>', html, re.S).group(1)
    assert c.name in late and "Internal audit, Management review" in late
    assert a.name not in late  # held both
    assert maintained["neighbour_commune"].name not in late  # first announced in 2019
    html = client.get("/dashboard/?year=2021").content.decode()
    assert "The yearly cycle: 2020" in html  # a year not offered falls back to this year
    assert 'id="year-late"' not in html  # 2020 still runs: pending, nobody late yet


def test_a_unit_that_began_after_the_year_is_not_in_its_figures(db, settings):
    """The year's table counts the units in force that year, as the dashboard's headline does."""
    import datetime as dt

    from communes.tests.factories import CommuneFactory
    from reports import compliance
    from roadmap.models import Participation
    from roadmap.tests.factories import ParticipationFactory

    settings.QMS_AS_OF = dt.date(2026, 12, 1)
    old = ParticipationFactory()
    new = ParticipationFactory(
        commune=CommuneFactory(
            code="29999",
            valid_from=dt.date(2025, 7, 1),
            district=None,
            province=old.commune.province,
        ),
        programme=old.programme,
    )
    ids_2017 = {
        c.commune_id for c in compliance.year_compliance(Participation.objects.all(), 2017).communes
    }
    ids_2025 = {
        c.commune_id for c in compliance.year_compliance(Participation.objects.all(), 2025).communes
    }
    assert ids_2017 == {old.commune_id}
    assert ids_2025 == {old.commune_id, new.commune_id}


def test_a_unit_that_ended_during_the_year_owes_nothing_that_year(db, settings):
    """The 45 units ended on 30/6/2025 are not late for a 2025 audit: their successors carry
    the year; they are in 2024's figures."""
    import datetime as dt

    from communes.tests.factories import CommuneFactory
    from reports import compliance
    from roadmap.models import Participation
    from roadmap.tests.factories import ParticipationFactory

    settings.QMS_AS_OF = dt.date(2026, 12, 1)
    ended = ParticipationFactory(commune=CommuneFactory(valid_until=dt.date(2025, 6, 30)))

    def ids(year):
        found = compliance.year_compliance(Participation.objects.all(), year).communes
        return {c.commune_id for c in found}

    assert ids(2024) == {ended.commune_id}
    assert ids(2025) == set()
