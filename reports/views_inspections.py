"""The documents of the inspection trail (TT 26/2014 Arts. 34–38), as PDF or Word, each from the
page that holds its data: a year's plan (``plan_file``) or one body's inspection
(``inspection_file``). What each says: :mod:`reports.documents.trail`."""

from django.contrib.auth.decorators import login_required
from django.http import Http404

from audits import inspections
from audits.access import get_inspection_plan_for_user, get_planned_inspection_for_user
from reports.documents import trail
from reports.views import _document_response


def _build(registry: dict, name: str, source, ready: list[str]):
    """The document ``name`` of ``source``; 404 when there is no such document or it cannot be
    made yet (``ready``: a decision of a check of records, minutes before the inspection...)."""
    if name not in registry or name not in ready:
        raise Http404
    return registry[name](source)


@login_required
def plan_file(request, pk: int, name: str, fmt: str):
    """A document of a year's plan: the plan, its approval, the request for reports, the summary."""
    plan = get_inspection_plan_for_user(request.user, pk)
    ready = inspections.plan_documents(plan)
    return _document_response(_build(trail.PLAN_DOCUMENTS, name, plan, ready), fmt)


@login_required
def inspection_file(request, pk: int, name: str, fmt: str):
    """A document of one body's inspection: the decision, the minutes of its announcement, the
    minutes of the visit or the letter after a check of records, the answer on the actions."""
    item = get_planned_inspection_for_user(request.user, pk)
    ready = inspections.inspection_documents(item)
    return _document_response(_build(trail.INSPECTION_DOCUMENTS, name, item, ready), fmt)
