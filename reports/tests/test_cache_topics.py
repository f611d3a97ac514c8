"""The figures' caches by topic (``core/generation.py``): a milestone's update renews the
milestones' figures only; the audits' figures and the grid's steps stay cached until what they
read changes, and the dashboard then shows exactly what a computation from scratch shows."""

import datetime
import sys

import pytest

from audits.tests.factories import AuditFactory, FindingFactory
from core.generation import MILESTONES, OTHER, ROADMAPS, data_changed, data_generation
from reports import metrics
from reports.metrics.compute import forget_recent
from reports.tests.test_dashboard import (  # noqa: F401 (fixtures)
    TODAY,
    URL,
    complete,
    roadmaps,
    template,
)
from roadmap.models import Milestone, Participation
from roadmap.tests.factories import MilestoneFactory, RoadmapStepFactory


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = TODAY
    settings.LANGUAGE_CODE = "en"


def _tokens() -> dict:
    return {topic: data_generation(topic) for topic in (MILESTONES, OTHER, ROADMAPS)}


def _shown(client) -> metrics.Figures:
    response = client.get(URL)
    assert response.status_code == 200
    return response.context["figures"]


def _fresh() -> metrics.Figures:
    return metrics.compute(Participation.objects.all(), as_of=TODAY)


def _same(shown: metrics.Figures, fresh: metrics.Figures) -> None:
    assert shown.steps_by_kind == fresh.steps_by_kind
    assert shown.counts == fresh.counts
    assert [(c.code, c.stage, c.progress) for c in shown.communes] == [
        (c.code, c.stage, c.progress) for c in fresh.communes
    ]
    for name in ("findings_open", "findings_closed", "actions_open", "audits_by_kind"):
        assert getattr(shown, name) == getattr(fresh, name), name


@pytest.fixture
def staff_client(client, dost_staff, roadmaps):  # noqa: F811
    client.force_login(dost_staff)
    data_changed()
    forget_recent()
    return client


def test_an_update_renews_the_milestones_only(
    staff_client,
    dost_staff,
    roadmaps,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    _shown(staff_client)
    before = _tokens()
    with django_capture_on_commit_callbacks(execute=True):
        complete(roadmaps["a"][2], dost_staff, on=TODAY, note="xong")
    after = _tokens()
    assert after[MILESTONES] != before[MILESTONES]
    assert after[OTHER] == before[OTHER] and after[ROADMAPS] == before[ROADMAPS]
    shown = _shown(staff_client)
    assert shown.counts.done == 4
    _same(shown, _fresh())


def test_a_milestone_added_moved_or_removed_renews_the_steps(
    staff_client,
    roadmaps,  # noqa: F811
    template,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    assert [s["name"] for s in _shown(staff_client).steps_by_kind["new"]] == [
        "Khảo sát",
        "Đào tạo",
        "Ban hành",
    ]
    extra = RoadmapStepFactory(template=template, order=4, name="Công bố", offset_days=40)
    participation = roadmaps["a"][0].participation
    due = datetime.date(2017, 12, 30)
    before = _tokens()
    with django_capture_on_commit_callbacks(execute=True):
        added = MilestoneFactory(
            participation=participation,
            step=extra,
            planned_start=due - datetime.timedelta(days=5),
            due_date=due,
        )
    assert _tokens()[ROADMAPS] != before[ROADMAPS]
    shown = _shown(staff_client)
    assert [s["name"] for s in shown.steps_by_kind["new"]][-1] == "Công bố"
    _same(shown, _fresh())

    # Moved to another step (as the admin can): the steps are read again.
    other = RoadmapStepFactory(template=template, order=5, name="Duy trì", offset_days=50)
    moved = Milestone.objects.get(pk=added.pk)
    before = _tokens()
    with django_capture_on_commit_callbacks(execute=True):
        moved.step = other
        moved.save()
    assert _tokens()[ROADMAPS] != before[ROADMAPS]
    names = [s["name"] for s in _shown(staff_client).steps_by_kind["new"]]
    assert "Duy trì" in names and "Công bố" not in names

    # Saved again in place: the shape stands.
    before = _tokens()
    with django_capture_on_commit_callbacks(execute=True):
        moved.note = "ghi chú"
        moved.save()
    assert _tokens()[ROADMAPS] == before[ROADMAPS]
    assert _tokens()[MILESTONES] != before[MILESTONES]

    with django_capture_on_commit_callbacks(execute=True):
        moved.delete()
    shown = _shown(staff_client)
    assert "Duy trì" not in [s["name"] for s in shown.steps_by_kind["new"]]
    _same(shown, _fresh())


def test_an_audit_renews_the_records_figures(
    staff_client, world, django_capture_on_commit_callbacks
):
    assert _shown(staff_client).findings_open == 0
    before = _tokens()
    with django_capture_on_commit_callbacks(execute=True):
        audit = AuditFactory(commune=world["commune"], date=datetime.date(2017, 11, 20))
        FindingFactory(audit=audit)
    assert _tokens()[OTHER] != before[OTHER]
    shown = _shown(staff_client)
    assert shown.findings_open == 1
    _same(shown, _fresh())


def test_a_scope_keeps_its_figures_through_an_update_elsewhere(
    staff_client,
    dost_staff,
    roadmaps,  # noqa: F811
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    """Today's figures of a scope are kept while none of its participations changes (the
    revisions of their sums): an update in a commune outside it leaves them kept, one inside
    renews them, and they are then those of a computation from scratch."""
    compute_module = sys.modules["reports.metrics.compute"]  # the module, not the function
    scope = Participation.objects.filter(pk=roadmaps["a"][0].participation_id)
    calls = []
    today = compute_module._today
    monkeypatch.setattr(compute_module, "_today", lambda *a: calls.append(1) or today(*a))
    first = metrics.compute_cached(scope, as_of=TODAY)
    assert metrics.compute_cached(scope, as_of=TODAY) is first and len(calls) == 1
    with django_capture_on_commit_callbacks(execute=True):
        complete(roadmaps["c"][2], dost_staff, on=TODAY, note="ở xã khác")
    assert metrics.compute_cached(scope, as_of=TODAY) is first and len(calls) == 1
    with django_capture_on_commit_callbacks(execute=True):
        complete(roadmaps["a"][2], dost_staff, on=TODAY, note="ở xã này")
    renewed = metrics.compute_cached(scope, as_of=TODAY)
    assert len(calls) == 2 and renewed.counts.done == first.counts.done + 1
    _same(renewed, metrics.compute(scope, as_of=TODAY))
    # A change that is not a milestone's (the other topic) renews them too (the scope is
    # then seen again: its size).
    with django_capture_on_commit_callbacks(execute=True):
        data_changed(OTHER)
    again = metrics.compute_cached(scope, as_of=TODAY)
    assert len(calls) == 3 and metrics.compute_cached(scope, as_of=TODAY) is again


def test_a_commune_page_keeps_its_figures_through_an_update_elsewhere(
    client,
    commune_officer,
    dost_staff,
    roadmaps,  # noqa: F811
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    calls = []
    compute = metrics.compute
    monkeypatch.setattr(metrics, "compute", lambda *a, **k: calls.append(1) or compute(*a, **k))
    client.force_login(commune_officer)
    page = commune_officer.commune.get_absolute_url()
    assert client.get(page).status_code == 200 and len(calls) == 1
    with django_capture_on_commit_callbacks(execute=True):
        complete(roadmaps["c"][2], dost_staff, on=TODAY, note="ở xã khác")
    assert client.get(page).status_code == 200 and len(calls) == 1
    with django_capture_on_commit_callbacks(execute=True):
        complete(roadmaps["a"][2], dost_staff, on=TODAY, note="ở xã này")
    response = client.get(page)
    assert len(calls) == 2 and response.context["row"].counts.done == 3
    # Its list of changes, kept the same way, shows the update.
    assert response.context["changes"][0]["row"].note == "ở xã này"
    assert response.context["changes_total"] == 1
    # A past day's page is computed from the history, never kept.
    client.get(page, {"as_of": "01/12/2017"})
    assert len(calls) == 3


def test_many_small_scopes_stay_kept_while_a_province_is_renewed_at_every_update(
    roadmaps,  # noqa: F811
    monkeypatch,
):
    """What this process keeps is bounded by the commune rows it holds, not by a count of
    entries: a province's figures renewed at every update (a new key each time) do not push out
    the districts' and communes' pages read in between; and the rows kept never exceed the
    bound, the oldest going first."""
    compute_module = sys.modules["reports.metrics.compute"]
    forget_recent()
    calls = []
    today = compute_module._today
    monkeypatch.setattr(compute_module, "_today", lambda *a: calls.append(1) or today(*a))
    pk = roadmaps["a"][0].participation_id
    scopes = [Participation.objects.filter(pk__in=[pk, -i]) for i in range(1, 13)]
    kept = [metrics.compute_cached(scope, as_of=TODAY) for scope in scopes]
    assert len(calls) == 12

    class Province:  # a province's figures: 3,000 commune rows
        communes = [None] * 3000

    for update in range(30):
        compute_module._kept(f"province:{update}", Province)
        assert [metrics.compute_cached(s, as_of=TODAY) for s in scopes] == kept
    assert len(calls) == 12, "a small scope was computed again"
    held = sum(weight for _, weight in compute_module._RECENT.values())
    assert held == compute_module._RECENT_WEIGHT[0] <= compute_module._RECENT_ROWS
    assert "province:29" in compute_module._RECENT and "province:0" not in compute_module._RECENT
