"""``manage.py restore FILE [--force]``: an archive of ``manage.py backup`` back into the database
(empty unless ``--force``) and the media folder."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qms_rollout.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore an archive written by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds data.",
        )

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"No archive at {archive}.")
        try:
            manifest = restore(archive, force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {manifest['vendor']} database of {manifest['created']} and "
            f"{manifest['media_files']} uploaded files."
        )
