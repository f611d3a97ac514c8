from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunesConfig(AppConfig):
    name = "communes"
    verbose_name = _("Administrative units")

    def ready(self):
        from communes import resources  # noqa: F401  (registers the app's spreadsheets)
