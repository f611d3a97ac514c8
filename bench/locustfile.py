"""Load test: 30 users for 90 seconds against `make serve` on this machine (loopback only).

The mix of the issue: 60% read dashboards and lists as DOST and district staff, 30% commune
officers read their commune, 10% commune officers update a milestone of their commune. Needs
the demo data (`load_demo`, `QMS_AS_OF=2017-12-15`) and its password in ``DEMO_PASSWORD``.

    DEMO_PASSWORD=... .venv/bin/locust -f bench/locustfile.py --headless \\
        -u 30 -r 10 -t 90s -H http://127.0.0.1:8000 --csv bench/out/load

Bounded whatever the command line says: at most 30 users, stopped after 90 seconds, and only
against 127.0.0.1, localhost or ::1. Locust prints the median, p95 and failures per page.
"""

import logging
import os
import random
import re
from urllib.parse import urlparse

import gevent
import requests
from locust import HttpUser, between, events, task

MAX_USERS = 30
MAX_SECONDS = 90
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
PASSWORD = os.environ.get("DEMO_PASSWORD", "")
DISTRICTS = ["832", "834", "838"]
COMMUNES: list[str] = []
RUNNER: list = []


@events.test_start.add_listener
def _bounded(environment, **kwargs):
    """Refuse another host or a missing password; stop after MAX_SECONDS in any case."""
    runner = environment.runner
    host = urlparse(environment.host or "").hostname
    problem = None
    if host not in LOOPBACK:
        problem = f"Load tests run against this machine only, not {environment.host!r}."
    elif not PASSWORD:
        problem = "Set DEMO_PASSWORD to the demo accounts' password."
    else:
        COMMUNES[:] = _participating_communes(environment.host)
        if not COMMUNES:
            problem = "No commune found: load the demo first (make run or load_demo)."
    if problem:
        logging.error(problem)
        environment.process_exit_code = 2
        gevent.spawn(runner.quit)
        return
    RUNNER[:] = [runner]
    # Signing in is slow on purpose (a password hash: ~0.2 s of CPU with Argon2); users arrive first,
    # then MAX_SECONDS of the mix (load_test.py resets the figures once all have arrived).
    gevent.spawn_later(MAX_SECONDS + MAX_USERS * 2, runner.quit)


@events.spawning_complete.add_listener
def _at_most_30_users(user_count, **kwargs):
    assert user_count <= MAX_USERS, f"at most {MAX_USERS} users"
    if RUNNER:
        gevent.spawn_later(MAX_SECONDS, RUNNER[0].quit)


def _sign_in(client, base, username):
    client.get(f"{base}/login/")
    token = client.cookies.get("csrftoken")
    response = client.post(
        f"{base}/login/",
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/login/"},
        name="/login/ (POST)",
    )
    return response


def _participating_communes(base) -> list[str]:
    """The GSO codes of the communes in the list DOST staff see (their officers' accounts)."""
    with requests.Session() as session:
        session.get(f"{base}/login/")
        session.post(
            f"{base}/login/",
            {
                "username": "dost",
                "password": PASSWORD,
                "csrfmiddlewaretoken": session.cookies.get("csrftoken"),
            },
            headers={"Referer": f"{base}/login/"},
        )
        html = session.get(f"{base}/communes/").text
    return sorted(set(re.findall(r'href="/communes/(\d{5})/"', html)))


class Staff(HttpUser):
    """DOST staff and district officers reading the dashboard and the lists (60%)."""

    weight = 6
    wait_time = between(1, 3)

    def on_start(self):
        self.username = random.choice(["dost", "manager", *[f"district-{d}" for d in DISTRICTS]])
        _sign_in(self.client, "", self.username)

    @task(3)
    def dashboard(self):
        self.client.get("/dashboard/")

    @task(2)
    def communes(self):
        self.client.get("/communes/")

    @task(2)
    def milestones(self):
        self.client.get("/milestones/")

    @task(1)
    def district(self):
        code = self.username.split("-")[1] if "-" in self.username else random.choice(DISTRICTS)
        self.client.get(f"/districts/{code}/", name="/districts/[code]/")


class CommuneOfficer(HttpUser):
    """A commune's ISO secretary reading their commune (30%)."""

    weight = 3
    wait_time = between(1, 3)

    def on_start(self):
        self.code = random.choice(COMMUNES)
        _sign_in(self.client, "", f"commune-{self.code}")

    @task(3)
    def commune(self):
        self.client.get(f"/communes/{self.code}/", name="/communes/[code]/")

    @task(1)
    def milestones(self):
        self.client.get("/milestones/")


class MilestoneUpdater(HttpUser):
    """A commune's ISO secretary updating a milestone's note (10%)."""

    weight = 1
    wait_time = between(2, 5)

    def on_start(self):
        self.code = random.choice(COMMUNES)
        _sign_in(self.client, "", f"commune-{self.code}")
        html = self.client.get(f"/communes/{self.code}/", name="/communes/[code]/").text
        self.milestones = sorted(set(re.findall(r'href="/milestones/(\d+)/', html)))

    @task
    def update(self):
        if not self.milestones:
            return
        pk = random.choice(self.milestones)
        url = f"/milestones/{pk}/"
        page = self.client.get(url, name="/milestones/[pk]/").text
        fields = dict(re.findall(r'name="(version|status|completed_on)"[^>]*value="([^"]*)"', page))
        status = re.search(r'<option value="([a-z_]+)"[^>]*selected', page)
        data = {
            "csrfmiddlewaretoken": self.client.cookies.get("csrftoken"),
            "version": fields.get("version", ""),
            "status": status.group(1) if status else "in_progress",
            "completed_on": fields.get("completed_on", ""),
            "note": f"Cập nhật thử tải {random.randint(1, 10**6)}",
        }
        with self.client.post(
            url,
            data,
            headers={"Referer": self.host + url},
            name="/milestones/[pk]/ (POST)",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code not in (302, 409):
                response.failure(f"status {response.status_code}")
