from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ScopedAdminMixin
from core.forms import CleanTextAdminMixin
from roadmap.models import (
    BudgetLine,
    Consultant,
    Evidence,
    Milestone,
    Participation,
    ParticipationTotals,
    Programme,
    RoadmapDay,
    RoadmapStep,
    RoadmapTemplate,
)


@admin.register(Consultant)
class ConsultantAdmin(ScopedAdminMixin, CleanTextAdminMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "representative", "phone"]
    search_fields = ["name", "short_name"]


@admin.register(Programme)
class ProgrammeAdmin(ScopedAdminMixin, CleanTextAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "year_start",
        "year_end",
        "decision_number",
        "standard",
        "consultant",
    ]
    list_select_related = ["consultant"]
    search_fields = ["name", "plan_number", "decision_number"]
    autocomplete_fields = ["province", "consultant"]


@admin.register(RoadmapStep)
class RoadmapStepAdmin(ScopedAdminMixin, CleanTextAdminMixin, admin.ModelAdmin):
    shared_reference_data = True  # the roadmap templates, for every unit
    list_display = ["template", "order", "name", "offset_days", "duration_days", "weight", "key"]
    list_filter = ["template"]
    list_select_related = ["template"]
    search_fields = ["name"]


class RoadmapStepInline(admin.TabularInline):
    model = RoadmapStep
    extra = 0


@admin.register(RoadmapTemplate)
class RoadmapTemplateAdmin(ScopedAdminMixin, CleanTextAdminMixin, admin.ModelAdmin):
    shared_reference_data = True  # the roadmap templates, for every unit
    list_display = ["name", "kind", "standard"]
    list_filter = ["kind", "standard"]
    inlines = [RoadmapStepInline]
    search_fields = ["name"]


@admin.register(Participation)
class ParticipationAdmin(ScopedAdminMixin, CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["commune", "programme", "kind", "budget_allocated", "start_date"]
    list_filter = ["programme", "kind", "commune__district"]
    list_select_related = ["commune", "programme"]
    search_fields = ["commune__name", "commune__code"]
    autocomplete_fields = ["commune", "programme"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    readonly_fields = ["uploaded_by", "uploaded_at", "size", "content_type"]


@admin.register(Milestone)
class MilestoneAdmin(ScopedAdminMixin, CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "participation",
        "step",
        "due_date",
        "status",
        "completed_on",
        "updated_by",
    ]
    list_filter = ["status", "step__template", "participation__commune__district"]
    list_select_related = [
        "participation__commune",
        "participation__programme",
        "step",
        "updated_by",
    ]
    search_fields = ["participation__commune__name", "step__name"]
    raw_id_fields = ["participation", "step"]
    readonly_fields = ["updated_by", "updated_at", "version"]
    inlines = [EvidenceInline]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(Evidence)
class EvidenceAdmin(ScopedAdminMixin, CleanTextAdminMixin, admin.ModelAdmin):
    scope_via = ("milestone",)
    list_display = ["original_name", "milestone", "uploaded_by", "uploaded_at", "size"]
    list_select_related = [
        "milestone__participation__commune",
        "milestone__step",
        "uploaded_by",
    ]
    raw_id_fields = ["milestone"]


@admin.register(BudgetLine)
class BudgetLineAdmin(ScopedAdminMixin, CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = ("year", "line", "commune", "body", "allocated", "spent")
    list_filter = ("year", "line", "province")
    search_fields = ("commune__name", "body__name", "note")
    raw_id_fields = ("commune", "body")


class MaintainedSumsAdmin(ScopedAdminMixin, CleanTextAdminMixin, admin.ModelAdmin):
    """The sums kept by roadmap.totals.totals_refresh: read only (``manage.py rebuild_totals``
    rebuilds them), scoped by their participation."""

    scope_via = ("participation",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ParticipationTotals)
class ParticipationTotalsAdmin(MaintainedSumsAdmin):
    list_display = ("participation", "total", "done", "late", "weight", "done_weight")
    raw_id_fields = ("participation",)


@admin.register(RoadmapDay)
class RoadmapDayAdmin(MaintainedSumsAdmin):
    list_display = ("participation", "day", "due_weight", "done_weight", "open_due")
    list_filter = ("day",)
    raw_id_fields = ("participation",)
