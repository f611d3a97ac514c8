"""The QMS scope items a user may open (404 outside ``User.scope``) and may change (403 unless
``accounts.access.can_manage_quality_records``)."""

from django.shortcuts import get_object_or_404

from accounts.access import can_manage_quality_records, require
from procedures.models import ScopeItem


def get_scope_item_for_user(user, pk: int, *, write: bool = False) -> ScopeItem:
    item = get_object_or_404(
        ScopeItem.objects.visible_to(user).select_related("commune__district", "procedure__field"),
        pk=pk,
    )
    if write:
        require(can_manage_quality_records(user, item.commune))
    return item
