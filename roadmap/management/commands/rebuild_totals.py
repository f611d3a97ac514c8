"""``manage.py rebuild_totals``: every participation's maintained sums recomputed from its
milestones (:func:`roadmap.totals.totals_rebuild`), after a load that wrote milestones in bulk
without them (``bench/build_scale_data.py``, a restore from an old dump)."""

from django.core.management.base import BaseCommand

from roadmap.totals import totals_rebuild


class Command(BaseCommand):
    help = "Recompute the milestones' maintained sums (the figures of today) from the milestones."

    def handle(self, *args, **options):
        count = totals_rebuild()
        self.stdout.write(f"{count} participations")
