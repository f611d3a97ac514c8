import datetime

import pytest
from django.core.exceptions import ValidationError

from roadmap.models import Milestone
from roadmap.services import (
    MilestoneConflict,
    milestone_update_status,
    participation_apply_template,
)
from roadmap.tests.factories import MilestoneFactory, RoadmapStepFactory, RoadmapTemplateFactory

D = datetime.date


@pytest.fixture
def milestone(world):
    return MilestoneFactory(participation=world["participation"])


def test_a_status_change_leaves_a_history_row_with_who_when_from_and_to(milestone, commune_officer):
    before = milestone.history.count()
    updated = milestone_update_status(
        milestone=milestone,
        by=commune_officer,
        status=Milestone.Status.DONE,
        completed_on=D(2017, 8, 20),
        note="Đã có báo cáo khảo sát",
        expected_version=milestone.version,
    )
    assert updated.version == milestone.version + 1
    assert milestone.history.count() == before + 1
    latest = milestone.history.first()
    assert latest.history_user == commune_officer
    assert latest.status == Milestone.Status.DONE
    delta = latest.diff_against(latest.prev_record)
    changed = {c.field: (c.old, c.new) for c in delta.changes}
    assert changed["status"] == (Milestone.Status.NOT_STARTED, Milestone.Status.DONE)
    assert changed["completed_on"] == (None, D(2017, 8, 20))


def test_a_stale_version_is_refused_and_nothing_is_overwritten(
    milestone, commune_officer, consultant
):
    loaded_version = milestone.version
    milestone_update_status(
        milestone=milestone,
        by=consultant,
        status=Milestone.Status.IN_PROGRESS,
        completed_on=None,
        note="Tư vấn đang làm",
        expected_version=loaded_version,
    )
    with pytest.raises(MilestoneConflict) as conflict:
        milestone_update_status(
            milestone=milestone,
            by=commune_officer,
            status=Milestone.Status.BLOCKED,
            completed_on=None,
            note="Thiếu cán bộ",
            expected_version=loaded_version,
        )
    assert conflict.value.current.note == "Tư vấn đang làm"
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.IN_PROGRESS
    assert milestone.updated_by == consultant


@pytest.mark.parametrize(
    ("status", "completed_on", "note", "field"),
    [
        (Milestone.Status.DONE, None, "", "completed_on"),
        (Milestone.Status.DONE, D(2099, 1, 1), "", "completed_on"),
        (Milestone.Status.IN_PROGRESS, D(2017, 9, 1), "", "completed_on"),
        (Milestone.Status.BLOCKED, None, "   ", "note"),
    ],
)
def test_rules_are_enforced_before_anything_is_written(
    milestone, commune_officer, status, completed_on, note, field
):
    with pytest.raises(ValidationError) as error:
        milestone_update_status(
            milestone=milestone,
            by=commune_officer,
            status=status,
            completed_on=completed_on,
            note=note,
            expected_version=milestone.version,
        )
    assert field in error.value.message_dict
    milestone.refresh_from_db()
    assert milestone.version == 1 and milestone.status == Milestone.Status.NOT_STARTED


def test_applying_a_template_dates_milestones_from_the_start_and_is_idempotent(world, dost_staff):
    template = RoadmapTemplateFactory()
    RoadmapStepFactory(template=template, order=1, offset_days=0, duration_days=14)
    RoadmapStepFactory(template=template, order=2, offset_days=10, duration_days=30)
    participation = world["participation"]
    created = participation_apply_template(
        participation=participation, template=template, by=dost_staff
    )
    assert [(m.planned_start, m.due_date) for m in created] == [
        (D(2017, 8, 8), D(2017, 8, 22)),
        (D(2017, 8, 18), D(2017, 9, 17)),
    ]
    assert participation_apply_template(participation=participation, template=template) == []
    assert participation.milestones.count() == 2


def test_overdue_on_time_and_late_querysets(world, settings):
    settings.QMS_AS_OF = D(2017, 9, 1)
    p = world["participation"]
    on_time = MilestoneFactory(participation=p, status="done", completed_on=D(2017, 8, 22))
    late = MilestoneFactory(participation=p, status="done", completed_on=D(2017, 8, 30))
    overdue = MilestoneFactory(participation=p, status="in_progress")
    MilestoneFactory(participation=p, due_date=D(2017, 9, 5))  # not due yet
    assert list(Milestone.objects.done_on_time()) == [on_time]
    assert list(Milestone.objects.done_late()) == [late]
    assert list(Milestone.objects.overdue()) == [overdue]
    assert overdue.is_overdue and overdue.days_late == 10
    assert late.days_late == 8 and not late.is_overdue
