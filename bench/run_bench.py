"""``make bench``: the pages people wait for, at 1,000 and 10,000 communes, against the Django
admin changelist in the same run, and the open-loop capacity (not a test: it prints figures).

Database: the PostgreSQL database of ``DATABASE_URL`` when it points to one (it must be empty
or a previous run's: its tables are dropped and made again), else a SQLite file of its own
(``var/bench/bench.sqlite3``). The run migrates it, then for each size of ``BENCH_SIZES``
(default ``1000 10000``) grows the rollout of ``bench/fixtures.py`` to that many participating
communes (12 milestones each, 2,000 communes a transaction) and prints, signed in as DOST staff
with the test client in this process (median of ``BENCH_RUNS`` warm requests):

- the admin changelist of participations (the yardstick: a page Django makes from one table);
- the dashboard warm, right after a milestone update (the first reader after a change), and
  after a change to anything else its rows read (a unit, a participation, an audit: every
  figure computed again);
- the district page (a district of 1/10 of the communes) and a commune page;
- the export of every milestone as .csv and as .xlsx (to the last byte);

then, at the first size, the open-loop capacity (``bench/capacity.py``: gunicorn as ``make
serve`` runs it, Locust stepping the arrival rate) and where a request's CPU goes (each page of
the mix timed here: the CPU of this process and the time in SQL). ``BENCH_CAPACITY=0`` leaves
the capacity out; ``CAPACITY_RATES`` (default ``5,10,15,20,30,40,50``) and
``CAPACITY_SECONDS`` (default 20) set its stages, ``WEB_CONCURRENCY`` its workers (as for
``make serve``: `.env`'s, else 3).

    make bench                          # SQLite, 1,000 and 10,000 communes
    DATABASE_URL=postgres://qms:qms@127.0.0.1:5432/qms_bench BENCH_SIZES=1000 make bench
"""

import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HERE = Path(__file__).resolve().parent
SQLITE = ROOT / "var" / "bench" / "bench.sqlite3"
if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    SQLITE.parent.mkdir(parents=True, exist_ok=True)
    for leftover in SQLITE.parent.glob("bench.sqlite3*"):
        leftover.unlink()
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms_rollout.settings")
os.environ.setdefault("QMS_AS_OF", "2017-12-15")
os.environ["CACHE_URL"] = ""  # the database cache, as `make serve` runs by default
# The whole of the bench's rollout (province 99), whatever territory `.env` names.
os.environ.update({"QMS_PROVINCE": "", "QMS_PROVINCE_PREDECESSORS": ""})

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "1000 10000").replace(",", " ").split()]
RUNS = int(os.environ.get("BENCH_RUNS", 5))
PASSWORD = secrets.token_urlsafe(12)


def fresh_database() -> None:
    """Migrated and empty: a PostgreSQL database holding anything but a previous run's rollout
    (its province 99) is refused, never emptied."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql" and (tables := connection.introspection.table_names()):
        with connection.cursor() as cursor:
            others = "communes_province" not in tables
            if not others:
                cursor.execute("SELECT count(*) FROM communes_province WHERE code <> '99'")
                others = cursor.fetchone()[0] > 0
            if others:
                name = connection.settings_dict["NAME"]
                sys.exit(f"{name} holds other data: give the bench a database of its own.")
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


class Timer:
    """Requests of the test client, timed, with their queries and time in SQL."""

    def __init__(self):
        from django.db import connection

        self.queries = 0
        self.sql = 0.0
        connection.execute_wrappers.append(self._wrap)

    def _wrap(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries += 1
            self.sql += time.perf_counter() - started

    def get(self, client, url: str) -> dict:
        """One request, read to the end: wall, this process's CPU, SQL ms, queries, bytes."""
        self.queries, self.sql = 0, 0.0
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        if getattr(response, "streaming", False):
            size = sum(len(chunk) for chunk in response.streaming_content)
        else:
            size = len(response.content)
        assert response.status_code == 200, (url, response.status_code)
        return {
            "ms": (time.perf_counter() - wall) * 1000,
            "cpu": (time.process_time() - cpu) * 1000,
            "sql": self.sql * 1000,
            "queries": self.queries,
            "kb": size / 1024,
        }

    def median(self, client, url: str, runs: int = RUNS) -> dict:
        self.get(client, url)  # warm-up
        rows = [self.get(client, url) for _i in range(runs)]
        return {key: statistics.median(r[key] for r in rows) for key in rows[0]}


def _update_one(by, i: int) -> None:
    """A milestone of the bench's rollout saved as the form saves it (its note changed)."""
    from roadmap.models import Milestone
    from roadmap.services import milestone_update_status

    m = Milestone.objects.filter(participation__commune__province__code="99").order_by("?")[0]
    milestone_update_status(
        milestone=m,
        by=by,
        status=m.status,
        completed_on=m.completed_on,
        note=f"Cập nhật thử {i} {secrets.token_hex(3)}",
        expected_version=m.version,
    )


def after_update(timer, client, by, runs: int = 3) -> dict:
    """The dashboard's first request after a milestone's update (a real one, as the form
    saves it), ``runs`` times: the median."""

    rows = []
    timer.median(client, "/dashboard/", runs=1)
    # One update first, untimed: the process then keeps the scope's figures current
    # (reports/metrics/live.py), as a server does from its first dashboards on; the state's
    # building is timed apart (from_scratch).
    for i in range(runs + 1):
        _update_one(by, i)
        rows.append(timer.get(client, "/dashboard/"))
    rows = rows[1:]
    return {key: statistics.median(r[key] for r in rows) for key in rows[0]}


def from_scratch(timer, client, by) -> tuple[dict, dict]:
    """The dashboard's first request after a change to what its rows read besides the
    milestones (a unit, a participation, an audit): every figure computed again; and the next
    after a milestone update, when a large scope's kept state is built again (the medians
    of 3)."""
    from core.generation import OTHER, data_changed

    computed, built = [], []
    for _i in range(3):
        data_changed(OTHER)
        computed.append(timer.get(client, "/dashboard/"))
        _update_one(by, _i)
        built.append(timer.get(client, "/dashboard/"))
    return tuple(
        {key: statistics.median(r[key] for r in rows) for key in rows[0]}
        for rows in (computed, built)
    )


def measure(size: int, timer, client, admin) -> dict:
    from django.conf import settings

    from communes.models import Commune, District

    # The file written by this request, as the worker writes it (above 3,000 rows a request is
    # queued: the worker calls the same view, and it is the file's making that is timed here).
    settings.QMS_EXPORT_DIRECT_MAX_ROWS = 10**9

    commune = Commune.objects.filter(province__code="99").order_by("code").first()
    district = District.objects.get(code="900")
    figures = {
        "admin changelist": timer.median(client, "/admin/roadmap/participation/"),
        "dashboard, warm": timer.median(client, "/dashboard/"),
        "dashboard, after an update": after_update(timer, client, admin),
        f"district page ({size // 10:,} communes)": timer.median(
            client, district.get_absolute_url()
        ),
        "commune page": timer.median(client, commune.get_absolute_url()),
        "milestones .csv (all)": timer.median(client, "/milestones/?export=csv", runs=1),
        "milestones .xlsx (all)": timer.median(client, "/milestones/?export=xlsx", runs=1),
    }
    computed, built = from_scratch(timer, client, admin)
    figures["dashboard, after another change"] = computed
    figures["  and its next update"] = built
    yardstick = figures["admin changelist"]["ms"]
    print(f"\n{'at ' + format(size, ',') + ' communes':34} {'wall':>8} {'×admin':>7} {'CPU':>8}")
    print(f"{'':34} {'':8} {'':7} {'':8} {'SQL':>8} {'queries':>7} {'size':>8}")
    for label, f in figures.items():
        print(
            f"{label:34} {f['ms']:6.0f}ms {f['ms'] / yardstick:6.1f}× {f['cpu']:6.0f}ms "
            f"{f['sql']:6.0f}ms {f['queries']:7.0f} {f['kb']:6.0f}kB"
        )
    csv, xlsx = figures["milestones .csv (all)"], figures["milestones .xlsx (all)"]
    print(f"{'  .xlsx / .csv':34} {xlsx['ms'] / csv['ms']:6.1f}×")
    return figures


MIX = [  # page, who, share of the requests (the mix of bench/locust_capacity.py)
    ("/dashboard/", "staff", 0.225),
    ("/communes/", "staff", 0.15),
    ("/milestones/", "staff", 0.15),
    ("district", "staff", 0.075),
    ("commune", "officer", 0.225),
    ("/milestones/", "officer", 0.075),
    ("milestone", "officer", 0.05),
    ("dashboard after an update", "staff", 0.05),
]


def where_it_goes(timer, clients: dict, paths: dict, admin) -> None:
    """Each page of the mix, warm, in this process: wall, CPU, SQL; the update's cost is shown
    as what it makes the next dashboard pay."""
    print("\nWhere a request's time goes (in-process, warm, median; the mix's shares):")
    print(f"{'page':34} {'share':>6} {'wall':>8} {'CPU':>8} {'SQL':>8} {'queries':>7}")
    mean_cpu = 0.0
    for page, who, share in MIX:
        if page == "dashboard after an update":
            f = after_update(timer, clients[who], admin)
        else:
            f = timer.median(clients[who], paths.get(page, page))
        mean_cpu += share * f["cpu"]
        print(
            f"{page + ' (' + who + ')':34} {share * 100:5.1f}% {f['ms']:6.0f}ms {f['cpu']:6.0f}ms "
            f"{f['sql']:6.0f}ms {f['queries']:7.0f}"
        )
    print(f"{'weighted mean CPU of this process':34} {'':6} {'':8} {mean_cpu:6.0f}ms")
    profile(clients["staff"], "/dashboard/")
    profile(clients["officer"], paths["commune"])


def profile(client, url: str, top: int = 8) -> None:
    """The functions of the project and of Django's templates where a warm request of ``url``
    spends its time (cProfile, cumulative, of one request)."""
    import cProfile
    import pstats

    client.get(url)
    profiler = cProfile.Profile()
    profiler.runcall(client.get, url)
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    mine = [
        (cumulative, f"{Path(file).name}:{line} {name}")
        for (file, line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items()
        if file.startswith(str(ROOT)) and not file.startswith((str(ROOT / ".venv"), str(HERE)))
    ]
    print(f"profile of {url} ({total * 1000:.0f}ms under cProfile), the project's functions:")
    for cumulative, where in sorted(mine, reverse=True)[1 : top + 1]:
        print(f"  {cumulative * 1000:6.0f}ms {cumulative / total * 100:4.0f}%  {where}")
    times = stats.stats.items()
    render = [v[3] for (file, _l, name), v in times if name == "render" and "template/base" in file]
    sql = [v[3] for (file, _l, name), v in times if name == "execute" and "backends/utils" in file]
    render, sql = max(render, default=0), max(sql, default=0)
    print(f"  in all: template rendering {render * 1000:.0f}ms, SQL {sql * 1000:.0f}ms")


def session_cookies(usernames: list[str]) -> dict[str, dict]:
    """A signed-in session for each account, as its cookies (what a sign-in leaves behind,
    without its password hash: the load test measures the mix, not sign-ins), and the CSRF
    cookie its first form would set (a secret of 32 letters and digits, which the forms then
    send back as they are)."""
    from django.conf import settings
    from django.test import Client
    from django.utils.crypto import get_random_string

    from accounts.models import User

    cookies = {}
    for user in User.objects.filter(username__in=usernames):
        client = Client()
        client.force_login(user)
        cookies[user.username] = {
            settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
            settings.CSRF_COOKIE_NAME: get_random_string(32),
        }
    return cookies


def capacity_plan(size: int) -> tuple[dict, dict]:
    """The accounts, communes and milestones of the load test; the paths of the mix."""
    from bench.build_scale_data import STAFF
    from communes.models import Commune, District
    from roadmap.models import Milestone

    districts = {
        d.code: d.get_absolute_url()
        for d in District.objects.filter(code__in=["900", "901", "902"])
    }
    staff = [*STAFF, *[f"bench-district-{code}" for code in sorted(districts)]]
    communes = []
    for commune in Commune.objects.filter(province__code="99").order_by("?")[:30]:
        pks = Milestone.objects.filter(participation__commune=commune).values_list("pk", flat=1)
        communes.append(
            {"code": commune.code, "path": commune.get_absolute_url(), "milestones": list(pks)}
        )
    district_paths = dict.fromkeys(STAFF, districts["900"])
    district_paths.update({f"bench-district-{code}": path for code, path in districts.items()})
    plan = {
        "cookies": session_cookies([*staff, *[f"commune-{c['code']}" for c in communes]]),
        "staff": staff,
        "communes": communes,
        "district_paths": district_paths,
    }
    paths = {
        "district": districts["900"],
        "commune": communes[0]["path"],
        "milestone": f"/milestones/{communes[0]['milestones'][0]}/",
    }
    return plan, paths


def main() -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from bench import capacity
    from bench.build_scale_data import bench_accounts, grow_to
    from core.generation import data_changed
    from roadmap.models import Milestone

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    db = settings.DATABASES["default"]
    print(
        f"Database: {connection.vendor} {db['NAME']}; sizes {SIZES}; as of {settings.QMS_AS_OF}; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()}"
    )
    fresh_database()
    results, summary = {}, None
    for n, size in enumerate(SIZES):
        started = time.perf_counter()
        grow_to(size, verbose=False)
        if n == 0:
            bench_accounts(PASSWORD)
        data_changed()
        print(
            f"\nBuilt {size:,} communes, {Milestone.objects.count():,} milestones in "
            f"{time.perf_counter() - started:.0f}s; load average {os.getloadavg()[0]:.1f}"
        )
        admin, _new = User.objects.get_or_create(
            username="bench-admin",
            defaults={"role": User.Role.DOST_STAFF, "is_staff": True, "is_superuser": True},
        )
        timer, staff = Timer(), Client()
        staff.force_login(admin)
        results[size] = measure(size, timer, staff, admin)
        if n == 0 and os.environ.get("BENCH_CAPACITY", "1") != "0":
            plan, paths = capacity_plan(size)
            officer = Client()
            officer.force_login(User.objects.get(username=f"commune-{plan['communes'][0]['code']}"))
            where_it_goes(timer, {"staff": staff, "officer": officer}, paths, admin)
            connection.close()  # the server's workers have the database to themselves
            rates = [
                float(r) for r in os.environ.get("CAPACITY_RATES", "5,10,15,20,30,40,50").split(",")
            ]
            summary = capacity.run(
                plan,
                port=int(os.environ.get("BENCH_PORT", 8204)),
                workers=int(os.environ.get("WEB_CONCURRENCY", 3)),
                rates=rates,
                stage_seconds=float(os.environ.get("CAPACITY_SECONDS", 20)),
            )
    print_summary(results, summary)
    return 0


def print_summary(results: dict, summary: dict | None) -> None:
    sizes = list(results)
    print(f"\nSummary (wall ms, and × the admin changelist) — load average {os.getloadavg()}")
    print(f"{'':34}" + "".join(f"{format(s, ',') + ' communes':>22}" for s in sizes))
    for label in results[sizes[0]]:
        key = label.split(" (")[0] if label.startswith("district") else label
        cells = []
        for s in sizes:
            match = next(f for lbl, f in results[s].items() if lbl.startswith(key))
            ratio = match["ms"] / results[s]["admin changelist"]["ms"]
            cells.append(f"{match['ms']:9.0f}ms {ratio:6.1f}×")
        print(f"{key:34}" + "".join(f"{c:>22}" for c in cells))
    ratios = []
    for s in sizes:
        f = results[s]
        ratios.append(
            f"{f['milestones .xlsx (all)']['ms'] / f['milestones .csv (all)']['ms']:.1f}×"
        )
    print(f"{'.xlsx / .csv':34}" + "".join(f"{r:>22}" for r in ratios))
    if summary is not None:
        best = summary["best"]
        if best:
            cpu = best["cpu_ms"]
            print(
                f"open-loop capacity at {sizes[0]:,} communes: {best['got']:.1f} requests/s with "
                f"p95 {best['p95']:.0f}ms ≤ 300 ms and no failure; CPU per request: gunicorn "
                f"{cpu.get('gunicorn', 0):.0f}ms, PostgreSQL {cpu.get('postgres', 0):.0f}ms, "
                f"load generator {cpu.get('locust', 0):.0f}ms"
            )
        else:
            print("open-loop capacity: no stage had p95 ≤ 300 ms without failure")


if __name__ == "__main__":
    sys.exit(main())
