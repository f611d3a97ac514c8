import datetime

import factory

from communes.tests.factories import CommuneFactory, ProvinceFactory
from roadmap.models import (
    Consultant,
    Milestone,
    Participation,
    Programme,
    RoadmapStep,
    RoadmapTemplate,
)


class ConsultantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultant

    name = factory.Sequence(lambda n: f"Công ty Tư vấn Thử {n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Đợt thử {n}")
    province = factory.SubFactory(ProvinceFactory)
    year_start = 2017
    year_end = 2019
    consultant = factory.SubFactory(ConsultantFactory)
    start_date = datetime.date(2017, 8, 8)


class RoadmapTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoadmapTemplate

    name = factory.Sequence(lambda n: f"Lộ trình thử {n}")
    kind = "new"


class RoadmapStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoadmapStep

    template = factory.SubFactory(RoadmapTemplateFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Bước {n + 1}")
    offset_days = 0
    duration_days = 14


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    programme = factory.SubFactory(ProgrammeFactory)
    commune = factory.SubFactory(CommuneFactory)
    start_date = factory.SelfAttribute("programme.start_date")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    participation = factory.SubFactory(ParticipationFactory)
    step = factory.SubFactory(RoadmapStepFactory)
    planned_start = datetime.date(2017, 8, 8)
    due_date = datetime.date(2017, 8, 22)


def update_milestone(milestone, by, status, *, completed_on=None, note="", at=None) -> Milestone:
    """``milestone`` (as it now stands) updated through the service, as a person saves it
    (``at``: back-dated, as imports and the demo replay the past)."""
    from roadmap.services import milestone_update_status

    current = Milestone.objects.get(pk=milestone.pk)
    return milestone_update_status(
        milestone=current,
        by=by,
        status=status,
        completed_on=completed_on,
        note=note,
        expected_version=current.version,
        at=at,
    )
