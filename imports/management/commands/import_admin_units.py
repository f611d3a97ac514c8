"""python manage.py import_admin_units FILE: the national list of administrative units.

FILE is an .xlsx or .csv in the layout the statistics office (GSO) publishes. Units are upserted
by GSO code in bulk; a renamed unit is updated, not duplicated; importing the same file again
changes nothing and says so. One bad row and nothing is written. A list describes the units in
force on its day (``--list-date``, else a date in the file's name, else today): only those are
matched by code; a code whose units are of another period gets a unit of its own, never a rename.

``--effective DATE`` (dd/mm/yyyy) reads FILE as the whole list from DATE on (the list of 1/7/2025
has no district columns and may say "Đặc khu"): a unit whose name, kind or parents changed, or
whose code was reused, is a new unit from DATE; units missing from the list end the day before.

The command lives in ``imports`` with the flow it runs (``imports.services.import_apply``, the
same as the import pages); the units' columns are ``communes/resources.py``'s.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.cli import parse_day
from imports.services import import_apply


class ProgressBar:
    """A one-line text progress bar (redrawn only when the percentage moves).

    ``stream`` is the command's ``self.stderr`` (an OutputWrapper: ``ending=""`` keeps the bar
    on one line).
    """

    def __init__(self, stream, width: int = 40):
        self.stream = stream
        self.width = width
        self.last = -1
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 100
        if percent == self.last:
            return
        self.last = percent
        filled = self.width * percent // 100
        elapsed = time.monotonic() - self.started
        bar = f"\r[{'#' * filled}{'.' * (self.width - filled)}] {percent:3d}% {elapsed:5.1f}s"
        self.stream.write(bar + ("\n" if percent >= 100 else ""), ending="")
        self.stream.flush()


def _resource_options(options) -> dict:
    """The resource's options among the command's: the effective date, the list's date."""
    return {k: options[k] for k in ("effective", "list_date") if options[k]}


class Command(BaseCommand):
    help = "Import the administrative units from a GSO spreadsheet (.xlsx or .csv)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="an .xlsx or .csv file in the GSO layout")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )
        parser.add_argument(
            "--max-mb", type=int, default=50, help="largest file accepted, in MB (default 50)"
        )
        parser.add_argument(
            "--effective",
            type=parse_day,
            help="dd/mm/yyyy: the file is the whole list from that day; missing units end",
        )
        parser.add_argument(
            "--list-date",
            type=parse_day,
            help="dd/mm/yyyy: the day the list describes (default: a date in the file's name, "
            "else today); only the units in force that day are matched",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="do not draw the progress bar"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No file at %(path)s.") % {"path": path})
        progress = None if options["no_progress"] else ProgressBar(self.stderr)
        started = time.monotonic()
        report = import_apply(
            kind="admin-units",
            data=path.read_bytes(),
            filename=path.name,
            user=None,
            dry_run=options["dry_run"],
            progress=progress,
            limit_mb=options["max_mb"],
            options=_resource_options(options),
        )
        elapsed = time.monotonic() - started
        if not report.ok:
            for error in report.errors:
                where = (
                    _("Row %(row)s, column %(column)s") % {"row": error.row, "column": error.column}
                    if error.row
                    else _("File")
                )
                self.stderr.write(f"{where}: {error.message}")
            raise CommandError(
                _("Nothing was imported: %(count)s errors.") % {"count": report.error_count}
            )
        for line in report.details:
            self.stdout.write(line)
        if not report.changes_anything:
            self.stdout.write(
                _("Nothing changed: every unit already matches the file (%(seconds).1f s).")
                % {"seconds": elapsed}
            )
        elif options["dry_run"]:
            self.stdout.write(
                _("Dry run: nothing written (%(seconds).1f s).") % {"seconds": elapsed}
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Imported: %(new)s created, %(update)s changed, %(skip)s unchanged (%(seconds).1f s)."
                    )
                    % {**report.counts, "seconds": elapsed}
                )
            )
