"""The mail tests: a real SMTP server (``smtp``), and a demo-like world as of 15/12/2017."""

import datetime

import pytest
from django.core.cache import cache

from accounts.models import User
from accounts.tests.factories import UserFactory
from audits.tests.factories import AuditFactory, CorrectiveActionFactory, FindingFactory
from notifications.tests.smtp import smtp  # noqa: F401 (a fixture)
from roadmap.models import Milestone
from roadmap.tests.factories import MilestoneFactory, RoadmapStepFactory

AS_OF = datetime.date(2017, 12, 15)
SITE = "https://iso.example.vn"


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = AS_OF
    settings.SITE_URL = SITE
    settings.LANGUAGE_CODE = "vi"
    settings.QMS_REMINDER_DAYS_BEFORE = [30, 7, 1]
    settings.QMS_REMINDER_OVERDUE_EVERY_DAYS = 7
    settings.QMS_ESCALATION_DAYS = 30
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


def _step(participation, order, due, status=Milestone.Status.NOT_STARTED, **extra):
    step = RoadmapStepFactory(order=order, name=f"Bước {order}: {participation.commune.name}")
    if status == Milestone.Status.DONE:
        extra.setdefault("completed_on", due)
    return MilestoneFactory(
        participation=participation,
        step=step,
        planned_start=due - datetime.timedelta(days=10),
        due_date=due,
        status=status,
        **extra,
    )


def _action(commune, due, done_on=None, audit_date=datetime.date(2017, 10, 20)):
    audit = AuditFactory(commune=commune, date=audit_date)
    return CorrectiveActionFactory(
        finding=FindingFactory(audit=audit), due_date=due, done_on=done_on
    )


@pytest.fixture
def rollout(world):
    """Three communes as of 15/12/2017, and who should be reminded of what.

    Commune A: a step done, one overdue (14 days), one due in 5 days, one due in 76 days (too far),
    a corrective action overdue for 44 days (escalated to the DOST), one done.
    Commune B: a step due in 21 days (the 30-day reminder), one not applicable and past its date.
    Commune C: a step done, one due in 67 days: nothing to act on.
    """
    d = datetime.date
    a, b, c = world["participation"], world["neighbour_participation"], world["other_participation"]
    rows = {
        "a_done": _step(a, 1, d(2017, 11, 1), Milestone.Status.DONE),
        "a_overdue": _step(a, 2, d(2017, 12, 1), Milestone.Status.IN_PROGRESS),
        "a_soon": _step(a, 3, d(2017, 12, 20)),
        "a_far": _step(a, 4, d(2018, 3, 1)),
        "b_month": _step(b, 5, d(2018, 1, 5)),
        "b_na": _step(b, 6, d(2017, 12, 1), Milestone.Status.NOT_APPLICABLE),
        "c_done": _step(c, 7, d(2017, 12, 1), Milestone.Status.DONE),
        "c_far": _step(c, 8, d(2018, 2, 20)),
        "a_action_late": _action(world["commune"], d(2017, 11, 1)),
        "a_action_done": _action(world["commune"], d(2017, 12, 1), done_on=d(2017, 11, 30)),
    }
    people = {
        "officer_a": UserFactory(
            username="officer-a",
            email="officer-a@xa.example.vn",
            role=User.Role.COMMUNE_OFFICER,
            commune=world["commune"],
        ),
        "officer_b": UserFactory(
            username="officer-b",
            email="officer-b@xa.example.vn",
            role=User.Role.COMMUNE_OFFICER,
            commune=world["neighbour_commune"],
        ),
        "officer_c": UserFactory(
            username="officer-c",
            email="officer-c@xa.example.vn",
            role=User.Role.COMMUNE_OFFICER,
            commune=world["other_commune"],
        ),
        "consultant": UserFactory(
            username="consultant",
            email="tuvan@example.vn",
            role=User.Role.CONSULTANT,
            consultant=world["consultant_org"],
        ),
        "dost": UserFactory(username="dost", email="dost@sokhcn.example.vn"),
        "manager": UserFactory(
            username="manager", email="lanhdao@example.vn", role=User.Role.MANAGER
        ),
    }
    return {**rows, **people, **world}
