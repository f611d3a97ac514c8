"""python manage.py import_procedure_catalogue FILE --name NAME [--valid-from DATE]: a catalogue
of commune-level procedures from the national procedure database's export.

FILE (.xlsx or .csv) is the export of the national procedure database (Cơ sở dữ liệu quốc gia
về thủ tục hành chính), one row per procedure, with the columns Mã thủ tục, Tên thủ tục, Lĩnh
vực and Cấp thực hiện (other columns are ignored). The rows whose level names Cấp Xã make the
catalogue NAME, in force from DATE: from then the communes' QMS scope is measured against it.
Each procedure is found by its code (else by its field and name) or created. One bad row and
nothing is written; importing again changes nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.cli import parse_day
from core.spreadsheets import FileRejected, read_sheet
from procedures.services import catalogue_import


class Command(BaseCommand):
    help = "Import a catalogue of commune-level procedures from the national database's export."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .xlsx or .csv export of the national database")
        parser.add_argument("--name", required=True, help="the catalogue's name")
        parser.add_argument("--valid-from", type=parse_day, help="dd/mm/yyyy: in force from")
        parser.add_argument("--decision", default="", help="the announcing decision, as typed")
        parser.add_argument("--note", default="", help="a note shown with the catalogue")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No file at %(path)s.") % {"path": path})
        try:
            sheet = read_sheet(path.read_bytes(), path.name)
        except FileRejected as exc:
            raise CommandError(exc.message) from exc
        result = catalogue_import(
            sheet=sheet,
            name=options["name"],
            valid_from=options["valid_from"],
            decision=options["decision"],
            note=options["note"],
        )
        report = result.report
        if report.errors:
            for error in report.errors:
                where = _("Row %(row)s") % {"row": error.row} if error.row else _("File")
                self.stderr.write(f"{where}, {error.column}: {error.message}")
            raise CommandError(
                _("Nothing was imported: %(count)s errors.") % {"count": report.error_count}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Catalogue “%(name)s”: %(count)s procedures of the commune level "
                    "(%(created)s new), %(other)s rows of other levels left out."
                )
                % {
                    "name": result.catalogue.name,
                    "count": result.catalogue.procedures.count(),
                    "created": len(result.created),
                    "other": result.other_levels,
                }
            )
        )
