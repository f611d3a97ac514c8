"""The API's world: the personas of the root ``conftest.py``, each commune with two roadmap
steps, an audit with a finding and its corrective action, and an announcement; a token per
persona."""

import datetime

import pytest
from django.test import Client

from api.models import ApiToken
from audits.tests.factories import (
    AnnouncementFactory,
    AuditFactory,
    CorrectiveActionFactory,
    FindingFactory,
)
from roadmap.tests.factories import MilestoneFactory, RoadmapStepFactory, RoadmapTemplateFactory

TODAY = datetime.date(2017, 12, 15)


@pytest.fixture(autouse=True)
def _today(settings):
    settings.QMS_AS_OF = TODAY


@pytest.fixture
def api_world(world, personas):
    template = RoadmapTemplateFactory()
    steps = [
        RoadmapStepFactory(template=template, order=1, key="survey"),
        RoadmapStepFactory(template=template, order=2, key="announcement"),
    ]
    milestones = {}
    for name in ("participation", "neighbour_participation", "other_participation"):
        participation = world[name]
        participation.template = template
        participation.save()
        milestones[name] = [
            MilestoneFactory(participation=participation, step=step) for step in steps
        ]
    for name in ("commune", "neighbour_commune", "other_commune"):
        audit = AuditFactory(commune=world[name])
        CorrectiveActionFactory(finding=FindingFactory(audit=audit))
        AnnouncementFactory(commune=world[name])
    return {**world, "milestones": milestones, "steps": steps}


def bearer(user) -> dict:
    _token, key = ApiToken.issue(user=user, name="test")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def as_user():
    """``as_user(user)``: a client whose every request carries a new token of ``user``."""

    def make(user):
        return Client(headers=bearer(user))

    return make
