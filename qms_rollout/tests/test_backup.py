"""Backup then restore into an empty database gives back every row and every uploaded file.

Real processes on real SQLite files: ``manage.py backup`` on one database and media folder,
``manage.py restore`` into a new, empty database and an empty media folder, then every table is
compared row by row with SQLite itself and every file byte by byte.
"""

import io
import sqlite3
import tarfile

import pytest

from qms_rollout.tests.conftest import copy_database, run
from qms_rollout.tests.production_env import documented_env, manage

MAKE_DATA = """
from accounts.tests.factories import UserFactory
from communes.tests.factories import CommuneFactory
from roadmap.tests.factories import MilestoneFactory
MilestoneFactory.create_batch(3)
CommuneFactory(name="Xã Phú Phụng", code="28873")
UserFactory(username="dost")
"""


def _env(tmp_path, name):
    return documented_env() | {
        "DATABASE_URL": f"sqlite:///{tmp_path / (name + '.sqlite3')}",
        "MEDIA_ROOT": str(tmp_path / (name + "-media")),
    }


def _rows(path) -> dict[str, list]:
    with sqlite3.connect(path) as db:
        tables = [
            r[0]
            for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        return {t: db.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}  # noqa: S608


def _files(root) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="session")
def source_database(migrated_sqlite, tmp_path_factory):
    """The migrated database with a few rows made by the factories, built once a session."""
    path = tmp_path_factory.mktemp("backup-source") / "source.sqlite3"
    copy_database(migrated_sqlite, path)
    env = documented_env() | {
        "DATABASE_URL": f"sqlite:///{path}",
        "MEDIA_ROOT": str(path.parent / "media"),
    }
    run([["shell", "--no-imports", "-c", MAKE_DATA]], env)
    return path


@pytest.fixture
def source(tmp_path, source_database):
    env = _env(tmp_path, "source")
    copy_database(source_database, tmp_path / "source.sqlite3")
    media = tmp_path / "source-media"
    (media / "evidence" / "2017" / "08").mkdir(parents=True)
    (media / "evidence" / "2017" / "08" / "biên-bản.pdf").write_bytes(
        b"%PDF-1.4 " + bytes(range(256))
    )
    (media / "audits" / "report.docx").parent.mkdir(parents=True)
    (media / "audits" / "report.docx").write_bytes(b"PK\x03\x04 not really a docx")
    (media / "imports-pending").mkdir()
    (media / "imports-pending" / "x.upload").write_bytes(b"transient")
    return env


def test_backup_then_restore_into_an_empty_database_gives_back_every_row_and_file(tmp_path, source):
    archive = tmp_path / "backup.tar.gz"
    result = manage(["backup", "--output", str(archive)], source)
    assert result.returncode == 0, result.stderr
    assert "2 uploaded files" in result.stdout
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "database.sqlite3", "media/audits/report.docx"} <= names
    assert "media/imports-pending/x.upload" not in names

    target = _env(tmp_path, "target")
    result = manage(["restore", str(archive)], target)
    assert result.returncode == 0, result.stderr

    before, after = _rows(tmp_path / "source.sqlite3"), _rows(tmp_path / "target.sqlite3")
    assert set(before) == set(after)
    assert len(before["roadmap_milestone"]) == 3
    assert any(row for row in before["communes_commune"] if "Xã Phú Phụng" in row)
    for table, rows in before.items():
        assert after[table] == rows, table
    source_files = _files(tmp_path / "source-media")
    del source_files["imports-pending/x.upload"]
    assert _files(tmp_path / "target-media") == source_files

    # The restored database serves: the migrations are all there, the data reads back.
    check = manage(["migrate", "--check"], target)
    assert check.returncode == 0, check.stdout + check.stderr


def test_restore_refuses_a_database_that_holds_data(tmp_path, source):
    archive = tmp_path / "backup.tar.gz"
    assert manage(["backup", "--output", str(archive)], source).returncode == 0
    refused = manage(["restore", str(archive)], source)
    assert refused.returncode != 0
    assert "The database is not empty" in refused.stderr
    assert manage(["restore", "--force", str(archive)], source).returncode == 0


def _altered(archive, target, change):
    """A copy of ``archive`` whose members pass through ``change(name, data) -> data``."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            data = change(member.name, data)
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


@pytest.mark.parametrize(
    "how",
    ["truncated", "not an archive", "database altered", "evidence altered"],
)
def test_a_damaged_or_altered_archive_is_refused_with_a_message_and_restores_nothing(
    tmp_path, source, how
):
    archive = tmp_path / "backup.tar.gz"
    assert manage(["backup", "--output", str(archive)], source).returncode == 0
    bad = tmp_path / "bad.tar.gz"
    if how == "truncated":
        bad.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    elif how == "not an archive":
        bad.write_bytes(b"PK\x03\x04 this is a spreadsheet")
    else:
        member = "database.sqlite3" if how == "database altered" else "biên-bản.pdf"

        def change(name, data):
            return data[:-1] + bytes([data[-1] ^ 1]) if name.endswith(member) else data

        _altered(archive, bad, change)
    target = _env(tmp_path, "target")
    assert manage(["migrate", "--noinput"], target).returncode == 0
    before = _rows(tmp_path / "target.sqlite3")
    refused = manage(["restore", "--force", str(bad)], target)
    assert refused.returncode != 0
    assert "Traceback" not in refused.stderr
    assert "damaged or was altered" in refused.stderr
    assert _rows(tmp_path / "target.sqlite3") == before
    assert not (tmp_path / "target-media").exists()
