"""The commune list's filters run in the database and agree with the figures of reports.metrics."""

import datetime

import pytest

from communes.tests.factories import CommuneFactory
from reports import metrics
from reports.filters import STAGE_FILTERS
from roadmap.models import Milestone, Participation, RoadmapStep
from roadmap.tests.factories import (
    MilestoneFactory,
    ParticipationFactory,
    RoadmapStepFactory,
    RoadmapTemplateFactory,
)

TODAY = datetime.date(2017, 12, 15)


@pytest.fixture
def stages(world, settings):
    """One participation at each stage, and one with an overdue step."""
    settings.QMS_AS_OF = TODAY
    template = RoadmapTemplateFactory()
    survey = RoadmapStepFactory(template=template, order=1, key="survey")
    announcement = RoadmapStepFactory(template=template, order=2, key=RoadmapStep.ANNOUNCEMENT)

    def participation(kind, survey_status, announcement_status, due=datetime.date(2018, 1, 1)):
        p = ParticipationFactory(
            programme=world["programme"],
            commune=CommuneFactory(district=world["district"]),
            kind=kind,
        )
        for step, status in ((survey, survey_status), (announcement, announcement_status)):
            MilestoneFactory(
                participation=p,
                step=step,
                planned_start=due - datetime.timedelta(days=10),
                due_date=due,
                status=status,
                completed_on=due if status == Milestone.Status.DONE else None,
            )
        return p

    done, todo = Milestone.Status.DONE, Milestone.Status.NOT_STARTED
    participation("new", todo, todo, due=datetime.date(2017, 11, 1))  # planned, overdue
    participation("new", done, todo)  # building
    participation("new", done, done)  # announced
    participation("extension", done, done)  # re-announced
    participation("conversion", todo, done)  # re-announced, the survey not done
    return Participation.objects.filter(
        commune__district=world["district"], milestones__isnull=False
    ).distinct()


def test_the_stage_filters_agree_with_the_figures(stages):
    figures = metrics.compute(stages, as_of=TODAY)
    by_stage = {stage: set() for stage in STAGE_FILTERS}
    for row in figures.communes:
        by_stage[row.stage].add(row.participation_id)
    assert all(by_stage.values())  # every stage is met
    for stage, narrow in STAGE_FILTERS.items():
        assert set(narrow(stages, TODAY).values_list("pk", flat=True)) == by_stage[stage], stage


def test_the_overdue_filter_agrees_with_the_figures(stages):
    figures = metrics.compute(stages, as_of=TODAY)
    overdue = {row.participation_id for row in figures.communes if row.counts.overdue}
    assert overdue
    assert set(stages.with_overdue_milestones(TODAY).values_list("pk", flat=True)) == overdue
