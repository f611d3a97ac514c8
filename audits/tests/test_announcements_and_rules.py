"""Announcements as on the form (QĐ 19/2014 Phụ lục I) with their annex snapshot, and the rules
of the yearly cycle: findings, announcements with an open major finding, dates that cannot be."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from audits.models import Announcement, Audit, Finding
from audits.services import announcement_record
from audits.tests.factories import AuditFactory, CorrectiveActionFactory, FindingFactory
from procedures.models import ScopeItem
from procedures.tests.factories import ScopeItemFactory
from reports import metrics

D = datetime.date


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.QMS_AS_OF = D(2020, 6, 15)
    settings.LANGUAGE_CODE = "en"


def applied(commune, on, name):
    item = ScopeItemFactory(commune=commune, state=ScopeItem.State.APPLIED, issued_on=on)
    item.procedure.name = name
    item.procedure.save()
    return item


def form_data(**extra):
    return {
        "kind": "first",
        "decision_number": "12/QĐ-UBND",
        "decision_date": "10/03/2019",
        "signer_title": "Chủ tịch",
        "signer_name": "Võ Văn Chủ Tịch",
        "standard": "2015",
        "scope_size": "0",
        "sent_to_dost_on": "15/03/2019",
        "posted_at_office_on": "11/03/2019",
        "posted_online_on": "12/03/2019",
        **extra,
    }


def test_an_announcement_keeps_its_annex_and_a_later_change_shows_as_a_difference(
    client, consultant, world
):
    a = world["commune"]
    applied(a, D(2019, 1, 5), "Đăng ký khai sinh")
    applied(a, D(2019, 1, 5), "Đăng ký kết hôn")
    applied(a, D(2019, 6, 1), "Chứng thực chữ ký")  # issued after the decision: not announced
    client.force_login(consultant)
    response = client.post(f"/communes/{a.code}/{a.since_key}/announcements/new/", form_data())
    assert response.status_code == 302
    announcement = Announcement.objects.get()
    assert (announcement.signer_name, announcement.posted_online_on) == (
        "Võ Văn Chủ Tịch",
        D(2019, 3, 12),
    )
    assert sorted(announcement.annex.values_list("procedure_name", flat=True)) == [
        "Đăng ký khai sinh",
        "Đăng ký kết hôn",
    ]
    assert announcement.scope_size == 2
    row = next(r for r in metrics.year_compliance(a.participations.all(), 2020).communes)
    assert row.scope_added == ["Chứng thực chữ ký"] and row.reannouncement_due
    html = client.get(f"/communes/{a.code}/{a.since_key}/?year=2020").content.decode()
    assert "Added since" in html and "Chứng thực chữ ký" in html


def test_posted_before_the_decision_is_refused(client, consultant, world):
    client.force_login(consultant)
    data = form_data(posted_at_office_on="01/03/2019")
    response = client.post(
        f"/communes/{world['commune'].code}/{world['commune'].since_key}/announcements/new/", data
    )
    assert "It cannot be posted before the decision is signed." in response.content.decode()
    assert not Announcement.objects.exists()


@pytest.fixture
def open_major(world):
    audit = AuditFactory(commune=world["commune"], date=D(2019, 2, 1))
    return FindingFactory(audit=audit, severity=Finding.Severity.MAJOR)


def test_no_announcement_while_a_major_finding_of_the_last_audit_is_open(
    client, consultant, dost_staff, open_major, world
):
    url = f"/communes/{world['commune'].code}/{world['commune'].since_key}/announcements/new/"
    client.force_login(consultant)
    response = client.post(url, form_data(override_reason="Cần gấp"))
    assert "open major finding" in response.content.decode()
    assert not Announcement.objects.exists()  # a consultant cannot give a reason
    client.force_login(dost_staff)
    assert "override_reason" in client.get(url).content.decode()
    response = client.post(url, form_data())
    assert not Announcement.objects.exists()
    response = client.post(url, form_data(override_reason="UBND huyện yêu cầu công bố đúng hạn"))
    assert response.status_code == 302
    assert Announcement.objects.get().override_reason == "UBND huyện yêu cầu công bố đúng hạn"


def test_a_closed_major_finding_or_a_later_clean_audit_lets_it_through(open_major, world):
    AuditFactory(commune=world["commune"], date=D(2019, 2, 20))  # the last audit: no finding
    announcement_record(
        commune=world["commune"],
        by=None,
        decision_number="1/QĐ-UBND",
        decision_date=D(2019, 3, 1),
        standard="2015",
        kind="first",
        scope_size=0,
    )
    assert Announcement.objects.count() == 1


def test_a_finding_cannot_be_closed_while_an_action_is_not_verified(client, dost_staff, world):
    finding = FindingFactory(audit=AuditFactory(commune=world["commune"]))
    CorrectiveActionFactory(finding=finding, done_on=D(2017, 12, 1))
    client.force_login(dost_staff)
    client.post(f"/findings/{finding.pk}/close/")
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN
    finding.status, finding.closed_on = Finding.Status.CLOSED, D(2017, 12, 2)
    with pytest.raises(ValidationError, match="Verify every corrective action"):
        finding.full_clean()


def test_an_audit_before_its_commune_existed_is_refused_saying_why(client, consultant, world):
    commune = world["commune"]
    commune.valid_from = D(2020, 2, 1)
    commune.save()
    client.force_login(consultant)
    data = {"kind": Audit.Kind.INTERNAL_AUDIT, "date": "15/01/2020", "lead": "A", "summary": ""}
    response = client.post(f"/communes/{commune.code}/{commune.since_key}/audits/new/", data)
    assert "did not exist yet on 15/01/2020: it was created on 01/02/2020" in (
        response.content.decode()
    )
    assert not Audit.objects.exists()


def test_a_milestone_done_before_its_programme_started_is_refused(world):
    from roadmap.services import milestone_update_status
    from roadmap.tests.factories import MilestoneFactory

    milestone = MilestoneFactory(
        participation=world["participation"],
        planned_start=D(2017, 8, 8),
        due_date=D(2017, 9, 1),
    )
    with pytest.raises(ValidationError, match="programme started on 08/08/2017"):
        milestone_update_status(
            milestone=milestone,
            by=None,
            status="done",
            completed_on=D(2017, 7, 1),
            note="",
            expected_version=milestone.version,
        )


def test_a_programme_before_2000_is_refused(world):
    programme = world["programme"]
    programme.year_start = 1999
    with pytest.raises(ValidationError, match="before 2000"):
        programme.full_clean()
