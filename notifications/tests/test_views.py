"""The notifications page, the header's count and the preferences, through the test client."""

from datetime import date

from django.urls import reverse

from notifications.models import Kind, NotificationPreference


def test_the_list_shows_the_officers_items_with_links(client, rollout):
    client.force_login(rollout["officer_a"])
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert response.context["count"] == 3
    html = response.text
    for path in (
        rollout["a_overdue"].get_absolute_url(),
        rollout["a_soon"].get_absolute_url(),
        reverse("audits:action_update", args=[rollout["a_action_late"].pk]),
    ):
        assert f'href="{path}"' in html
    assert rollout["a_far"].step.name not in html
    assert "3 việc cần xử lý tính đến ngày 15/12/2017." in html


def test_someone_with_nothing_to_do_is_told_so(client, rollout):
    client.force_login(rollout["officer_c"])
    response = client.get(reverse("notifications:list"))
    assert response.context["count"] == 0
    assert "Không có việc cần xử lý" in response.text


def test_the_header_loads_the_count_and_the_count_is_cached(
    client, rollout, django_assert_num_queries
):
    client.force_login(rollout["officer_a"])
    page = client.get(reverse("notifications:list"))
    assert f'hx-get="{reverse("notifications:count")}"' in page.text
    first = client.get(reverse("notifications:count"))
    assert '<span class="badge rounded-pill text-bg-danger" id="notification-count">3' in first.text
    # the session only (the user is kept from the first request): the count comes from the
    # cache until the data or the day change
    with django_assert_num_queries(1):
        again = client.get(reverse("notifications:count"))
    assert again.text == first.text


def test_no_badge_when_there_is_nothing(client, rollout):
    client.force_login(rollout["manager"])
    response = client.get(reverse("notifications:count"))
    assert response.status_code == 200
    assert "badge" not in response.text


def test_the_count_follows_a_change_of_the_data(client, rollout):
    from core.generation import data_changed

    client.force_login(rollout["officer_a"])
    assert ">3<" in client.get(reverse("notifications:count")).text
    action = rollout["a_action_late"]
    action.done_on = action.due_date
    action.save()
    data_changed()  # what reports/signals.py does when the transaction commits
    assert ">2<" in client.get(reverse("notifications:count")).text


def test_each_user_keeps_their_own_preferences(client, rollout):
    officer = rollout["officer_a"]
    client.force_login(officer)
    url = reverse("notifications:preferences")
    form = client.get(url).context["form"]
    assert [value for value, _label in form.fields["kinds"].choices] == [
        Kind.STEP_DUE,
        Kind.STEP_OVERDUE,
        Kind.ACTION_DUE,
        Kind.ACTION_OVERDUE,
    ]
    response = client.post(
        url, {"kinds": [Kind.STEP_OVERDUE, Kind.ACTION_OVERDUE], "language": "vi"}
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=officer)
    assert preference.digest_enabled is False  # the box was left unticked
    assert sorted(preference.muted_kinds) == [Kind.ACTION_DUE, Kind.STEP_DUE]
    assert not NotificationPreference.objects.exclude(user=officer).exists()
    client.post(url, {"digest_enabled": "on", "kinds": [Kind.STEP_DUE], "language": "en"})
    preference.refresh_from_db()
    assert (preference.digest_enabled, preference.language) == (True, "en")
    assert sorted(preference.muted_kinds) == [
        Kind.ACTION_DUE,
        Kind.ACTION_OVERDUE,
        Kind.STEP_OVERDUE,
    ]


def test_the_dost_staff_choose_among_their_own_kinds(client, rollout):
    client.force_login(rollout["dost"])
    form = client.get(reverse("notifications:preferences")).context["form"]
    assert Kind.ESCALATION in [value for value, _label in form.fields["kinds"].choices]
    assert Kind.STEP_DUE not in [value for value, _label in form.fields["kinds"].choices]


def test_the_dost_count_is_the_number_of_its_items_escalations_counted_in_the_database(
    client, rollout
):
    from notifications.items import items_for
    from notifications.tests.conftest import _step
    from roadmap.models import Milestone

    _step(rollout["participation"], 9, date(2017, 10, 1), Milestone.Status.IN_PROGRESS)
    items = items_for(rollout["dost"])
    escalated = [item for item in items if item.kind == Kind.ESCALATION]
    assert {item.key.split(":")[0] for item in escalated} == {"milestone", "action"}
    client.force_login(rollout["dost"])
    response = client.get(reverse("notifications:count"))
    assert f'id="notification-count">{len(items)}<' in response.text
