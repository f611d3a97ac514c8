from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from reports import resources, signals  # noqa: F401  (resources registers the exports)

        signals.connect()
        from core.spreadsheets import register_background_export
        from reports.tasks import waiting_for_user
        from reports.views_tasks import queue_export

        register_background_export(queue_export, waiting_for_user)
