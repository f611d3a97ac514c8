"""Operations check: two servers, one database, one cache, no sticky sessions (not a test).

Starts ``make serve``'s gunicorn twice (ports ``--port`` and ``--port-b``) on the PostgreSQL
database of ``DATABASE_URL`` (built by ``bench/build_scale_data.py --demo``: the demo and 1,000
communes), the database cache and one media folder, then checks, printing each result:

1. an import uploaded and previewed on server A is confirmed on server B (the notes of a
   commune's milestones change in the database);
2. the province report requested on A (queued: more than 200 communes) is built by the worker
   (``manage.py db_worker --batch``) and downloaded from B as a PDF that pypdf reads.

    DATABASE_URL=postgres://qms:qms@127.0.0.1:5432/qms_load DEMO_PASSWORD=... \\
        .venv/bin/python bench/ops_two_servers.py [--port 8104]
"""

import argparse
import csv
import io
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms_rollout.settings")
os.environ.setdefault("QMS_AS_OF", "2017-12-15")

from bench.servers import csrf, environment, manage, prepare, server, sign_in  # noqa: E402

COMMUNE = "28873"  # a demo commune (Xã Phú Phụng)


def edited_export(session, base: str, marker: str) -> bytes:
    """The commune's milestones as exported by ``base``, each note replaced by ``marker``."""
    response = session.get(f"{base}/milestones/?export=csv&q={COMMUNE}", timeout=60)
    assert response.status_code == 200, response.status_code
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    for row in rows[1:]:
        row[5] = marker
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def import_across(a: str, b: str, password: str) -> bool:
    """Upload and preview on ``a``, confirm on ``b``, with one session cookie."""
    from roadmap.models import Milestone

    marker = f"ops-two-servers-{secrets.token_hex(4)}"
    session = sign_in(a, "dost", password)
    data = edited_export(session, a, marker)
    upload = session.post(
        f"{a}/imports/milestones/",
        {"csrfmiddlewaretoken": csrf(session)},
        files={"file": ("tien-do.csv", data, "text/csv")},
        headers={"Referer": f"{a}/imports/milestones/"},
        allow_redirects=False,
        timeout=60,
    )
    assert upload.status_code == 302, upload.status_code
    preview_path = upload.headers["Location"]
    preview = session.get(f"{a}{preview_path}", timeout=60)
    assert preview.status_code == 200 and marker in preview.text, preview.status_code
    confirm_path = preview_path.replace("/preview/", "/confirm/")
    done = session.post(
        f"{b}{confirm_path}",
        {"csrfmiddlewaretoken": csrf(session)},
        headers={"Referer": f"{b}{preview_path}"},
        timeout=60,
    )
    changed = Milestone.objects.filter(participation__commune__code=COMMUNE, note=marker).count()
    total = Milestone.objects.filter(participation__commune__code=COMMUNE).count()
    ok = done.status_code == 200 and changed == total > 0
    print(
        f"1. import previewed on {a}, confirmed on {b}: HTTP {done.status_code}, "
        f"{changed}/{total} milestones of {COMMUNE} carry the new note: {'ok' if ok else 'FAILED'}"
    )
    return ok


def report_across(a: str, b: str, password: str, env: dict) -> bool:
    """The province report requested on ``a``, built by the worker, downloaded from ``b``."""
    from pypdf import PdfReader

    from core.generation import data_changed

    data_changed()
    session = sign_in(a, "manager", password)
    queued = session.get(f"{a}/reports/province.pdf", allow_redirects=False, timeout=60)
    assert queued.status_code == 302, queued.status_code
    task_path = queued.headers["Location"]
    waiting = session.get(f"{b}{task_path}", timeout=60)
    started = time.perf_counter()
    manage(env, "db_worker", "--batch", "--no-startup-delay", "-v0")
    worker_seconds = time.perf_counter() - started
    download = session.get(f"{b}{task_path}", timeout=60)
    is_pdf = download.headers.get("Content-Type") == "application/pdf"
    pages = len(PdfReader(io.BytesIO(download.content)).pages) if is_pdf else 0
    ok = waiting.status_code == 200 and is_pdf and pages > 0
    print(
        f"2. province report requested on {a} (HTTP 302 to {task_path}), page on {b} while "
        f"queued HTTP {waiting.status_code}, worker ran {worker_seconds:.1f}s, downloaded from "
        f"{b}: {download.headers.get('Content-Type')}, {pages} pages: {'ok' if ok else 'FAILED'}"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8104)
    parser.add_argument("--port-b", type=int, default=18104)
    args = parser.parse_args()
    password = os.environ["DEMO_PASSWORD"]

    import django

    django.setup()
    with tempfile.TemporaryDirectory() as tmp:
        env = environment(media_root=Path(tmp) / "media", static_root=Path(tmp) / "static")
        prepare(env)
        logs = Path(tempfile.gettempdir()) / "qms-ops-logs"
        logs.mkdir(exist_ok=True)
        with (
            server(env, args.port, log=logs / "a.log") as a,
            server(env, args.port_b, log=logs / "b.log") as b,
        ):
            results = [import_across(a, b, password), report_across(a, b, password, env)]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
