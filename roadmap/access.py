"""The programmes, participations, milestones and evidence a user may open (404 outside
``User.scope``) and may change (403 unless the role may, ``accounts/access.py``)."""

from django.shortcuts import get_object_or_404

from accounts.access import can_edit_milestone, can_manage_programmes, require
from roadmap.models import Evidence, Milestone, Participation, Programme


def get_participation_for_user(user, pk: int) -> Participation:
    return get_object_or_404(
        Participation.objects.visible_to(user).with_list_related().select_related("template"),
        pk=pk,
    )


def get_milestone_for_user(user, pk: int, *, write: bool = False) -> Milestone:
    milestone = get_object_or_404(Milestone.objects.visible_to(user).with_list_related(), pk=pk)
    if write:
        require(can_edit_milestone(user, milestone))
    return milestone


def get_programme_for_user(user, pk: int, *, write: bool = False) -> Programme:
    programme = get_object_or_404(
        Programme.objects.visible_to(user).select_related("consultant", "province"), pk=pk
    )
    if write:
        require(can_manage_programmes(user))
    return programme


def get_evidence_for_user(user, pk: int) -> Evidence:
    """An evidence file of a milestone ``user`` may see (404 otherwise)."""
    return get_object_or_404(
        Evidence.objects.filter(milestone__in=Milestone.objects.visible_to(user)).select_related(
            "milestone__participation__commune"
        ),
        pk=pk,
    )
