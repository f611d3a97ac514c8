"""The participations a user's figures are computed for."""

from roadmap.models import (
    Participation,
)


def participations_in_scope(user, *, programme=None, province=None, district=None, commune=None):
    """The participations ``user`` may see, narrowed to a programme, a province, a district or a
    commune."""
    qs = Participation.objects.visible_to(user)
    if programme is not None:
        qs = qs.filter(programme=programme)
    if province is not None:
        qs = qs.filter(commune__province=province)
    if district is not None:
        qs = qs.filter(commune__district=district)
    if commune is not None:
        qs = qs.filter(commune=commune)
    return qs
