"""Programme management: DOST staff create waves, add communes, apply templates, assign officers."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from communes.tests.factories import CommuneFactory
from roadmap.models import Milestone, Participation, Programme
from roadmap.tests.factories import (
    ParticipationFactory,
    ProgrammeFactory,
    RoadmapStepFactory,
    RoadmapTemplateFactory,
)


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = datetime.date(2017, 12, 15)


LIST = reverse("roadmap:programme_list")
CREATE = reverse("roadmap:programme_create")


def detail(programme):
    return reverse("roadmap:programme_detail", args=[programme.pk])


def login_redirect(response):
    return response.status_code == 302 and reverse("accounts:login") in response["Location"]


# List and detail ------------------------------------------------------------------------------


def test_programme_pages_need_a_login(client, world):
    assert login_redirect(client.get(LIST))
    assert login_redirect(client.get(detail(world["programme"])))
    assert login_redirect(client.get(CREATE))


def test_each_role_sees_the_programmes_of_its_communes(client, personas, world):
    expected = {
        "dost_staff": {world["programme"], world["other_programme"]},
        "manager": {world["programme"], world["other_programme"]},
        "district_officer": {world["programme"]},
        "commune_officer": {world["programme"]},
        "other_commune_officer": {world["other_programme"]},
        "consultant": {world["programme"]},
    }
    for persona, programmes in expected.items():
        client.force_login(personas[persona])
        response = client.get(LIST)
        assert set(response.context["programmes"]) == programmes, persona


def test_a_programme_outside_the_users_scope_is_404(client, commune_officer, consultant, world):
    client.force_login(commune_officer)
    assert client.get(detail(world["other_programme"])).status_code == 404
    client.force_login(consultant)
    assert client.get(detail(world["other_programme"])).status_code == 404
    assert client.get(detail(world["programme"])).status_code == 200


@pytest.mark.parametrize("n", [1, 20])
def test_programme_list_queries_do_not_grow(client, dost_staff, django_assert_num_queries, n):
    for programme in ProgrammeFactory.create_batch(n):
        ParticipationFactory(programme=programme)
    client.force_login(dost_staff)
    client.get(LIST)
    # session, programmes with their consultant, province and number of communes (the user and
    # the name of their scope in the title, the province, are kept from the first request)
    with django_assert_num_queries(2):
        response = client.get(LIST)
    assert len(response.context["programmes"]) >= n


@pytest.mark.parametrize("n", [1, 20])
def test_programme_detail_queries_do_not_grow(client, dost_staff, django_assert_num_queries, n):
    programme = ProgrammeFactory()
    for _ in range(n):
        participation = ParticipationFactory(programme=programme)
        UserFactory(role=User.Role.COMMUNE_OFFICER, commune=participation.commune)
    client.force_login(dost_staff)
    client.get(detail(programme))
    # session, programme, participations, officers, then the forms' choices: communes not yet in
    # the programme (the one-commune and the several-communes forms), templates, the programme's
    # communes (the user is kept from the first request)
    with django_assert_num_queries(8):
        response = client.get(detail(programme))
    assert len(response.context["participations"]) == n


# Creating a wave ------------------------------------------------------------------------------


WAVE = {
    "name": "Đợt 2018",
    "year_start": "2018",
    "year_end": "2019",
    "decision_number": "1200/QĐ-UBND",
    "decision_date": "15/06/2018",
    "standard": "2015",
    "start_date": "01/08/2018",
    "budget": "1500000000",
}


@pytest.mark.parametrize(
    "persona", ["manager", "district_officer", "commune_officer", "consultant"]
)
def test_only_dost_staff_create_a_wave(client, personas, persona, world):
    client.force_login(personas[persona])
    assert client.get(CREATE).status_code == 403
    data = {**WAVE, "province": world["province"].pk}
    assert client.post(CREATE, data).status_code == 403
    assert not Programme.objects.filter(name="Đợt 2018").exists()


def test_dost_staff_create_a_wave(client, dost_staff, world):
    client.force_login(dost_staff)
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, {**WAVE, "province": world["province"].pk})
    programme = Programme.objects.get(name="Đợt 2018")
    assert response["Location"] == detail(programme)
    assert programme.start_date == datetime.date(2018, 8, 1)
    assert programme.decision_date == datetime.date(2018, 6, 15)
    response = client.post(CREATE, {**WAVE, "name": "Sai", "year_end": "2017"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Programme.objects.filter(name="Sai").exists()


# Adding communes ------------------------------------------------------------------------------


def test_dost_staff_add_a_commune(client, dost_staff, consultant, world):
    programme = world["programme"]
    newcomer = CommuneFactory(district=world["district"], code="28879", name="Xã Vĩnh Bình")
    url = reverse("roadmap:participation_create", args=[programme.pk])
    data = {
        "p-commune": newcomer.pk,
        "p-kind": "new",
        "p-budget_allocated": "45000000",
        "p-start_date": "15/08/2017",
        "p-qms_representative": "Phó Chủ tịch UBND",
        "p-iso_secretary": "Nguyễn Thị Lan",
    }
    client.force_login(consultant)
    assert client.post(url, data).status_code == 403
    client.force_login(dost_staff)
    assert client.post(url, data).status_code == 302
    participation = Participation.objects.get(programme=programme, commune=newcomer)
    assert participation.iso_secretary == "Nguyễn Thị Lan"
    assert participation.start_date == datetime.date(2017, 8, 15)
    assert participation.history.get().history_user == dost_staff
    # Twice is refused: the commune is no longer offered.
    response = client.post(url, data)
    assert "commune" in response.context["participation_form"].errors


# Applying a template --------------------------------------------------------------------------


def test_apply_a_template_to_every_commune_of_its_kind(client, dost_staff, consultant, world):
    programme = world["programme"]
    template = RoadmapTemplateFactory(kind="new")
    RoadmapStepFactory(template=template, order=1, offset_days=0, duration_days=14)
    RoadmapStepFactory(template=template, order=2, offset_days=10, duration_days=20)
    extension = ParticipationFactory(programme=programme, kind="extension")
    url = reverse("roadmap:programme_apply_template", args=[programme.pk])
    client.force_login(consultant)
    assert client.post(url, {"t-template": template.pk}).status_code == 403
    assert not Milestone.objects.exists()

    client.force_login(dost_staff)
    response = client.post(url, {"t-template": template.pk}, follow=True)
    assert response.status_code == 200
    participations = [world["participation"], world["neighbour_participation"]]
    for participation in participations:
        dates = list(
            participation.milestones.order_by("step__order").values_list(
                "planned_start", "due_date"
            )
        )
        start = participation.start_date
        assert dates == [
            (start, start + datetime.timedelta(days=14)),
            (start + datetime.timedelta(days=10), start + datetime.timedelta(days=30)),
        ]
        participation.refresh_from_db()
        assert participation.template == template
    assert not extension.milestones.exists()
    assert not world["other_participation"].milestones.exists()
    # Applying again creates nothing more.
    client.post(url, {"t-template": template.pk})
    assert Milestone.objects.count() == 4
    assert Milestone.history.filter(history_user=dost_staff).count() == 4


# Assigning officers ---------------------------------------------------------------------------


def test_assigning_a_new_officer_mails_a_link_and_shows_no_password(
    client, dost_staff, world, mailoutbox
):
    programme = world["programme"]
    url = reverse("roadmap:officer_assign", args=[programme.pk])
    client.force_login(dost_staff)
    response = client.post(
        url,
        {
            "o-commune": world["commune"].pk,
            "o-username": "thuky-28873",
            "o-first_name": "Lan",
            "o-email": "lan@xa.example.vn",
        },
    )
    assert response.status_code == 200
    assert response.context["welcome"] is True
    assert "one-time-password" not in response.text
    officer = User.objects.get(username="thuky-28873")
    assert (officer.role, officer.commune) == (User.Role.COMMUNE_OFFICER, world["commune"])
    assert officer.has_usable_password()  # random, never shown: "forgot password" works
    [mail] = mailoutbox
    assert mail.to == ["lan@xa.example.vn"]
    assert "/password/reset/" in mail.body


def test_assigning_moves_an_existing_officer_without_a_new_password(
    client, dost_staff, commune_officer, world
):
    url = reverse("roadmap:officer_assign", args=[world["programme"].pk])
    client.force_login(dost_staff)
    response = client.post(
        url, {"o-commune": world["neighbour_commune"].pk, "o-username": commune_officer.username}
    )
    assert response.status_code == 200
    assert response.context["welcome"] is None
    commune_officer.refresh_from_db()
    assert commune_officer.commune == world["neighbour_commune"]
    assert commune_officer.check_password("mật-khẩu-thử-123")


def test_assigning_refuses_other_roles_and_other_programmes_communes(
    client, dost_staff, manager, world
):
    url = reverse("roadmap:officer_assign", args=[world["programme"].pk])
    client.force_login(dost_staff)
    response = client.post(url, {"o-commune": world["commune"].pk, "o-username": manager.username})
    assert "username" in response.context["officer_form"].errors
    manager.refresh_from_db()
    assert manager.role == User.Role.MANAGER
    response = client.post(url, {"o-commune": world["other_commune"].pk, "o-username": "x-1"})
    assert "commune" in response.context["officer_form"].errors
    assert not User.objects.filter(username="x-1").exists()


@pytest.mark.parametrize("persona", ["manager", "consultant", "commune_officer"])
def test_only_dost_staff_assign_officers(client, personas, persona, world):
    url = reverse("roadmap:officer_assign", args=[world["programme"].pk])
    client.force_login(personas[persona])
    response = client.post(url, {"o-commune": world["commune"].pk, "o-username": "x-2"})
    assert response.status_code == 403
    assert not User.objects.filter(username="x-2").exists()


def test_dost_staff_add_several_communes_at_once(client, dost_staff, consultant, world):
    programme = world["programme"]
    first = CommuneFactory(district=world["district"], code="28879", name="Xã Vĩnh Bình")
    second = CommuneFactory(district=world["district"], code="28882", name="Xã Hòa Nghĩa")
    url = reverse("roadmap:participation_bulk_create", args=[programme.pk])
    data = {
        "b-communes": [first.pk, second.pk],
        "b-kind": "extension",
        "b-start_date": "20/08/2017",
        "b-budget_allocated": "30000000",
    }
    client.force_login(consultant)
    assert client.post(url, data).status_code == 403
    assert not Participation.objects.filter(commune__in=[first, second]).exists()
    client.force_login(dost_staff)
    assert client.post(url, data).status_code == 302
    added = Participation.objects.filter(programme=programme, commune__in=[first, second])
    assert added.count() == 2
    assert {(p.kind, p.start_date, p.budget_allocated) for p in added} == {
        ("extension", datetime.date(2017, 8, 20), 30000000)
    }
    assert all(p.history.get().history_user == dost_staff for p in added)
    # A commune already in the programme is no longer offered.
    response = client.post(url, {**data, "b-communes": [world["commune"].pk]})
    assert "communes" in response.context["bulk_form"].errors
