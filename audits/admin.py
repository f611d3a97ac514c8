from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from audits.models import (
    Announcement,
    AnnouncementItem,
    Audit,
    ChecklistAnswer,
    CorrectiveAction,
    Finding,
    InspectionPlan,
    LegalBasis,
    PlannedInspection,
    ProvinceDuties,
)
from core.admin import ScopedAdminMixin
from core.forms import CleanTextAdminMixin


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    autocomplete_fields = ["procedure"]


@admin.register(Audit)
class AuditAdmin(ScopedAdminMixin, CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["commune", "kind", "date", "lead"]
    list_filter = ["kind", "commune__district"]
    list_select_related = ["commune"]
    search_fields = ["commune__name", "lead"]
    autocomplete_fields = ["commune"]
    inlines = [FindingInline]


class CorrectiveActionInline(admin.TabularInline):
    model = CorrectiveAction
    extra = 0


@admin.register(Finding)
class FindingAdmin(ScopedAdminMixin, CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["audit", "clause", "severity", "status", "closed_on"]
    list_filter = ["severity", "status"]
    list_select_related = ["audit__commune"]
    raw_id_fields = ["audit"]
    autocomplete_fields = ["procedure"]
    inlines = [CorrectiveActionInline]


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ScopedAdminMixin, CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["description", "owner", "due_date", "done_on", "verified_by"]
    list_select_related = ["verified_by"]
    raw_id_fields = ["finding"]


@admin.register(Announcement)
class AnnouncementAdmin(ScopedAdminMixin, CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "commune",
        "decision_number",
        "decision_date",
        "kind",
        "standard",
        "scope_size",
    ]
    list_filter = ["kind", "standard"]
    list_select_related = ["commune"]
    autocomplete_fields = ["commune"]


@admin.register(AnnouncementItem)
class AnnouncementItemAdmin(ScopedAdminMixin, CleanTextAdminMixin, admin.ModelAdmin):
    scope_via = ("announcement",)
    list_display = ["announcement", "procedure_name", "process_code"]
    list_select_related = ["announcement__commune"]
    raw_id_fields = ["announcement", "procedure"]


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ScopedAdminMixin, CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["year", "province", "number", "issued_on", "budget"]
    list_filter = ["year"]
    list_select_related = ["province"]


@admin.register(PlannedInspection)
class PlannedInspectionAdmin(ScopedAdminMixin, CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["plan", "commune", "form", "planned_on", "decision_number"]
    list_filter = ["form", "plan__year"]
    list_select_related = ["plan__province", "commune"]
    raw_id_fields = ["plan", "commune", "audit"]


@admin.register(ChecklistAnswer)
class ChecklistAnswerAdmin(ScopedAdminMixin, CleanTextAdminMixin, admin.ModelAdmin):
    list_display = ["audit", "item", "result"]
    list_filter = ["result"]
    list_select_related = ["audit__commune"]
    raw_id_fields = ["audit"]


@admin.register(LegalBasis)
class LegalBasisAdmin(CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "number",
        "kind",
        "issuer",
        "signed_on",
        "in_force_from",
        "in_force_until",
        "topic",
    ]
    list_filter = ["topic"]
    search_fields = ["number", "title", "issuer"]


@admin.register(ProvinceDuties)
class ProvinceDutiesAdmin(CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["province", "edition_deadline", "communes_obliged_from"]
    autocomplete_fields = ["province"]
