"""The annual reports to the Ministry a user may open (province-wide roles; 404 otherwise) and
write (DOST staff, ``accounts.access.can_manage_inspections``)."""

from django.shortcuts import get_object_or_404

from accounts.access import can_manage_inspections, require
from reports.models import AnnualReport


def get_annual_report_for_user(user, pk: int, *, write: bool = False):
    """A year's report to the Ministry: province-wide roles read it, DOST staff write it."""
    report = get_object_or_404(
        AnnualReport.objects.visible_to(user).select_related("province"), pk=pk
    )
    if write:
        require(can_manage_inspections(user))
    return report
