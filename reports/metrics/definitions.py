"""The definitions every figure counts by: a participation's stage, a milestone's outcome and
status as of a date, silence, and the counts of milestones.
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.numbers import percent
from roadmap.models import (
    Milestone,
    milestone_done_late,
    milestone_overdue,
)

DONE = Milestone.Status.DONE
NOT_APPLICABLE = Milestone.Status.NOT_APPLICABLE


class Stage(models.TextChoices):
    """Where a participation stands (see the module's definitions), in order."""

    PLANNED = "planned", _("Planned")
    BUILDING = "building", _("Building")
    ANNOUNCED = "announced", _("Announced for the first time")
    REANNOUNCED = "reannounced", _("Re-announced")


def stage_labels() -> dict[str, str]:
    """Each stage's label in the active language, in order."""
    return {stage.value: str(stage.label) for stage in Stage}


class Outcome(models.TextChoices):
    """What became of a milestone as of a date: a cell of the grid, a line of the counts."""

    ON_TIME = "on_time", _("done on time")
    LATE = "late", _("done late")
    OVERDUE = "overdue", _("overdue")
    IN_PROGRESS = "in_progress", _("in progress")
    BLOCKED = "blocked", _("blocked")
    NOT_APPLICABLE = "not_applicable", _("not applicable")
    NOT_STARTED = "not_started", _("not started, not yet due")


def milestone_outcome(
    status: str,
    due_date: datetime.date,
    completed_on: datetime.date | None,
    as_of: datetime.date,
) -> Outcome:
    """The outcome of a milestone as of ``as_of``: overdue and done late by the one definition
    of each (:mod:`roadmap.models`), else its status."""
    if status == DONE:
        late = milestone_done_late(status, due_date, completed_on)
        return Outcome.LATE if late else Outcome.ON_TIME
    if status == NOT_APPLICABLE:
        return Outcome.NOT_APPLICABLE
    if milestone_overdue(status, due_date, as_of):
        return Outcome.OVERDUE
    if status == Milestone.Status.IN_PROGRESS:
        return Outcome.IN_PROGRESS
    if status == Milestone.Status.BLOCKED:
        return Outcome.BLOCKED
    return Outcome.NOT_STARTED


def is_silent(last_change: datetime.date, as_of: datetime.date, days: int) -> bool:
    """Silent: the last change of a commune's milestones (or, never changed, the start of its
    participation) is more than ``days`` days before ``as_of``."""
    return last_change < as_of - datetime.timedelta(days=days)


@dataclass
class MilestoneCounts:
    total: int = 0
    done_on_time: int = 0
    done_late: int = 0
    overdue: int = 0
    in_progress: int = 0
    blocked: int = 0
    not_started: int = 0
    not_applicable: int = 0

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def on_time_rate(self) -> float:
        return percent(self.done_on_time, self.done)

    def add(self, status: str, outcome: Outcome) -> None:
        """Count one milestone. An overdue step also counts under its status (in progress,
        blocked or not started)."""
        self.total += 1
        if outcome == Outcome.ON_TIME:
            self.done_on_time += 1
        elif outcome == Outcome.LATE:
            self.done_late += 1
        elif outcome == Outcome.NOT_APPLICABLE:
            self.not_applicable += 1
        else:
            if outcome == Outcome.OVERDUE:
                self.overdue += 1
            if status == Milestone.Status.IN_PROGRESS:
                self.in_progress += 1
            elif status == Milestone.Status.BLOCKED:
                self.blocked += 1
            else:
                self.not_started += 1

    def merge(self, other: "MilestoneCounts") -> None:
        """Add ``other``'s counts to these (field by field: tens of thousands of calls)."""
        self.total += other.total
        self.done_on_time += other.done_on_time
        self.done_late += other.done_late
        self.overdue += other.overdue
        self.in_progress += other.in_progress
        self.blocked += other.blocked
        self.not_started += other.not_started
        self.not_applicable += other.not_applicable
