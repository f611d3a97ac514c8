"""The spreadsheets of the audits: the exports of the findings list and of the corrective-action
list. Headers and labels come from the models' verbose names and choices."""

from django.utils.translation import pgettext_lazy

from audits.models import Announcement, Audit, CorrectiveAction, Finding
from communes.models import Commune
from communes.resources import COMMUNE, COMMUNE_NAME
from core.spreadsheets import (
    Column,
    ExportList,
    choice_label,
    field_label,
    model_label,
    register_export,
)

FINDING_COLUMNS = [
    Column(COMMUNE, "audit.commune.code"),
    Column(COMMUNE_NAME, "audit.commune.name"),
    Column(field_label(Commune, "district"), lambda f: f.audit.commune.district or ""),
    Column(field_label(Finding, "audit"), lambda f: choice_label(Audit.Kind, f.audit.kind)),
    Column("Ngày đánh giá", "audit.date"),
    Column(field_label(Finding, "clause"), "clause"),
    Column(field_label(Finding, "severity"), lambda f: choice_label(Finding.Severity, f.severity)),
    Column(field_label(Finding, "description"), "description"),
    Column(field_label(Finding, "procedure"), lambda f: f.procedure.name if f.procedure else ""),
    Column(field_label(Finding, "status"), lambda f: choice_label(Finding.Status, f.status)),
    Column(field_label(Finding, "closed_on"), "closed_on"),
]

ACTION_COLUMNS = [
    Column(COMMUNE, "finding.audit.commune.code"),
    Column(COMMUNE_NAME, "finding.audit.commune.name"),
    Column(field_label(Commune, "district"), lambda a: a.finding.audit.commune.district or ""),
    Column(field_label(Finding, "clause"), "finding.clause"),
    Column(field_label(CorrectiveAction, "finding"), "finding.description"),
    Column(model_label(CorrectiveAction), "description"),
    Column(field_label(CorrectiveAction, "owner"), "owner"),
    Column(field_label(CorrectiveAction, "due_date"), "due_date"),
    Column(field_label(CorrectiveAction, "done_on"), "done_on"),
    Column(field_label(CorrectiveAction, "verified_by"), lambda a: str(a.verified_by or "")),
    Column("Quá hạn", "is_overdue"),
]


def _findings_to_export(day=None):
    findings = Finding.objects.as_of(day) if day else Finding.objects.all()
    return findings.with_list_related(day)


def _actions_to_export(day=None):
    actions = CorrectiveAction.objects.as_of(day) if day else CorrectiveAction.objects.all()
    return actions.with_list_related()


register_export(
    "findings",
    ExportList(
        FINDING_COLUMNS,
        pgettext_lazy("file name", "findings"),
        _findings_to_export,
        take=lambda finding, day: finding.take_status_on(day),
    ),
)
register_export(
    "corrective-actions",
    ExportList(
        ACTION_COLUMNS,
        pgettext_lazy("file name", "corrective-actions"),
        _actions_to_export,
        take=lambda action, day: action.take_state_on(day),
    ),
)


ANNOUNCEMENT_COLUMNS = [
    Column(COMMUNE, "commune.code"),
    Column(COMMUNE_NAME, "commune.name"),
    Column(field_label(Commune, "district"), lambda a: a.commune.district or ""),
    Column(field_label(Announcement, "decision_number"), "decision_number"),
    Column(field_label(Announcement, "decision_date"), "decision_date"),
    Column(field_label(Announcement, "kind"), lambda a: choice_label(Announcement.Kind, a.kind)),
    Column(field_label(Announcement, "standard"), "get_standard_display"),
    Column(field_label(Announcement, "scope_size"), "scope_size"),
    Column(field_label(Announcement, "sent_to_dost_on"), "sent_to_dost_on"),
]


def _announcements_to_export(day=None):
    announcements = Announcement.objects.as_of(day) if day else Announcement.objects.all()
    return announcements.with_list_related()


register_export(
    "announcements",
    ExportList(
        ANNOUNCEMENT_COLUMNS,
        pgettext_lazy("file name", "announcements"),
        _announcements_to_export,
        take=lambda announcement, day: announcement,
    ),
)
