"""The API's resources. Each list is the page's list: ``Model.objects.visible_to(user)``, the
picture of the day asked (``?as_of=``, today by default, the model's ``as_of``), the page's
FilterSet, the page's order ended by the primary key (a stable order for paging). Each object
comes through the app's ``get_<thing>_for_user`` (404 outside the scope, 403 for a write the
role may not do); each write through :mod:`api.writes`."""

from django.db.models import Prefetch
from django.http import FileResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api import figures as fig
from api import params, serializers, writes
from api.schema import (
    ANNOUNCEMENT_EXAMPLE,
    AS_OF,
    AUDIT_EXAMPLE,
    ERRORS,
    IF_MATCH,
    MILESTONE_EXAMPLE,
    YEAR,
    filter_parameters,
)
from audits.access import get_audit_for_user, get_corrective_action_for_user, get_finding_for_user
from audits.filters import AnnouncementFilterSet, CorrectiveActionFilterSet, FindingFilterSet
from audits.models import Announcement, Audit, CorrectiveAction, Finding
from communes.models import Commune, Province, Succession
from core.search import search_q
from notifications.items import items_for
from procedures.models import Procedure, ScopeItem
from reports import metrics
from roadmap.access import (
    get_evidence_for_user,
    get_milestone_for_user,
    get_participation_for_user,
    get_programme_for_user,
)
from roadmap.filters import MilestoneFilterSet
from roadmap.models import Milestone, Participation, Programme

ID = r"[0-9]{1,18}"


class ApiMixin:
    """The language asked (``Accept-Language``: vi or en, else the site's), said back in
    ``Content-Language``."""

    def initial(self, request, *args, **kwargs):
        language = params.language_asked(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = translation.get_language()
        patch_vary_headers(response, ("Accept-Language", "Authorization"))
        return response


class PictureViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """A list as the page lists it, as of a day; an object through its access helper."""

    lookup_value_regex = ID
    model = None
    filterset_class = None
    ordering: tuple = ("pk",)

    def day(self):
        if not hasattr(self, "_day"):
            self._day = params.as_of(self.request)
        return self._day

    def picture(self, day):
        return self.model.objects.visible_to(self.request.user).as_of(day)

    def narrow(self, qs):
        return qs

    def related(self, qs, day):
        return qs.with_list_related(day)

    def read_on(self, row, day):
        return row

    def get_queryset(self):
        day = self.day()
        qs = self.picture(day)
        if self.filterset_class is not None:
            fs = self.filterset_class(
                self.request.query_params, qs, request=self.request, as_of=day
            )
            qs = params.filtered(fs)
        return self.related(self.narrow(qs).order_by(*self.ordering), day)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return [self.read_on(row, self.day()) for row in page] if page is not None else None

    def get_object(self):
        return self.get_for_user(self.request.user, int(self.kwargs["pk"]))


def _commune_code(qs, request, path: str):
    """``?commune=<GSO code>``: on one day a code names one unit in force."""
    code = request.query_params.get("commune", "").strip()
    if not code:
        return qs
    if not (code.isascii() and code.isdigit() and len(code) <= 5):
        raise ValidationError({"commune": [_("A GSO code is up to five digits.")]})
    return qs.filter(**{f"{path}__code": code})


@extend_schema_view(
    list=extend_schema(
        parameters=[AS_OF, *filter_parameters(MilestoneFilterSet, "commune", "programme")]
    ),
    retrieve=extend_schema(responses={200: serializers.MilestoneSerializer, **ERRORS}),
)
class MilestoneViewSet(mixins.UpdateModelMixin, PictureViewSet):
    """Roadmap milestones, each with its status of the day asked (``with_status_on``)."""

    model = Milestone
    serializer_class = serializers.MilestoneSerializer
    filterset_class = MilestoneFilterSet
    ordering = ("participation__commune__sort_key", "step__order", "pk")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def narrow(self, qs):
        programme = params.integer(self.request, "programme")
        qs = qs.filter(participation__programme_id=programme) if programme else qs
        return _commune_code(qs, self.request, "participation__commune")

    def related(self, qs, day):
        return qs.with_list_related()

    def read_on(self, row, day):
        return row.take_status_on(day)

    def get_for_user(self, user, pk, write=False):
        return get_milestone_for_user(user, pk, write=write)

    def retrieve(self, request, *args, **kwargs):
        milestone = self.get_object()
        response = Response(self.get_serializer(milestone).data)
        response["ETag"] = writes.etag(milestone)
        return response

    @extend_schema(
        request=serializers.MilestonePatchSerializer,
        parameters=[IF_MATCH],
        examples=[MILESTONE_EXAMPLE],
        responses={200: serializers.MilestoneSerializer, **ERRORS},
    )
    def partial_update(self, request, *args, **kwargs):
        milestone = get_milestone_for_user(request.user, int(kwargs["pk"]), write=True)
        saved = writes.milestone_patch(request, milestone)
        saved = get_milestone_for_user(request.user, saved.pk)
        response = Response(self.get_serializer(saved).data)
        response["ETag"] = writes.etag(saved)
        return response

    @extend_schema(
        methods=["GET"],
        operation_id="milestones_evidence_list",
        responses={200: serializers.EvidenceSerializer(many=True), **ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        operation_id="milestones_evidence_create",
        request={"multipart/form-data": serializers.EvidenceUploadSerializer},
        responses={201: serializers.EvidenceSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser],
        pagination_class=None,
    )
    def evidence(self, request, pk=None):
        """The milestone's evidence files (newest first); POST attaches one (multipart
        ``file``; the commune's officer, DOST staff, the programme's consultant)."""
        write = request.method == "POST"
        milestone = get_milestone_for_user(request.user, int(pk), write=write)
        context = {"request": request}
        if write:
            created = writes.evidence_create(request, milestone)
            data = serializers.EvidenceSerializer(created, context=context).data
            return Response(data, status=status.HTTP_201_CREATED)
        files = milestone.evidence.select_related("uploaded_by").order_by("-uploaded_at", "-pk")
        return Response(serializers.EvidenceSerializer(files, many=True, context=context).data)


@extend_schema_view(
    list=extend_schema(parameters=[AS_OF, *filter_parameters(FindingFilterSet, "commune")]),
)
class FindingViewSet(PictureViewSet):
    """Findings raised by the day asked, each open or closed as it stood then."""

    model = Finding
    serializer_class = serializers.FindingSerializer
    filterset_class = FindingFilterSet
    ordering = ("-audit__date", "audit__commune__sort_key", "pk")

    def narrow(self, qs):
        return _commune_code(qs, self.request, "audit__commune")

    def read_on(self, row, day):
        return row.take_status_on(day)

    def get_for_user(self, user, pk, write=False):
        return get_finding_for_user(user, pk, write=write)

    @extend_schema(
        request=serializers.CorrectiveActionCreateSerializer,
        responses={201: serializers.CorrectiveActionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="corrective-actions")
    def corrective_actions(self, request, pk=None):
        """Record a corrective action of this finding (DOST staff, the commune's consultant)."""
        finding = get_finding_for_user(request.user, int(pk), write=True)
        created = writes.corrective_action_create(request, finding)
        data = serializers.CorrectiveActionSerializer(created).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        parameters=[AS_OF, *filter_parameters(CorrectiveActionFilterSet, "commune")]
    ),
)
class CorrectiveActionViewSet(PictureViewSet):
    """Corrective actions on findings raised by the day asked, each as it stood then."""

    model = CorrectiveAction
    serializer_class = serializers.CorrectiveActionSerializer
    filterset_class = CorrectiveActionFilterSet
    ordering = ("due_date", "finding__audit__commune__sort_key", "pk")

    def narrow(self, qs):
        return _commune_code(qs, self.request, "finding__audit__commune")

    def read_on(self, row, day):
        return row.take_state_on(day)

    def get_for_user(self, user, pk, write=False):
        return get_corrective_action_for_user(user, pk, write=write)

    def retrieve(self, request, *args, **kwargs):
        found = self.get_object()
        response = Response(self.get_serializer(found).data)
        response["ETag"] = writes.action_etag(found)
        return response

    def _answer(self, request, action_id: int):
        saved = get_corrective_action_for_user(request.user, action_id)
        response = Response(self.get_serializer(saved).data)
        response["ETag"] = writes.action_etag(saved)
        return response

    @extend_schema(
        request={"multipart/form-data": serializers.ActionDoneSerializer},
        parameters=[IF_MATCH],
        responses={200: serializers.CorrectiveActionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def done(self, request, pk=None):
        """Mark the action done on ``done_on`` with its ``evidence`` file (the commune's
        officer, DOST staff, the consultant serving the commune); clears a verification."""
        found = get_corrective_action_for_user(request.user, int(pk), write=True)
        writes.action_mark_done(request, found)
        return self._answer(request, found.pk)

    @extend_schema(
        request=None,
        parameters=[IF_MATCH],
        responses={200: serializers.CorrectiveActionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """Verify a done action (DOST staff, the consultant serving the commune); the finding
        closes once every action of it is verified."""
        found = get_corrective_action_for_user(request.user, int(pk), verify=True)
        writes.action_verify(request, found)
        return self._answer(request, found.pk)


@extend_schema_view(
    list=extend_schema(parameters=[AS_OF, *filter_parameters(AnnouncementFilterSet, "commune")]),
)
class AnnouncementViewSet(mixins.CreateModelMixin, PictureViewSet):
    """Announcements of conformity decided by the day asked, of the units in force then."""

    model = Announcement
    serializer_class = serializers.AnnouncementSerializer
    filterset_class = AnnouncementFilterSet
    ordering = ("-decision_date", "commune__sort_key", "pk")

    def narrow(self, qs):
        return _commune_code(qs, self.request, "commune")

    def get_for_user(self, user, pk, write=False):
        qs = Announcement.objects.visible_to(user).with_list_related()
        found = qs.filter(pk=pk).first()
        if found is None:
            raise NotFound
        return found

    @extend_schema(
        request=serializers.AnnouncementCreateSerializer,
        examples=[ANNOUNCEMENT_EXAMPLE],
        responses={201: serializers.AnnouncementSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        """Record an announcement of conformity (DOST staff, the consultant serving the unit);
        it completes the roadmap's announcement step."""
        created = writes.announcement_create(request)
        data = serializers.AnnouncementSerializer(created).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(parameters=[AS_OF, *filter_parameters(None, "commune", "kind")]),
)
class AuditViewSet(mixins.CreateModelMixin, PictureViewSet):
    """Audits, reviews and inspections held by the day asked, at the units in force then."""

    model = Audit
    serializer_class = serializers.AuditSerializer
    ordering = ("-date", "commune__sort_key", "pk")

    def picture(self, day):
        return Audit.objects.visible_to(self.request.user).of_units_in_force(day).held_by(day)

    def narrow(self, qs):
        kind = self.request.query_params.get("kind", "").strip()
        qs = qs.filter(kind=kind) if kind else qs
        return _commune_code(qs, self.request, "commune")

    def related(self, qs, day):
        return qs.select_related("commune")

    def get_for_user(self, user, pk, write=False):
        return get_audit_for_user(user, pk, write=write)

    @extend_schema(
        request=serializers.AuditCreateSerializer,
        examples=[AUDIT_EXAMPLE],
        responses={201: serializers.AuditSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        """Record an audit (DOST staff; the consultant serving the unit, not inspections)."""
        audit = writes.audit_create(request)
        return Response(serializers.AuditSerializer(audit).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.FindingCreateSerializer,
        responses={201: serializers.FindingSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        """Record a finding of this audit (DOST staff, the commune's consultant)."""
        audit = get_audit_for_user(request.user, int(pk), write=True)
        finding = writes.finding_create(request, audit)
        return Response(serializers.FindingSerializer(finding).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(parameters=filter_parameters(None, "q")))
class ProgrammeViewSet(PictureViewSet):
    """The waves of the rollout the user may see."""

    model = Programme
    serializer_class = serializers.ProgrammeSerializer
    ordering = ("-start_date", "name", "pk")

    def picture(self, day):
        return Programme.objects.visible_to(self.request.user)

    def narrow(self, qs):
        q = self.request.query_params.get("q", "").strip()
        return qs.filter(name__icontains=q) if q else qs

    def related(self, qs, day):
        return qs.select_related("consultant", "province")

    def get_for_user(self, user, pk, write=False):
        return get_programme_for_user(user, pk)


@extend_schema_view(
    list=extend_schema(parameters=[AS_OF, *filter_parameters(None, "commune", "programme")]),
)
class ParticipationViewSet(PictureViewSet):
    """The units taking part in programmes, those in force on the day asked."""

    model = Participation
    serializer_class = serializers.ParticipationSerializer
    ordering = ("commune__sort_key", "programme_id", "pk")

    def picture(self, day):
        return Participation.objects.visible_to(self.request.user).of_units_in_force(day)

    def narrow(self, qs):
        programme = params.integer(self.request, "programme")
        qs = qs.filter(programme_id=programme) if programme else qs
        return _commune_code(qs, self.request, "commune")

    def related(self, qs, day):
        return qs.select_related("commune")

    def get_for_user(self, user, pk, write=False):
        return get_participation_for_user(user, pk)


def _lineage(qs):
    return qs.select_related("district", "province").prefetch_related(
        Prefetch("precedents", queryset=Succession.objects.select_related("predecessor")),
        Prefetch("successions", queryset=Succession.objects.select_related("successor")),
    )


@extend_schema_view(
    list=extend_schema(parameters=[AS_OF, *filter_parameters(None, "code", "district", "q")]),
)
class UnitViewSet(PictureViewSet):
    """Commune-level units in force on the day asked, with their period and lineage. One unit is
    ``/units/<code>/<since>/`` (``since``: its first day, yyyy-mm-dd, or 0 before the records)."""

    model = Commune
    serializer_class = serializers.UnitSerializer
    ordering = ("sort_key", "pk")
    lookup_field = "code"
    lookup_value_regex = r"[0-9]{1,5}"

    def picture(self, day):
        return Commune.objects.visible_to(self.request.user).current(day)

    def narrow(self, qs):
        query = self.request.query_params
        if code := query.get("code", "").strip():
            qs = qs.filter(code=code)
        if district := query.get("district", "").strip():
            qs = qs.filter(district__code=district)
        if q := query.get("q", "").strip():
            qs = qs.filter(search_q(q, "search_text", "code"))
        return qs

    def related(self, qs, day):
        return _lineage(qs)

    def unit(self):
        visible = _lineage(Commune.objects.visible_to(self.request.user))
        unit = visible.by_key(self.kwargs["code"], self.kwargs["since"])
        if unit is None:
            raise NotFound
        return unit

    @extend_schema(
        operation_id="units_carriers", responses={200: serializers.UnitSerializer(many=True)}
    )
    def retrieve(self, request, *args, **kwargs):
        """Every unit that carried ``code``, in the order of their periods (codes are reused)."""
        visible = _lineage(Commune.objects.visible_to(request.user))
        carriers = visible.carriers(kwargs["code"])
        if not carriers.exists():
            raise NotFound
        page = self.paginate_queryset(carriers)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses={200: serializers.UnitSerializer, **ERRORS})
    @action(detail=True, url_path=r"(?P<since>0|\d{4}-\d{2}-\d{2})")
    def period(self, request, code=None, since=None):
        """The unit that carried ``code`` from ``since``, with its lineage."""
        return Response(self.get_serializer(self.unit()).data)

    @extend_schema(
        parameters=[AS_OF], responses={200: serializers.ScopeItemSerializer(many=True), **ERRORS}
    )
    @action(detail=True, url_path=r"(?P<since>0|\d{4}-\d{2}-\d{2})/scope")
    def scope(self, request, code=None, since=None):
        """The unit's QMS scope; with ``?as_of=``, the scope on that day (issued or applied)."""
        items = ScopeItem.objects.filter(commune=self.unit()).select_related("procedure__field")
        if request.query_params.get("as_of"):
            items = items.in_scope_on(self.day())
        items = items.order_by("process_code", "procedure__sort_key", "pk")
        page = self.paginate_queryset(items)
        data = serializers.ScopeItemSerializer(page, many=True).data
        return self.get_paginated_response(data)


@extend_schema_view(list=extend_schema(parameters=[AS_OF, *filter_parameters(None, "q")]))
class ProcedureViewSet(PictureViewSet):
    """The procedure catalogue: the procedures in force on the day asked."""

    model = Procedure
    serializer_class = serializers.ProcedureSerializer
    ordering = ("sort_key", "pk")

    def picture(self, day):
        return Procedure.objects.active(day)

    def narrow(self, qs):
        q = self.request.query_params.get("q", "").strip()
        return qs.filter(search_q(q, "search_text")) if q else qs

    def related(self, qs, day):
        return qs.select_related("field")

    def get_for_user(self, user, pk, write=False):
        found = Procedure.objects.select_related("field").filter(pk=pk).first()
        if found is None:
            raise NotFound
        return found


class FiguresView(ApiMixin, APIView):
    """The dashboard's figures for the user's scope (or one programme) as of ``?as_of=``: the
    same ``metrics.compute_cached`` as the dashboard, so the same numbers."""

    @extend_schema(
        operation_id="figures",
        parameters=[AS_OF, *filter_parameters(None, "programme")],
        responses={200: fig.FiguresSerializer, **ERRORS},
    )
    def get(self, request):
        day = params.as_of(request)
        programme = params.integer(request, "programme")
        if programme is not None:
            programme = get_programme_for_user(request.user, programme)
        participations = metrics.participations_in_scope(request.user, programme=programme)
        figures = metrics.compute_cached(participations, as_of=day)
        return Response(fig.FiguresSerializer(figures).data)


class YearFiguresView(ApiMixin, APIView):
    """A year's figures (the annual report's), as of the year's end or ``?as_of=`` while it runs."""

    @extend_schema(
        operation_id="figures_year",
        parameters=[YEAR, AS_OF, *filter_parameters(None, "programme")],
        responses={200: fig.YearFiguresSerializer, **ERRORS},
    )
    def get(self, request, year: int):
        day = params.as_of(request)
        if year not in metrics.years_available(day):
            raise NotFound
        programme = params.integer(request, "programme")
        if programme is not None:
            programme = get_programme_for_user(request.user, programme)
        participations = metrics.participations_in_scope(request.user, programme=programme)
        figures = metrics.year_figures_cached(participations, year, today=day)
        context = {
            "province": Province.objects.territory_province(figures.as_of),
            "whole_province": request.user.is_province_wide and programme is None,
        }
        return Response(fig.YearFiguresSerializer(figures, context=context).data)


class NotificationsView(ApiMixin, APIView):
    """What the user has to act on as of ``?as_of=`` (the notifications page's items, in order)."""

    @extend_schema(parameters=[AS_OF], responses={200: fig.NotificationSerializer(many=True)})
    def get(self, request):
        items = items_for(request.user, params.as_of(request))
        return Response(fig.NotificationSerializer(items, many=True).data)


class EvidenceDownloadView(ApiMixin, APIView):
    """An evidence file, to those who may see its milestone (the page's rule), as an attachment."""

    @extend_schema(
        operation_id="evidence_download",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **ERRORS},
    )
    def get(self, request, pk: int):
        evidence = get_evidence_for_user(request.user, pk)
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError as exc:
            raise NotFound from exc
        return FileResponse(
            handle,
            as_attachment=True,
            filename=evidence.original_name,
            content_type=evidence.content_type or "application/octet-stream",
        )
