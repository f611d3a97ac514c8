"""Backups: the database and the uploaded files together in one archive, and back.

An archive (``.tar.gz``) holds ``manifest.json`` (format, database vendor, date, file count),
the database (``database.sqlite3`` made with SQLite's online backup API, or ``database.dump``,
``pg_dump``'s custom format) and ``media/`` (every uploaded file; pending imports, built reports
and health probes are transient and left out). :func:`restore` writes an archive into an empty
database (or, with ``force``, over a non-empty one) and the media folder.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

FORMAT = 1
DAMAGED = "The archive is damaged or was altered ({reason}): nothing was restored."
TRANSIENT_MEDIA = ("imports-pending", "reports-built", "healthz")


class BackupError(Exception):
    """The backup or restore could not be done; the message says why."""


def _vendor() -> str:
    return connection.vendor


def _pg_env() -> tuple[list[str], dict]:
    """Connection options of pg_dump/pg_restore for the default database."""
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    args = ["-h", str(db.get("HOST") or "localhost"), "-p", str(db.get("PORT") or 5432)]
    args += ["-U", str(db.get("USER") or ""), "-d", str(db["NAME"])]
    return args, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


def _dump_database(folder: Path) -> str:
    if _vendor() == "sqlite":
        target = folder / "database.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return target.name
    if _vendor() == "postgresql":
        args, env = _pg_env()
        target = folder / "database.dump"
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "-f",
                str(target),
                *args,
            ],
            env,
        )
        return target.name
    raise BackupError(f"No backup for the {_vendor()} database.")


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and path.relative_to(root).parts[0] not in TRANSIENT_MEDIA
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(output: Path) -> dict:
    """Write the archive ``output``; returns its manifest."""
    root = Path(settings.MEDIA_ROOT)
    files = _media_files()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        manifest = {
            "format": FORMAT,
            "vendor": _vendor(),
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": _dump_database(folder),
            "media_files": len(files),
        }
        manifest["sha256"] = {manifest["database"]: _sha256(folder / manifest["database"])} | {
            f"media/{path.relative_to(root).as_posix()}": _sha256(path) for path in files
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(folder / "manifest.json", arcname="manifest.json")
            archive.add(folder / manifest["database"], arcname=manifest["database"])
            for path in files:
                archive.add(path, arcname=f"media/{path.relative_to(root).as_posix()}")
        partial.replace(output)  # a backup interrupted midway never looks complete
    return manifest


def database_is_empty() -> bool:
    """No table of this project holds a row (a fresh database, migrated or not)."""
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() and table != "django_migrations":
                return False
    return True


def _restore_database(folder: Path, manifest: dict) -> None:
    source = folder / manifest["database"]
    if manifest["vendor"] != _vendor():
        raise BackupError(f"The archive holds a {manifest['vendor']} database, not {_vendor()}.")
    if _vendor() == "sqlite":
        connection.ensure_connection()
        origin = sqlite3.connect(source)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
        connections.close_all()
        return
    args, env = _pg_env()
    connections.close_all()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            *args,
            str(source),
        ],
        env,
    )


def _read_archive(archive_path: Path, folder: Path) -> dict:
    """Unpack the archive into ``folder`` and check it whole before anything is written: a
    damaged, truncated or altered archive raises :class:`BackupError` with the reason."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(folder, filter="data")
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (tarfile.TarError, EOFError, OSError, zlib.error, ValueError) as exc:
        raise BackupError(DAMAGED.format(reason=type(exc).__name__)) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown archive format {manifest.get('format')!r}.")
    database = manifest.get("database")
    if database not in ("database.sqlite3", "database.dump") or not (folder / database).is_file():
        raise BackupError(DAMAGED.format(reason="no database in it"))
    for name, digest in (manifest.get("sha256") or {}).items():
        member = folder / name
        if not member.is_file() or _sha256(member) != digest:
            raise BackupError(DAMAGED.format(reason=f"{name} differs from its manifest"))
    if database == "database.sqlite3":
        try:
            with sqlite3.connect(folder / database) as check:
                check.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as exc:
            raise BackupError(DAMAGED.format(reason=f"the database: {exc}")) from exc
    return manifest


def restore(archive_path: Path, *, force: bool = False) -> dict:
    """Restore the archive into the database and ``MEDIA_ROOT``; returns its manifest."""
    if not force and not database_is_empty():
        raise BackupError("The database is not empty: restore into an empty one, or use --force.")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        manifest = _read_archive(archive_path, folder)
        _restore_database(folder, manifest)
        media = folder / "media"
        if media.is_dir():
            shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return manifest
