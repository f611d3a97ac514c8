"""A finding cites a clause of the edition of TCVN ISO 9001 its commune followed on the audit's
date (2008: clauses 4–8; 2015: clauses 4–10); the picker offers only that edition's clauses."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audits.models import Finding
from audits.tests.factories import AnnouncementFactory, AuditFactory
from roadmap.clauses import CLAUSES, clause_belongs
from roadmap.models import Standard
from roadmap.tests.factories import ParticipationFactory, ProgrammeFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = D(2021, 6, 1)
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def commune_2008(world):
    """Announced on 2008 in 2017, converting to 2015 in a programme from 01/03/2020."""
    commune = world["commune"]
    AnnouncementFactory(commune=commune, decision_date=D(2017, 12, 1), standard="2008")
    programme = ProgrammeFactory(
        province=world["province"],
        standard="2015",
        start_date=D(2020, 3, 1),
        year_start=2020,
        year_end=2021,
    )
    ParticipationFactory(programme=programme, commune=commune, kind="conversion")
    return commune


def test_the_clause_lists_are_the_editions_real_top_level_clauses():
    assert CLAUSES[Standard.ISO_2008] == [
        ("4", "Hệ thống quản lý chất lượng"),
        ("5", "Trách nhiệm của lãnh đạo"),
        ("6", "Quản lý nguồn lực"),
        ("7", "Tạo sản phẩm"),
        ("8", "Đo lường, phân tích và cải tiến"),
    ]
    assert [n for n, _ in CLAUSES[Standard.ISO_2015]] == [str(n) for n in range(4, 11)]
    assert dict(CLAUSES[Standard.ISO_2015])["9"] == "Đánh giá kết quả thực hiện"
    assert clause_belongs("2008", "8.5.2") and not clause_belongs("2008", "9.1")
    assert clause_belongs("2015", "10.2") and not clause_belongs("2015", "3")
    assert not clause_belongs(None, "ISO 7") and clause_belongs(None, "10")
    assert clause_belongs("2008", "TT 26/2014 Đ.36 2.d")  # an inspection's finding


def test_the_audit_follows_the_edition_of_its_time(commune_2008):
    assert AuditFactory(commune=commune_2008, date=D(2019, 5, 1)).standard == "2008"
    assert AuditFactory(commune=commune_2008, date=D(2020, 9, 1)).standard == "2015"
    AnnouncementFactory(commune=commune_2008, decision_date=D(2021, 1, 5), standard="2015")
    assert AuditFactory(commune=commune_2008, date=D(2021, 2, 1)).standard == "2015"


def test_the_model_refuses_a_clause_of_another_edition(commune_2008):
    audit = AuditFactory(commune=commune_2008, date=D(2019, 5, 1))
    finding = Finding(audit=audit, clause="9.2", severity="minor", description="Chưa đánh giá")
    with pytest.raises(ValidationError) as error:
        finding.full_clean()
    message = error.value.message_dict["clause"][0]
    assert "TCVN ISO 9001:2008" in message and "4–8" in message
    finding.clause = "8.2.2"
    finding.full_clean()


def test_the_form_offers_and_accepts_only_the_audits_editions_clauses(
    client, consultant, commune_2008
):
    audit = AuditFactory(commune=commune_2008, date=D(2019, 5, 1))
    client.force_login(consultant)
    page = client.get(reverse("audits:audit_detail", args=[audit.pk])).text
    assert '<option value="8">8. Đo lường, phân tích và cải tiến</option>' in page
    assert '<option value="9">' not in page and "Bối cảnh của tổ chức" not in page
    url = reverse("audits:finding_create", args=[audit.pk])
    data = {"finding-clause": "10.2", "finding-severity": "minor", "finding-description": "X"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "is not a clause of TCVN ISO 9001:2008" in response.text
    assert not Finding.objects.exists()
    data["finding-clause"] = " 8.5.2 "
    assert client.post(url, data).status_code == 302
    assert Finding.objects.get().clause == "8.5.2"


def test_a_2015_audit_picks_from_clauses_4_to_10(client, consultant, commune_2008):
    audit = AuditFactory(commune=commune_2008, date=D(2020, 9, 1))
    client.force_login(consultant)
    page = client.get(reverse("audits:audit_detail", args=[audit.pk])).text
    assert '<option value="10">10. Cải tiến</option>' in page
    assert "Tạo sản phẩm" not in page
    url = reverse("audits:finding_create", args=[audit.pk])
    data = {"finding-clause": "9.2", "finding-severity": "minor", "finding-description": "X"}
    assert client.post(url, data).status_code == 302
