"""The DOST's yearly inspections as the pages show them: the plans (the province-wide roles, as
the plans page), the communes planned (each user their scope, as an inspection's page), and the
official documents each has (which exist, where to download them with the same token: the
same :mod:`reports.documents` as the pages' downloads)."""

from django.db.models import Count, Q
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound

from accounts import access
from api import params, serializers
from api.schema import ERRORS, filter_parameters
from api.views import PictureViewSet, _commune_code
from audits import inspections
from audits.access import get_inspection_plan_for_user, get_planned_inspection_for_user
from audits.models import InspectionPlan, PlannedInspection
from core.filenames import download_name
from reports import documents
from reports.documents import trail

FORMATS = ("pdf", "docx")
FILE_RESPONSES = {
    (200, documents.CONTENT_TYPES["pdf"]): OpenApiTypes.BINARY,
    (200, documents.CONTENT_TYPES["docx"]): OpenApiTypes.BINARY,
    **ERRORS,
}


def _links(request, name: str, pk: int, kind: str, title) -> dict:
    from django.urls import reverse

    urls = {fmt: request.build_absolute_uri(reverse(name, args=[pk, kind, fmt])) for fmt in FORMATS}
    return {"kind": kind, "title": str(title), **urls}


def _file(doc, fmt: str) -> HttpResponse:
    response = HttpResponse(documents.render(doc, fmt), content_type=documents.CONTENT_TYPES[fmt])
    filename = download_name(doc.filename, ext=fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def plan_documents(request, plan) -> list[dict]:
    """A plan's documents that can be made now, as its page offers them: the plan (Mẫu 19.
    KHKT), the People's Committee's approval, the request for reports (Art. 35), the summary
    of the results (Art. 38)."""
    name = "api:inspectionplan-document"
    return [
        _links(request, name, plan.pk, kind, inspections.DOCUMENT_LABELS[kind])
        for kind in inspections.plan_documents(plan)
    ]


def item_documents(request, item) -> list[dict]:
    """An inspection's documents that can be made now, as its page offers them: the decision
    and the minutes of its announcement (on site), the minutes of the visit or the letter after
    a check of records (once recorded), the answer on the corrective actions."""
    name = "api:plannedinspection-document"
    return [
        _links(request, name, item.pk, kind, inspections.DOCUMENT_LABELS[kind])
        for kind in inspections.inspection_documents(item)
    ]


def _build(registry: dict, kind: str, source, ready: list[str]):
    if kind not in registry or kind not in ready:
        raise NotFound
    return registry[kind](source)


@extend_schema_view(list=extend_schema(parameters=filter_parameters(None, "year")))
class InspectionPlanViewSet(PictureViewSet):
    """The years' inspection plans (DOST staff and managers, as the plans page), newest first."""

    model = InspectionPlan
    serializer_class = serializers.InspectionPlanSerializer
    ordering = ("-year", "province__code", "pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["documents"] = lambda plan: plan_documents(self.request, plan)
        return context

    def picture(self, day):
        access.require(self.request.user.is_province_wide)
        return InspectionPlan.objects.visible_to(self.request.user)

    def narrow(self, qs):
        year = params.integer(self.request, "year")
        return qs.filter(year=year) if year is not None else qs

    def related(self, qs, day):
        return qs.select_related("province").annotate(
            planned=Count("items"),
            onsite=Count("items", filter=Q(items__form=PlannedInspection.Form.ONSITE)),
            recorded=Count("items", filter=Q(items__audit__isnull=False)),
        )

    def get_for_user(self, user, pk, write=False):
        get_inspection_plan_for_user(user, pk)
        return self.related(InspectionPlan.objects.filter(pk=pk), None).get()

    @extend_schema(operation_id="inspection_plans_document", responses=FILE_RESPONSES)
    @action(
        detail=True,
        url_path=r"documents/(?P<kind>plan|approval|request|summary)\.(?P<fmt>pdf|docx)",
    )
    def document(self, request, pk=None, kind=None, fmt=None):
        """The plan (``plan``), its approval (``approval``, once its kind is chosen), the request
        for reports (``request``) or the summary of its results (``summary``), as PDF or Word."""
        plan = get_inspection_plan_for_user(request.user, int(pk))
        ready = inspections.plan_documents(plan)
        return _file(_build(trail.PLAN_DOCUMENTS, kind, plan, ready), fmt)


@extend_schema_view(
    list=extend_schema(parameters=filter_parameters(None, "commune", "plan", "year"))
)
class PlannedInspectionViewSet(PictureViewSet):
    """The communes in the years' plans, those in the user's scope (a commune sees its own)."""

    model = PlannedInspection
    serializer_class = serializers.PlannedInspectionSerializer
    ordering = ("-plan__year", "commune__sort_key", "pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["documents"] = lambda item: item_documents(self.request, item)
        return context

    def picture(self, day):
        return PlannedInspection.objects.visible_to(self.request.user)

    def narrow(self, qs):
        plan = params.integer(self.request, "plan")
        qs = qs.filter(plan_id=plan) if plan is not None else qs
        year = params.integer(self.request, "year")
        qs = qs.filter(plan__year=year) if year is not None else qs
        return _commune_code(qs, self.request, "commune")

    def related(self, qs, day):
        return qs.with_list_related()

    def get_for_user(self, user, pk, write=False):
        return get_planned_inspection_for_user(user, pk)

    @extend_schema(operation_id="planned_inspections_document", responses=FILE_RESPONSES)
    @action(
        detail=True,
        url_path=(
            r"documents/(?P<kind>decision|announcement|minutes|letter|answer)\.(?P<fmt>pdf|docx)"
        ),
    )
    def document(self, request, pk=None, kind=None, fmt=None):
        """One of the inspection's documents (``decision``, ``announcement``, ``minutes``,
        ``letter``, ``answer``), as PDF or Word; 404 while it cannot be made."""
        item = get_planned_inspection_for_user(request.user, int(pk))
        ready = inspections.inspection_documents(item)
        return _file(_build(trail.INSPECTION_DOCUMENTS, kind, item, ready), fmt)
