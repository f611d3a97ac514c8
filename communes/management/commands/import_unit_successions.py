"""python manage.py import_unit_successions FILE --effective DATE: the conversion table.

FILE (.csv or .xlsx) has one row per old unit -> new unit, in the columns the statistics office
publishes (old_ward_code, old_district_code, old_province_code, partly_merged, new_ward_code,
new_province_code) or the same with Vietnamese headers (Mã xã cũ, Mã huyện cũ, Mã tỉnh cũ, Sáp
nhập một phần, Mã xã mới, Mã tỉnh mới). Old codes are the units in force the day before DATE,
new codes those in force on DATE (import the new list with ``import_admin_units --effective``
first). One bad row and nothing is written; importing again changes nothing. An old code unknown
the day before is refused, unless ``--create-missing-predecessors``: the former unit is then
created with the row's district and province and an empty name (to type), ended that day.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from communes.services import successions_import
from core.cli import parse_day
from core.spreadsheets import FileRejected, read_sheet


class Command(BaseCommand):
    help = "Import the successions of administrative units from a conversion table."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .xlsx conversion table")
        parser.add_argument(
            "--effective", type=parse_day, required=True, help="dd/mm/yyyy: the day they apply"
        )
        parser.add_argument(
            "--legal-basis", default="", help="the act, as you type it (e.g. its number and date)"
        )
        parser.add_argument(
            "--create-missing-predecessors",
            action="store_true",
            help="create each old code unknown the day before (a commune created after the last "
            "list imported) with the row's district and province and an empty name to type",
        )
        parser.add_argument("--dry-run", action="store_true", help="check, write nothing")
        parser.add_argument("--max-mb", type=int, default=50, help="largest file, in MB")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No file at %(path)s.") % {"path": path})
        started = time.monotonic()
        try:
            sheet = read_sheet(path.read_bytes(), path.name, limit_mb=options["max_mb"])
        except FileRejected as exc:
            raise CommandError(exc.message) from exc
        report = successions_import(
            sheet=sheet,
            effective=options["effective"],
            legal_basis=options["legal_basis"],
            dry_run=options["dry_run"],
            create_missing=options["create_missing_predecessors"],
        )
        elapsed = time.monotonic() - started
        if not report.ok:
            for error in report.errors:
                where = _("Row %(row)s") % {"row": error.row} if error.row else _("File")
                if error.column:
                    where += f", {error.column}"
                self.stderr.write(f"{where}: {error.message}")
            raise CommandError(
                _("Nothing was imported: %(count)s errors.") % {"count": len(report.errors)}
            )
        for line in report.details:
            self.stdout.write(line)
        if not report.changes_anything:
            self.stdout.write(_("Nothing changed (%(seconds).1f s).") % {"seconds": elapsed})
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Done: %(new)s created, %(update)s changed, %(skip)s unchanged (%(seconds).1f s)."
                    )
                    % {**report.counts, "seconds": elapsed}
                )
            )
