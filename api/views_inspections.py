"""The DOST's yearly inspections as the pages show them: the plans (the province-wide roles, as
the plans page), the communes planned (each user their scope, as an inspection's page), and the
official documents each has (which exist, where to download them with the same token: the
same :mod:`reports.documents` as the pages' downloads)."""

from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound

from accounts import access
from api import params, serializers
from api.schema import ERRORS, filter_parameters
from api.views import PictureViewSet, _commune_code
from audits.access import get_inspection_plan_for_user, get_planned_inspection_for_user
from audits.models import InspectionPlan, PlannedInspection
from core.filenames import download_name
from reports import documents
from reports.documents import official

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
    """A plan's documents: the plan (Mẫu 19. KHKT) and the report of its results (Art. 38)."""
    name = "api:inspectionplan-document"
    return [
        _links(request, name, plan.pk, "plan", _("Inspection plan")),
        _links(request, name, plan.pk, "summary", _("Report of the inspection results")),
    ]


def item_documents(request, item) -> list[dict]:
    """An inspection's documents, those its page offers: the decision (on site, once dated),
    the minutes (once recorded)."""
    name = "api:plannedinspection-document"
    found = []
    if item.is_onsite and item.decision_date:
        found.append(_links(request, name, item.pk, "decision", _("Inspection decision")))
    if item.audit_id:
        found.append(_links(request, name, item.pk, "minutes", _("Inspection minutes")))
    return found


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
    @action(detail=True, url_path=r"documents/(?P<kind>plan|summary)\.(?P<fmt>pdf|docx)")
    def document(self, request, pk=None, kind=None, fmt=None):
        """The plan (``plan``) or the report of its results (``summary``), as PDF or Word."""
        plan = get_inspection_plan_for_user(request.user, int(pk))
        build = official.plan_document if kind == "plan" else official.summary_document
        return _file(build(plan), fmt)


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
    @action(detail=True, url_path=r"documents/(?P<kind>decision|minutes)\.(?P<fmt>pdf|docx)")
    def document(self, request, pk=None, kind=None, fmt=None):
        """The inspection decision (``decision``, on site) or the minutes (``minutes``, once
        recorded), as PDF or Word; 404 while it does not exist."""
        item = get_planned_inspection_for_user(request.user, int(pk))
        if kind == "decision" and item.is_onsite and item.decision_date:
            return _file(official.decision_document(item), fmt)
        if kind == "minutes" and item.audit_id:
            return _file(official.minutes_document(item), fmt)
        raise NotFound
