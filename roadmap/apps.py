from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapConfig(AppConfig):
    name = "roadmap"
    verbose_name = _("Roadmap")

    def ready(self):
        from roadmap import (
            resources,  # noqa: F401  (registers the app's spreadsheets)
            totals,
        )

        totals.connect()
