"""Operations check: backup then restore on PostgreSQL (the ``pg_dump`` path; not a test).

Counts the rows of every table of the database of ``DATABASE_URL`` and hashes every uploaded
file (an evidence file is added first, so there is at least one), runs ``manage.py backup``,
creates an empty database (``createdb``, as the postgres user), runs ``manage.py restore`` into
it with an empty media folder, and compares table by table and file by file. The restored
database is dropped at the end.

    DATABASE_URL=postgres://qms:qms@127.0.0.1:5432/qms_load \\
        .venv/bin/python bench/ops_backup_restore.py
"""

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms_rollout.settings")
os.environ.setdefault("QMS_AS_OF", "2017-12-15")

from bench.servers import environment, manage  # noqa: E402

RESTORED = "qms_restore_check"
COUNT_ROWS = """
import json
from django.db import connection
tables = sorted(connection.introspection.django_table_names(only_existing=True))
counts = {}
with connection.cursor() as cursor:
    for t in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(t)}")
        counts[t] = cursor.fetchone()[0]
print(json.dumps(counts))
"""


def row_counts(env: dict) -> dict:
    import json

    return json.loads(manage(env, "shell", "-c", COUNT_ROWS).stdout.strip().splitlines()[-1])


def file_hashes(root: Path) -> dict:
    """The uploaded files (not the transient ones a backup leaves out) and their SHA-256."""
    from qms_rollout.backup import TRANSIENT_MEDIA

    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] not in TRANSIENT_MEDIA
    }


ADD_EVIDENCE = """
from django.core.files.base import ContentFile
from roadmap.models import Evidence, Milestone
m = Milestone.objects.order_by("pk").first()
data = b"%PDF-1.4 ops check " + str(m.pk).encode()
e = Evidence(milestone=m, original_name="bien-ban-ops.pdf", content_type="application/pdf")
e.size = len(data)
e.file.save("bien-ban-ops.pdf", ContentFile(data))
"""


def postgres(*args: str) -> None:
    subprocess.run(["su", "postgres", "-c", " ".join(args)], check=True, capture_output=True)


def main() -> int:
    import django

    django.setup()
    source_url = os.environ["DATABASE_URL"]
    restored_url = source_url.rsplit("/", 1)[0] + f"/{RESTORED}"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        media, media_back = tmp / "media", tmp / "media-restored"
        env = environment(media_root=media, static_root=tmp / "static")
        manage(env, "shell", "-c", ADD_EVIDENCE)
        before_rows, before_files = row_counts(env), file_hashes(media)
        started = time.perf_counter()
        print(manage(env, "backup", "--output", str(tmp / "backup.tar.gz")).stdout.strip())
        backup_seconds = time.perf_counter() - started
        postgres("dropdb", "--if-exists", RESTORED)
        postgres("createdb", "-O", "qms", RESTORED)
        env_back = {**env, "DATABASE_URL": restored_url, "MEDIA_ROOT": str(media_back)}
        try:
            started = time.perf_counter()
            print(manage(env_back, "restore", str(tmp / "backup.tar.gz")).stdout.strip())
            restore_seconds = time.perf_counter() - started
            after_rows, after_files = row_counts(env_back), file_hashes(media_back)
        finally:
            postgres("dropdb", "--if-exists", RESTORED)
        size = (tmp / "backup.tar.gz").stat().st_size
    differ = {t: (n, after_rows.get(t)) for t, n in before_rows.items() if after_rows.get(t) != n}
    print(
        f"backup {backup_seconds:.1f}s ({size / 1024 / 1024:.1f}MB), restore into an empty "
        f"database {restore_seconds:.1f}s"
    )
    print(
        f"{len(before_rows)} tables, {sum(before_rows.values()):,} rows before, "
        f"{sum(after_rows.values()):,} after; tables that differ: {differ or 'none'}"
    )
    same_files = before_files == after_files
    print(
        f"{len(before_files)} uploaded files before, {len(after_files)} after, same bytes: "
        f"{'yes' if same_files else 'NO'}"
    )
    return 0 if not differ and same_files and before_files else 1


if __name__ == "__main__":
    sys.exit(main())
