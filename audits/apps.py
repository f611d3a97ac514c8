from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("Audits and announcements")

    def ready(self):
        from audits import resources  # noqa: F401  (registers the app's spreadsheets)
