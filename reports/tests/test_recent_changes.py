"""The dashboard's latest changes with the row before each (reports.metrics.changes): the row
before is found in SQL, and is the one ``changes_with_previous`` finds in the whole history,
back-dated changes and creations included."""

import datetime
import random

import pytest
from django.utils import timezone

from core.tests.loops import loop_html
from reports.metrics import changes
from reports.tests.test_dashboard import TODAY, roadmaps, template  # noqa: F401 (fixtures)
from roadmap.models import Milestone, Participation
from roadmap.tests.factories import update_milestone


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = TODAY


MOMENTS = [
    timezone.make_aware(datetime.datetime(2017, 8, 1, 8)) + datetime.timedelta(days=d)
    for d in (0, 30, 60)
]


def _keys(items) -> list[tuple]:
    return [(i["row"].history_id, i["before"] and i["before"].history_id) for i in items]


@pytest.mark.parametrize("seed", [1, 2])
def test_the_row_before_each_change_is_the_one_of_the_whole_history(
    roadmaps,  # noqa: F811
    dost_staff,
    seed,
):
    rng = random.Random(seed)
    milestones = [*roadmaps["a"], *roadmaps["c"]]
    statuses = [Milestone.Status.IN_PROGRESS, Milestone.Status.BLOCKED, Milestone.Status.DONE]
    for n in range(30):
        m = rng.choice(milestones)
        status = rng.choice(statuses)
        # Some changes back-dated (imports replay the past), several at the very same moment.
        at = rng.choice(MOMENTS) if rng.random() < 0.5 else None
        update_milestone(
            m,
            dost_staff,
            status,
            completed_on=TODAY if status == Milestone.Status.DONE else None,
            note=f"lần {n}",
            at=at,
        )
    scope = Participation.objects.all()
    for limit in (5, 15, 100):
        found = changes.recent_changes_with_previous(scope, limit=limit)
        rows = list(changes.recent_changes(scope, limit=limit))
        whole = changes.changes_with_previous(rows, earlier=Milestone.history.all())
        assert _keys(found) == _keys(whole)
        assert len(found) == min(limit, 30) and all(i["before"] is not None for i in found)
    past = changes.recent_changes_with_previous(scope, limit=100, as_of=datetime.date(2017, 10, 1))
    rows = list(changes.recent_changes(scope, limit=100, as_of=datetime.date(2017, 10, 1)))
    assert _keys(past) == _keys(
        changes.changes_with_previous(rows, earlier=Milestone.history.all())
    )


# The rows of reports/_changes.html as its template loop wrote them, before they were written in
# Python (reports.dashboard.changes_rows): the same HTML, for every kind of change.
TEMPLATE_ROWS = """{% load i18n %}{% for item in changes %}{% with h=item.row before=item.before %}
<tr>
<td class="text-nowrap">{{ h.history_date|date:"d/m/Y H:i" }}</td>
<td>{{ h.history_user|default:_("system") }}</td>
{% if show_commune %}<td><a href="{{ h.participation.commune.get_absolute_url }}">{{ h.participation.commune.name }}</a></td>{% endif %}
<td>{{ h.step.order }}. {{ h.step.name }}</td>
<td>{% if before and before.status != h.status %}{{ before.get_status_display }} → {% endif %}<strong>{{ h.get_status_display }}</strong>{% if before and before.status == h.status %} <span class="small text-body-secondary">({% translate "status unchanged" %})</span>{% endif %}{% if h.completed_on and h.completed_on != before.completed_on %} ({{ h.completed_on|date:"d/m/Y" }}){% endif %}{% if h.note and h.note != before.note %}<br><span class="small text-body-secondary">{{ h.note|truncatechars:120 }}</span>{% endif %}</td>
</tr>
{% endwith %}{% endfor %}"""


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_rows_of_changes_are_those_the_template_wrote(
    roadmaps,  # noqa: F811
    dost_staff,
    language,
):
    """Status changed or not, a completion date set, kept or cleared, notes new, kept, long
    or with markup, a change by the system (no user): the rows written in Python are the
    template's, character for character."""
    from django.utils import translation

    from reports.dashboard import changes_rows

    rng = random.Random(7)
    milestones = [*roadmaps["a"], *roadmaps["c"]]
    statuses = [Milestone.Status.IN_PROGRESS, Milestone.Status.BLOCKED, Milestone.Status.DONE]
    notes = ["", "giữ nguyên", '<b>Ghi chú</b> & "trích"', "dài " * 60]
    for n in range(40):
        m = rng.choice(milestones)
        status = rng.choice(statuses)
        update_milestone(
            m,
            None if n % 7 == 0 else dost_staff,
            status,
            completed_on=rng.choice([TODAY, datetime.date(2017, 9, 3)])
            if status == Milestone.Status.DONE
            else None,
            note=rng.choice(notes[1:] if status == Milestone.Status.BLOCKED else notes),
            at=rng.choice(MOMENTS) if rng.random() < 0.3 else None,
        )
    items = changes.recent_changes_with_previous(Participation.objects.all(), limit=100)
    items.append({**items[0], "before": None})  # a change with no row before it
    kinds = {
        (i["before"] is None, i["before"] is not None and i["before"].status == i["row"].status)
        for i in items
    }
    assert len(kinds) == 3  # status changed, unchanged, nothing before
    assert any(i["row"].history_user is None for i in items)
    with translation.override(language):
        for show_commune in (True, False):
            expected = loop_html(TEMPLATE_ROWS, changes=items, show_commune=show_commune)
            assert changes_rows(items, show_commune=show_commune) == expected


def _history_reads(client, url) -> tuple[int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    reads = [q for q in queries.captured_queries if "roadmap_historicalmilestone" in q["sql"]]
    return len(reads), response.text


def test_the_latest_changes_are_kept_until_a_change_or_a_renamed_person(
    client,
    roadmaps,  # noqa: F811
    dost_staff,
    world,
    django_capture_on_commit_callbacks,
):
    """The dashboard's and the district page's latest changes are read once, then kept in the
    process (reports.metrics.recent_changes_cached) until a milestone, a unit or a user changes,
    and the commune page's while its milestones, units and users stand: each page shows every
    change as soon as it is committed, under its author's name of now (rows written once, then
    kept with their list)."""
    client.force_login(dost_staff)
    commune = roadmaps["a"][0].participation.commune.get_absolute_url()
    pages = ["/dashboard/", world["district"].get_absolute_url(), commune]
    for page in pages:
        assert _history_reads(client, page)[0] > 0
        assert _history_reads(client, page)[0] == 0  # kept
    # An update in the other district: the dashboard reads its changes again, not the district.
    with django_capture_on_commit_callbacks(execute=True):
        update_milestone(roadmaps["c"][0], dost_staff, Milestone.Status.IN_PROGRESS, note="ở C")
    assert "ở C" in _history_reads(client, pages[0])[1]
    reads, text = _history_reads(client, pages[1])
    assert reads == 0 and "ở C" not in text
    with django_capture_on_commit_callbacks(execute=True):
        update_milestone(roadmaps["a"][0], dost_staff, Milestone.Status.IN_PROGRESS, note="mới 1")
    for page in pages:
        reads, text = _history_reads(client, page)
        assert reads > 0 and "mới 1" in text
    # A note alone, the status unchanged: shown too.
    with django_capture_on_commit_callbacks(execute=True):
        update_milestone(roadmaps["a"][0], dost_staff, Milestone.Status.IN_PROGRESS, note="mới 2")
    for page in pages:
        reads, text = _history_reads(client, page)
        assert reads > 0 and "mới 2" in text
    with django_capture_on_commit_callbacks(execute=True):
        dost_staff.first_name, dost_staff.last_name = "Thị Hoa", "Trần"
        dost_staff.save()
    for page in pages:
        reads, text = _history_reads(client, page)
        assert reads > 0 and str(dost_staff) in text
