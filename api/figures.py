"""The figures of the dashboard and of a year's annual report, as the API gives them: read from
the :class:`reports.metrics.Figures` and :class:`reports.metrics.YearFigures` the pages show."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audits.models import Announcement
from reports import metrics


class CountsSerializer(serializers.Serializer):
    """The milestones counted as of the day (an overdue step also counts under its status)."""

    total = serializers.IntegerField()
    done = serializers.IntegerField()
    done_on_time = serializers.IntegerField()
    done_late = serializers.IntegerField()
    on_time_rate = serializers.FloatField()
    overdue = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    blocked = serializers.IntegerField()
    not_started = serializers.IntegerField()
    not_applicable = serializers.IntegerField()


def _stages(counter) -> dict:
    return {stage.value: counter.get(stage.value, 0) for stage in metrics.Stage}


class GroupRowSerializer(serializers.Serializer):
    """A district (or a province) added up."""

    code = serializers.CharField()
    name = serializers.CharField()
    communes = serializers.IntegerField()
    announced = serializers.IntegerField()
    progress = serializers.FloatField()
    open_findings = serializers.IntegerField()
    overdue_actions = serializers.IntegerField()
    counts = CountsSerializer()


class CommuneRowSerializer(serializers.Serializer):
    """A participating unit's line of the figures."""

    participation = serializers.IntegerField(source="participation_id")
    code = serializers.CharField()
    name = serializers.CharField()
    district_code = serializers.CharField()
    kind = serializers.CharField()
    stage = serializers.CharField()
    progress = serializers.FloatField()
    planned_progress = serializers.FloatField()
    silent = serializers.BooleanField()
    counts = CountsSerializer()


class FiguresSerializer(serializers.Serializer):
    """The dashboard's numbers as of ``as_of`` (``metrics.compute``)."""

    as_of = serializers.DateField()
    total = serializers.IntegerField()
    announced = serializers.IntegerField()
    announced_pct = serializers.FloatField()
    progress = serializers.FloatField()
    planned_progress = serializers.FloatField()
    counts = CountsSerializer()
    stages = serializers.SerializerMethodField()
    kinds = serializers.SerializerMethodField()
    findings_open = serializers.IntegerField()
    findings_closed = serializers.IntegerField()
    actions_open = serializers.IntegerField()
    actions_overdue = serializers.IntegerField()
    audits_by_kind = serializers.SerializerMethodField()
    communes_inspected = serializers.IntegerField()
    announcements = serializers.SerializerMethodField()
    announcements_total = serializers.SerializerMethodField()
    procedures_in_force = serializers.IntegerField()
    scope_covered = serializers.IntegerField()
    scope_needing_revision = serializers.IntegerField()
    coverage_pct = serializers.FloatField()
    budget_allocated = serializers.IntegerField()
    budget_spent = serializers.IntegerField()
    silent = serializers.SerializerMethodField()
    districts = GroupRowSerializer(many=True)
    communes = CommuneRowSerializer(many=True)

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_stages(self, figures):
        return _stages(figures.by_stage)

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_kinds(self, figures):
        return dict(figures.by_kind)

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_audits_by_kind(self, figures):
        return dict(figures.audits_by_kind)

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_announcements(self, figures):
        counts = figures.announcements_by_kind
        return {kind.value: counts.get(kind.value, 0) for kind in Announcement.Kind}

    def get_announcements_total(self, figures) -> int:
        return sum(figures.announcements_by_kind.values())

    def get_silent(self, figures) -> int:
        return len(figures.silent)


class ProvinceRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class YearRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class MoneyRowSerializer(serializers.Serializer):
    line = serializers.CharField()
    label = serializers.CharField()
    allocated = serializers.IntegerField()
    spent = serializers.IntegerField()
    bodies = serializers.IntegerField()


class LevelCountSerializer(serializers.Serializer):
    level = serializers.CharField()
    label = serializers.CharField()
    total = serializers.IntegerField()
    applying = serializers.IntegerField()
    announced = serializers.IntegerField()


class YearFiguresSerializer(serializers.Serializer):
    """A year's figures (``metrics.year_figures``): the annual report's numbers, and its table
    as (label, value) rows in the language asked."""

    year = serializers.IntegerField()
    as_of = serializers.DateField()
    bodies = serializers.IntegerField()
    building = serializers.IntegerField()
    announced = serializers.IntegerField()
    announced_in_year = serializers.IntegerField()
    reannounced_in_year = serializers.IntegerField()
    by_standard = serializers.SerializerMethodField()
    edition_overdue = serializers.IntegerField(
        help_text="Communes still on TCVN ISO 9001:2008 after their Sở's deadline on the day."
    )
    procedures_in_scope = serializers.IntegerField()
    inspected_records = serializers.IntegerField()
    inspected_onsite = serializers.IntegerField()
    nonconformities = serializers.IntegerField()
    observations = serializers.IntegerField()
    actions_on_time = serializers.IntegerField()
    actions_late = serializers.IntegerField()
    actions_pending = serializers.IntegerField()
    budget_allocated = serializers.IntegerField()
    budget_spent = serializers.IntegerField()
    inspection_budget = serializers.IntegerField()
    money = MoneyRowSerializer(many=True)
    levels = LevelCountSerializer(many=True)
    table = serializers.SerializerMethodField()
    province = serializers.SerializerMethodField()
    whole_province = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_by_standard(self, figures):
        return dict(figures.by_standard)

    @extend_schema_field(YearRowSerializer(many=True))
    def get_table(self, figures):
        return [{"label": str(k), "value": str(v)} for k, v in metrics.year_table(figures)]

    @extend_schema_field(ProvinceRefSerializer(allow_null=True))
    def get_province(self, figures):
        """The deployment's province of the figures' day (null: a national deployment)."""
        province = self.context.get("province")
        return {"code": province.code, "name": province.name} if province else None

    def get_whole_province(self, figures) -> bool:
        """True when the figures are the whole province's (a province-wide user, no programme
        picked): what a national deployment may put beside the other provinces'."""
        return bool(self.context.get("whole_province"))


class NotificationSerializer(serializers.Serializer):
    """One thing the user has to act on (the notifications page's items)."""

    kind = serializers.CharField()
    kind_label = serializers.CharField()
    stage = serializers.CharField()
    commune_code = serializers.CharField()
    commune_name = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(source="describe")
    due_date = serializers.DateField(allow_null=True)
    days = serializers.IntegerField()
    count = serializers.IntegerField()
    url = serializers.CharField()
