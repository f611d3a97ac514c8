"""The rows of the milestone list and of a commune's roadmaps written in Python: a template
loop resolved some thirty variables, filters and a URL a row (6 ms of the list's 25 rows)."""

from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.rows import day, kept_on, written_for

_PK = 987654321  # a placeholder pk: the update URL is reversed once per list


def _update_url():
    """A function of a milestone's pk giving its update page (``reverse`` run once)."""
    before, after = reverse("roadmap:milestone_update", args=[_PK]).split(str(_PK))
    return lambda pk: f"{before}{pk}{after}"


def _status(m, overdue_days: int | None, nowrap: str) -> str:
    """The milestone's status badge, and by how many days it is overdue when it is
    (``overdue_days`` is not None)."""
    status = f'<span class="status st-{escape(m.status)}">{escape(m.get_status_display())}</span>'
    if overdue_days is None:
        return status
    late = ngettext("overdue %(days)s day", "overdue %(days)s days", overdue_days) % {
        "days": localize(overdue_days)
    }
    return (
        f'{status} <strong class="text-danger-emphasis{nowrap}"><span aria-hidden="true">!'
        f"</span> {late}</strong>"
    )


def _update_link(url: str, label: str, hidden: str) -> str:
    """The update button of a row (opens the form under the row with htmx)."""
    return (
        f'<a class="btn btn-sm btn-outline-primary" href="{url}" data-hx-get="{url}?inline=1" '
        f'data-hx-target="closest tr" data-hx-swap="afterend">{label}'
        f'<span class="visually-hidden">: {hidden}</span></a>'
    )


def milestone_rows(milestones) -> SafeString:
    """The ``<tr>`` rows of ``roadmap/milestone_list.html`` for ``milestones`` (read as the view
    reads them: each taken as it stood on the list's day, ``editable`` set): the commune and
    its district, the step, the due date, the status (overdue: by how many days), the date
    done, the last change (when and who), and the update button when ``editable``."""
    l_step, l_due, l_status = escape(_("Step")), escape(_("Due")), escape(_("Status"))
    l_done, l_changed, l_update = escape(_("Done on")), escape(_("Changed")), escape(_("Update"))
    update_url = _update_url()
    rows = []
    for m in milestones:
        commune, step = m.participation.commune, m.step
        name, step_name = escape(commune.name), escape(step.name)
        district = escape(commune.district.name) if commune.district else ""
        overdue = m.is_overdue
        status = _status(m, m.days_late if overdue else None, " text-nowrap")
        if m.read_only:
            changed = day(m.changed_then) or "–"
        elif m.version > 1:
            changed = day(m.updated_at)
            if m.updated_by:
                changed += f" · {escape(m.updated_by)}"
        else:
            changed = "–"
        action = ""
        if m.editable:
            action = _update_link(update_url(m.pk), l_update, f"{name}, {step_name}")
        rows.append(
            f"<tr{' class="row-overdue"' if overdue else ''}>"
            f'<th scope="row" class="fw-normal"><a href="{escape(commune.get_absolute_url())}">'
            f'{name}</a><div class="small text-body-secondary">{district}</div></th>'
            f'<td data-label="{l_step}" class="wide">{step.order}. {step_name}</td>'
            f'<td data-label="{l_due}" class="text-nowrap">{day(m.due_date)}</td>'
            f'<td data-label="{l_status}">{status}</td>'
            f'<td data-label="{l_done}" class="text-nowrap">'
            f"{day(m.completed_on) or '–'}</td>"
            f'<td data-label="{l_changed}" class="small">{changed}</td>'
            f"<td>{action}</td></tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)


def timeline_rows(rows) -> SafeString:
    """The ``<tr>`` rows of one roadmap on a commune's page (``reports/commune_detail.html``):
    ``rows`` of ``{"milestone", "overdue", "days_overdue", "bar"}``, the milestone read as it
    stood on the page's day, ``editable`` set. The step, its planned period, its status (overdue:
    by how many days) and note, its completion (late: by how many days), its timeline bar, and
    the update button when ``editable``. Each row kept in its dict (the commune page keeps its
    roadmaps while they stand), keyed on the language, prefix and time zone."""
    l_update = escape(_("Update"))
    update_url = _update_url()

    def write(r) -> str:
        m = r["milestone"]
        step_name = escape(m.step.name)
        status = _status(m, r["days_overdue"] if r["overdue"] else None, "")
        if m.note:
            note = escape(truncatechars(m.note, 100))
            status += f'<div class="small text-body-secondary">{note}</div>'
        done = "–"
        if m.completed_on:
            done = f'<span class="text-nowrap">{day(m.completed_on)}</span>'
            if days_late := m.days_late:
                late = ngettext("%(days)s day late", "%(days)s days late", days_late) % {
                    "days": localize(days_late)
                }
                done += f' <span class="small text-nowrap">({late})</span>'
        action = _update_link(update_url(m.pk), l_update, step_name) if m.editable else ""
        return (
            f"<tr{' class="row-overdue"' if r['overdue'] else ''}>"
            f'<th scope="row" class="fw-normal">{m.step.order}. {step_name}</th>'
            f'<td><span class="text-nowrap">{day(m.planned_start)} –</span> '
            f'<span class="text-nowrap">{day(m.due_date)}</span></td>'
            f"<td>{status}</td><td>{done}</td>"
            f'<td class="d-none d-md-table-cell">{conditional_escape(r["bar"])}</td>'
            f"<td>{action}</td></tr>"
        )

    key = written_for()
    out = (kept_on(r, "timeline", key, write) for r in rows)
    return mark_safe("".join(out))  # noqa: S308 (every value escaped above)
