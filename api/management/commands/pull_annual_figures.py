"""``manage.py pull_annual_figures URL TOKEN YEAR``: a national deployment pulls a provincial
deployment's annual figures through its API (the token the province issued) and keeps them
beside its own (the national figures page)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from api.pull import PullError, pull_annual_figures


class Command(BaseCommand):
    help = "Pull a provincial deployment's annual figures of YEAR through its API and store them."

    def add_arguments(self, parser):
        parser.add_argument("url", help="The province's deployment, e.g. https://qms.example.vn")
        parser.add_argument("token", help="An API token the province issued (DOST staff).")
        parser.add_argument("year")

    def handle(self, *args, url, token, year, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                pulled = pull_annual_figures(url=url, token=token, year=year)
            except PullError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                _("%(province)s, %(year)s (as of %(day)s): %(rows)s rows stored from %(url)s.")
                % {
                    "province": pulled.province_name,
                    "year": pulled.year,
                    "day": pulled.as_of.strftime("%d/%m/%Y"),
                    "rows": len(pulled.table),
                    "url": pulled.source_url,
                }
            )
