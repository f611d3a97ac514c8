"""Build a database for the nation-scale benchmark or the load test (not a test).

Migrates the database of ``DATABASE_URL`` (a PostgreSQL database of its own: it is filled, never
emptied), makes the cache table, then adds the rollout of ``bench/fixtures.py`` up to
``--communes`` participating communes (~12 milestones each). With ``--demo`` it first loads the
demo (``load_demo``: its accounts, 124 communes) and gives every fixture commune an officer
account ``commune-<code>`` with the demo password, as the load test signs in.

    su postgres -c "createdb -O qms qms_scale"
    DATABASE_URL=postgres://qms:qms@127.0.0.1:5432/qms_scale \\
        .venv/bin/python bench/build_scale_data.py --communes 10000
    DATABASE_URL=postgres://qms:qms@127.0.0.1:5432/qms_load DEMO_PASSWORD=... \\
        .venv/bin/python bench/build_scale_data.py --communes 1000 --demo
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms_rollout.settings")

BATCH = 2000


def officers_for_fixture(password: str) -> int:
    """An officer account ``commune-<code>`` for each fixture commune without one."""
    from accounts.models import User
    from communes.models import Commune

    have = set(User.objects.filter(username__startswith="commune-").values_list("username", flat=1))
    model = User(username="x")
    model.set_password(password)
    users = [
        User(
            username=f"commune-{c.code}",
            role=User.Role.COMMUNE_OFFICER,
            commune=c,
            password=model.password,
        )
        for c in Commune.objects.filter(province__code="99")
        if f"commune-{c.code}" not in have
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    return len(users)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=10_000, help="participating communes")
    parser.add_argument("--demo", action="store_true", help="load the demo and officer accounts")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from bench.fixtures import add_communes
    from reports.generation import data_changed
    from roadmap.models import Milestone, Participation

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    started = time.perf_counter()
    if args.demo and not Participation.objects.exists():
        call_command("load_demo", verbosity=0)
    while (missing := args.communes - Participation.objects.count()) > 0:
        add_communes(min(missing, BATCH), long=True)
    if args.demo:
        officers_for_fixture(os.environ["DEMO_PASSWORD"])
    data_changed()
    print(
        f"{Participation.objects.count():,} participations, {Milestone.objects.count():,} "
        f"milestones ({time.perf_counter() - started:.0f}s)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
