"""The dashboard cold, warm and right after a milestone's update, and every page's query count.

Run against a database with the demo (or ``bench/build_scale_data.py`` data, then
``manage.py rebuild_totals``)::

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python bench/bench_warm_figures.py

It prints, for the DOST staff's dashboard of today: the first request with an empty cache
(cold), the next ones (warm), and the first after a milestone's update, as the median of
``--rounds`` tries; then the queries of each page for each role, cold and warm. It writes one
milestone change per round (a step set in progress, or back to not started).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

# The code of the current directory (run it from another checkout to compare).
sys.path.insert(0, str(Path.cwd()))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms_rollout.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from core import clock  # noqa: E402
from roadmap.models import Milestone  # noqa: E402
from roadmap.services import milestone_update_status  # noqa: E402


def _cold() -> None:
    cache.clear()
    sys.modules["reports.metrics.compute"].forget_recent()


def _timed(client: Client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return 1000 * (time.perf_counter() - start)


def _update(user) -> None:
    milestone = Milestone.objects.open().select_related("participation__programme").first()
    if milestone is None:
        milestone = Milestone.objects.select_related("participation__programme").first()
    status = (
        Milestone.Status.IN_PROGRESS
        if milestone.status != Milestone.Status.IN_PROGRESS
        else Milestone.Status.NOT_STARTED
    )
    milestone_update_status(
        milestone=milestone,
        by=user,
        status=status,
        completed_on=None,
        note="",
        expected_version=milestone.version,
    )


def _dost() -> User:
    """The first DOST staff account, or one made for the benchmark (a database of
    ``bench/build_scale_data.py`` without ``--demo`` has none)."""
    dost = User.objects.filter(role=User.Role.DOST_STAFF).order_by("pk").first()
    if dost is None:
        dost = User.objects.create(username="bench-dost", role=User.Role.DOST_STAFF)
    return dost


def times(rounds: int) -> None:
    dost = _dost()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(dost)
    client.get("/dashboard/")  # the code's first run (imports, templates) left out
    cold, warm, after, update = [], [], [], []
    for _i in range(rounds):
        _cold()
        cold.append(_timed(client, "/dashboard/"))
        warm.append(_timed(client, "/dashboard/"))
        start = time.perf_counter()
        _update(dost)
        update.append(1000 * (time.perf_counter() - start))
        after.append(_timed(client, "/dashboard/"))
    for label, values in (
        ("dashboard cold (empty cache)", cold),
        ("dashboard warm", warm),
        ("milestone update (the write)", update),
        ("dashboard right after an update", after),
    ):
        print(f"{label:36} {statistics.median(values):8.1f} ms  (median of {len(values)})")


def _pages(user) -> list[str]:
    from communes.models import Commune, District

    past = "?as_of=15/12/2017"
    pages = ["/dashboard/", "/dashboard/" + past, "/communes/", "/milestones/", "/findings/"]
    communes = Commune.objects.visible_to(user).current(clock.today())
    commune = communes.filter(participations__isnull=False).order_by("code").first()
    if commune is not None:
        pages.append(commune.get_absolute_url())
    district = District.objects.current(clock.today()).order_by("code").first()
    if district is not None:
        pages.append(district.get_absolute_url())
    return pages


def queries() -> None:
    names = [_dost().username, "manager", "consultant"]
    names += [u.username for u in User.objects.filter(role=User.Role.DISTRICT_OFFICER)[:1]]
    names += [u.username for u in User.objects.filter(role=User.Role.COMMUNE_OFFICER)[:1]]
    for name in names:
        user = User.objects.filter(username=name).first()
        if user is None:
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for url in _pages(user):
            counts = []
            for state in ("cold", "warm"):
                if state == "cold":
                    _cold()
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(url, follow=True)
                counts.append(len(captured))
            print(
                f"{name:14} {url:48} {response.status_code}  cold {counts[0]:3}  warm {counts[1]:3}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-queries", action="store_true")
    args = parser.parse_args()
    print(
        f"database: {settings.DATABASES['default']['ENGINE']}, today {clock.today()}, "
        f"{Milestone.objects.count()} milestones, load {os.getloadavg()[0]:.2f}"
    )
    times(args.rounds)
    if not args.no_queries:
        queries()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
