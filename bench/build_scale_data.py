"""Build a database for the nation-scale benchmark or the load test (not a test).

Migrates the database of ``DATABASE_URL`` (a PostgreSQL database of its own: it is filled, never
emptied), makes the cache table, then adds the rollout of ``bench/fixtures.py`` up to
``--communes`` participating communes (~12 milestones each), 2,000 communes to a transaction
(10,000 communes, 120,000 milestones in a few minutes: a commit per row wrote 100-200 rows a
second). With ``--demo`` it first loads the demo (``load_demo``: its accounts, 124 communes; on
today's calendar even when ``QMS_AS_OF`` pins the day the pages read, as ``make run`` loads it)
and gives every fixture commune an officer account ``commune-<code>`` with the demo password, as
the load test signs in.

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


STAFF = ["bench-dost", "bench-manager"]


def bench_accounts(password: str) -> int:
    """The accounts of ``make bench``'s load test, all with ``password`` (one hash): DOST staff
    ``bench-dost``, a manager ``bench-manager``, an officer ``bench-district-<code>`` for each
    fixture district and ``commune-<code>`` for each fixture commune."""
    from accounts.models import User
    from communes.models import District

    model = User(username="x")
    model.set_password(password)
    have = set(User.objects.filter(username__startswith="bench-").values_list("username", flat=1))
    users = [
        User(username=name, role=role, password=model.password)
        for name, role in zip(STAFF, [User.Role.DOST_STAFF, User.Role.MANAGER], strict=True)
    ]
    users += [
        User(
            username=f"bench-district-{d.code}",
            role=User.Role.DISTRICT_OFFICER,
            district=d,
            password=model.password,
        )
        for d in District.objects.filter(province__code="99")
    ]
    User.objects.bulk_create([u for u in users if u.username not in have], batch_size=BATCH)
    return len(users) + officers_for_fixture(password)


def grow_to(communes: int, *, verbose: bool = True) -> None:
    """Participating communes added (the long roadmap) until there are ``communes``, each batch
    of :data:`BATCH` in one transaction."""
    from django.db import transaction

    from bench.fixtures import add_communes
    from roadmap.models import Participation

    while (missing := communes - Participation.objects.count()) > 0:
        with transaction.atomic():
            add_communes(min(missing, BATCH), long=True)
        if verbose:
            print(f"  {Participation.objects.count():,} participations", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=10_000, help="participating communes")
    parser.add_argument("--demo", action="store_true", help="load the demo and officer accounts")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import override_settings

    from core.generation import data_changed
    from roadmap.models import Milestone, Participation

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    started = time.perf_counter()
    if args.demo and not Participation.objects.exists():
        # The demo's story is written on today's calendar (its 2017 wave completed after the
        # pinned day): a pinned QMS_AS_OF would refuse its completion dates as future.
        with override_settings(QMS_AS_OF=None):
            call_command("load_demo", verbosity=0)
    grow_to(args.communes)
    if args.demo:
        with transaction.atomic():
            officers_for_fixture(os.environ["DEMO_PASSWORD"])
    data_changed()
    print(
        f"{Participation.objects.count():,} participations, {Milestone.objects.count():,} "
        f"milestones ({time.perf_counter() - started:.0f}s)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
