"""What the API returns: explicit fields, read from the same rows the pages show. A unit is named
by its GSO code and its period key together (``code``, ``since``): codes are reused."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audits.models import (
    Announcement,
    Audit,
    CorrectiveAction,
    Finding,
    InspectionPlan,
    PlannedInspection,
)
from communes.models import Commune
from procedures.models import Procedure, ScopeItem
from roadmap.models import Evidence, Milestone, Participation, Programme


class UnitRefSerializer(serializers.Serializer):
    """A unit as a reference: what identifies it in time, and its name."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    since = serializers.CharField(source="since_key")
    name = serializers.CharField()


class NamedCodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class LinkSerializer(serializers.Serializer):
    """One succession seen from a unit: the other unit, the day, whole or in part."""

    unit = UnitRefSerializer()
    effective_on = serializers.DateField()
    whole = serializers.BooleanField()


class UnitSerializer(serializers.ModelSerializer):
    """A commune-level unit in its period, with its lineage (the successions to and from it)."""

    since_key = serializers.CharField(read_only=True)
    district = NamedCodeSerializer(allow_null=True, read_only=True)
    province = NamedCodeSerializer(read_only=True)
    predecessors = serializers.SerializerMethodField()
    successors = serializers.SerializerMethodField()

    class Meta:
        model = Commune
        fields = [
            "id",
            "code",
            "since_key",
            "valid_from",
            "valid_until",
            "name",
            "kind",
            "district",
            "province",
            "predecessors",
            "successors",
        ]

    @extend_schema_field(LinkSerializer(many=True))
    def get_predecessors(self, unit):
        return [_link(s, s.predecessor) for s in unit.precedents.all()]

    @extend_schema_field(LinkSerializer(many=True))
    def get_successors(self, unit):
        return [_link(s, s.successor) for s in unit.successions.all()]


def _link(succession, other) -> dict:
    return {
        "unit": UnitRefSerializer(other).data,
        "effective_on": succession.effective_on,
        "whole": succession.whole,
    }


class ProcedureSerializer(serializers.ModelSerializer):
    field = serializers.CharField(source="field.name", read_only=True)

    class Meta:
        model = Procedure
        fields = [
            "id",
            "national_code",
            "name",
            "field",
            "processing_days",
            "announced_on",
            "amended_on",
            "abolished_on",
            "replaced_by",
        ]


class ScopeItemSerializer(serializers.ModelSerializer):
    procedure = ProcedureSerializer(read_only=True)
    needs_revision = serializers.BooleanField(read_only=True)

    class Meta:
        model = ScopeItem
        fields = [
            "id",
            "procedure",
            "process_code",
            "revision",
            "issued_on",
            "state",
            "needs_revision",
        ]


class ProgrammeSerializer(serializers.ModelSerializer):
    consultant = serializers.CharField(source="consultant.name", allow_null=True, read_only=True)
    province = NamedCodeSerializer(read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "province",
            "year_start",
            "year_end",
            "plan_number",
            "plan_date",
            "decision_number",
            "decision_date",
            "standard",
            "consultant",
            "start_date",
            "budget",
        ]


class ParticipationSerializer(serializers.ModelSerializer):
    commune = UnitRefSerializer(read_only=True)

    class Meta:
        model = Participation
        fields = [
            "id",
            "programme",
            "commune",
            "kind",
            "template",
            "start_date",
            "budget_allocated",
            "budget_spent",
            "qms_representative",
            "iso_secretary",
        ]


class MilestoneSerializer(serializers.ModelSerializer):
    """A roadmap step of a unit, as it stood on the day asked (``status``, ``completed_on`` and
    ``overdue`` of that day); ``version`` is the current one, the ETag of its page."""

    commune_code = serializers.CharField(source="participation.commune.code", read_only=True)
    commune_since = serializers.CharField(source="participation.commune.since_key", read_only=True)
    commune_name = serializers.CharField(source="participation.commune.name", read_only=True)
    programme = serializers.IntegerField(source="participation.programme_id", read_only=True)
    step = serializers.CharField(source="step.key", read_only=True)
    step_order = serializers.IntegerField(source="step.order", read_only=True)
    step_name = serializers.CharField(source="step.name", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "commune_code",
            "commune_since",
            "commune_name",
            "programme",
            "participation",
            "step",
            "step_order",
            "step_name",
            "planned_start",
            "due_date",
            "status",
            "completed_on",
            "overdue",
            "note",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class MilestonePatchSerializer(serializers.Serializer):
    """What a PATCH may change (checked by the milestone page's form, with its messages)."""

    status = serializers.ChoiceField(choices=Milestone.Status.choices, required=False)
    completed_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


class CommuneRefMixin(serializers.Serializer):
    commune_code = serializers.CharField(source="commune.code", read_only=True)
    commune_since = serializers.CharField(source="commune.since_key", read_only=True)
    commune_name = serializers.CharField(source="commune.name", read_only=True)


class AuditSerializer(CommuneRefMixin, serializers.ModelSerializer):
    class Meta:
        model = Audit
        fields = [
            "id",
            "commune_code",
            "commune_since",
            "commune_name",
            "kind",
            "date",
            "lead",
            "summary",
        ]


class AuditCreateSerializer(serializers.Serializer):
    """A new audit: the unit by code and period key, then the audit page's fields."""

    commune_code = serializers.CharField()
    commune_since = serializers.CharField()
    kind = serializers.ChoiceField(choices=Audit.Kind.choices)
    date = serializers.DateField()
    lead = serializers.CharField()
    summary = serializers.CharField(required=False, allow_blank=True)


class FindingSerializer(serializers.ModelSerializer):
    """A finding as it stood on the day asked (``status``, ``closed_on``)."""

    commune_code = serializers.CharField(source="audit.commune.code", read_only=True)
    commune_since = serializers.CharField(source="audit.commune.since_key", read_only=True)
    corrective_actions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "audit",
            "commune_code",
            "commune_since",
            "clause",
            "severity",
            "procedure",
            "description",
            "status",
            "closed_on",
            "corrective_actions",
        ]
        read_only_fields = fields


class FindingCreateSerializer(serializers.Serializer):
    clause = serializers.CharField()
    severity = serializers.ChoiceField(choices=Finding.Severity.choices)
    procedure = serializers.IntegerField(required=False, allow_null=True)
    description = serializers.CharField()


class CorrectiveActionSerializer(serializers.ModelSerializer):
    """A corrective action as it stood on the day asked (``done_on``, ``verified_at``)."""

    commune_code = serializers.CharField(source="finding.audit.commune.code", read_only=True)
    commune_since = serializers.CharField(source="finding.audit.commune.since_key", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = CorrectiveAction
        fields = [
            "id",
            "finding",
            "commune_code",
            "commune_since",
            "description",
            "owner",
            "due_date",
            "done_on",
            "verified_at",
            "overdue",
        ]
        read_only_fields = fields


class CorrectiveActionCreateSerializer(serializers.Serializer):
    description = serializers.CharField()
    owner = serializers.CharField()
    due_date = serializers.DateField()


class AnnouncementSerializer(CommuneRefMixin, serializers.ModelSerializer):
    class Meta:
        model = Announcement
        fields = [
            "id",
            "commune_code",
            "commune_since",
            "commune_name",
            "decision_number",
            "decision_date",
            "standard",
            "kind",
            "scope_size",
            "sent_to_dost_on",
            "posted_at_office_on",
            "posted_online_on",
        ]


class EvidenceSerializer(serializers.ModelSerializer):
    """An evidence file of a milestone: what it is, who uploaded it, where to download it (with
    the same token)."""

    uploaded_by = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "milestone",
            "original_name",
            "content_type",
            "size",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_uploaded_by(self, evidence) -> str | None:
        return str(evidence.uploaded_by) if evidence.uploaded_by_id else None

    def get_download_url(self, evidence) -> str:
        return _absolute(self.context.get("request"), "api:evidence-download", evidence.pk)


class EvidenceUploadSerializer(serializers.Serializer):
    """A multipart upload: ``file`` (PDF, JPEG or PNG image, Word, Excel or OpenDocument),
    checked as the milestone page checks it."""

    file = serializers.FileField()


def _absolute(request, name: str, *args) -> str:
    from django.urls import reverse

    path = reverse(name, args=args)
    return request.build_absolute_uri(path) if request is not None else path


class ActionDoneSerializer(serializers.Serializer):
    """A multipart form: the day it was done, and the evidence (required the first time)."""

    done_on = serializers.DateField()
    evidence = serializers.FileField(required=False)


class AnnouncementCreateSerializer(serializers.Serializer):
    """A new announcement: the unit by code and period key, then the announcement page's
    fields (``override_reason``: DOST staff only)."""

    commune_code = serializers.CharField()
    commune_since = serializers.CharField()
    kind = serializers.ChoiceField(choices=Announcement.Kind.choices)
    decision_number = serializers.CharField()
    decision_date = serializers.DateField()
    signer_title = serializers.CharField(required=False, allow_blank=True)
    signer_name = serializers.CharField(required=False, allow_blank=True)
    standard = serializers.ChoiceField(choices=Announcement._meta.get_field("standard").choices)
    scope_size = serializers.IntegerField(min_value=0)
    sent_to_dost_on = serializers.DateField(required=False, allow_null=True)
    posted_at_office_on = serializers.DateField(required=False, allow_null=True)
    posted_online_on = serializers.DateField(required=False, allow_null=True)
    override_reason = serializers.CharField(required=False, allow_blank=True)


class DocumentSerializer(serializers.Serializer):
    """An official document the page offers: its kind, its title, a download link per format."""

    kind = serializers.CharField()
    title = serializers.CharField()
    pdf = serializers.CharField()
    docx = serializers.CharField()


class InspectionPlanSerializer(serializers.ModelSerializer):
    """A year's inspection plan (Mẫu 19. KHKT) and its documents (the plan, the results)."""

    province = NamedCodeSerializer(read_only=True)
    planned = serializers.IntegerField(read_only=True)
    onsite = serializers.IntegerField(read_only=True)
    recorded = serializers.IntegerField(read_only=True)
    documents = serializers.SerializerMethodField()

    class Meta:
        model = InspectionPlan
        fields = [
            "id",
            "province",
            "year",
            "number",
            "issued_on",
            "inspecting_unit",
            "period_start",
            "period_end",
            "budget",
            "approval_number",
            "approval_date",
            "summary_number",
            "summary_on",
            "planned",
            "onsite",
            "recorded",
            "documents",
        ]
        read_only_fields = fields

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, plan):
        return self.context["documents"](plan)


class PlannedInspectionSerializer(CommuneRefMixin, serializers.ModelSerializer):
    """A commune in a year's plan: the form of its check, the decision (on site), the minutes
    recorded (``audit``), and the documents that exist."""

    year = serializers.IntegerField(source="plan.year", read_only=True)
    documents = serializers.SerializerMethodField()

    class Meta:
        model = PlannedInspection
        fields = [
            "id",
            "plan",
            "year",
            "commune_code",
            "commune_since",
            "commune_name",
            "form",
            "planned_on",
            "decision_number",
            "decision_date",
            "team_lead",
            "audit",
            "documents",
        ]
        read_only_fields = fields

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, item):
        return self.context["documents"](item)
