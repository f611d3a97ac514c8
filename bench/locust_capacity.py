"""Open-loop load test: requests arrive at a set rate, stepped up, whatever the server's pace.

The mix of ``bench/locustfile.py`` (the issue's): 60% DOST and district staff reading the
dashboard, the commune and milestone lists and a district page; 30% commune officers reading
their commune and the milestone list; 10% commune officers updating a milestone (its page, then
the form posted). Arrivals are Poisson at the stage's rate across ``CAPACITY_USERS`` visitors,
each starting its next action an exponential time after the start of its last one (Locust's
constant-throughput idea, with enough visitors that a slow answer delays no arrival of the
others). Run by ``bench/capacity.py``, which reads the plan it writes: each stage's
rate and time, and every request (time, page, milliseconds, failure), in ``CAPACITY_RESULTS``.

Bounded whatever the command line says: only against 127.0.0.1, localhost or ::1, at most
:data:`MAX_USERS` visitors and :data:`MAX_SECONDS` seconds, then it stops by itself.
"""

import json
import os
import random
import re
import time
from urllib.parse import urlencode, urlparse

import gevent
from locust import LoadTestShape, User, events, task
from locust.contrib.fasthttp import FastHttpSession

MAX_USERS = 200
MAX_SECONDS = 900
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
PLAN = json.loads(open(os.environ["CAPACITY_PLAN"]).read())  # noqa: SIM115 (read once)
USERS = min(int(PLAN["users"]), MAX_USERS)
WARMUP = float(PLAN["warmup_seconds"])
STAGES = [(float(rate), float(seconds)) for rate, seconds in PLAN["stages"]]
RATE = [float(PLAN["warmup_rate"])]  # the arrival rate now (arrivals a second, all visitors)
RECORD = {"stages": [], "requests": [], "failures": {}, "conflicts": 0}


@events.test_start.add_listener
def _bounded(environment, **kwargs):
    host = urlparse(environment.host or "").hostname
    if host not in LOOPBACK:
        raise SystemExit(f"Load tests run against this machine only, not {environment.host!r}.")
    gevent.spawn_later(MAX_SECONDS, environment.runner.quit)


@events.request.add_listener
def _record(request_type, name, response_time, exception, **kwargs):
    RECORD["requests"].append(
        (time.time(), f"{request_type} {name}", response_time, bool(exception))
    )
    if exception:
        why = f"{request_type} {name}: {str(exception)[:120]}"
        RECORD["failures"][why] = RECORD["failures"].get(why, 0) + 1


@events.quitting.add_listener
def _write(environment, **kwargs):
    with open(os.environ["CAPACITY_RESULTS"], "w") as out:
        json.dump(RECORD, out)


def _stage_p95(start: float) -> tuple[float, float]:
    """p95 (ms) and failure share of the requests since ``start``."""
    rows = [r for r in RECORD["requests"] if r[0] >= start]
    if not rows:
        return 0.0, 0.0
    times = sorted(r[2] for r in rows)
    return times[int(0.95 * (len(times) - 1))], sum(r[3] for r in rows) / len(rows)


def _get(session: FastHttpSession, url: str, name: str) -> str:
    """The page's text; a failure unless it is the page itself (not the sign-in page)."""
    with session.get(
        url, name=name, headers=session.signed_in, catch_response=True, allow_redirects=False
    ) as response:
        if response.status_code != 200:
            response.failure(f"status {response.status_code}")
        return response.text


class Steps(LoadTestShape):
    """All visitors at once; a warm-up (sign-ins, first pages) then each stage's rate in turn.
    A stage whose p95 is over 3× the budget or with 5% failures ends the test: the next, faster
    stage would say nothing more."""

    stage = -1

    def tick(self):
        elapsed = self.get_run_time()
        if elapsed < WARMUP:
            return USERS, USERS
        end = WARMUP
        for i, (rate, seconds) in enumerate(STAGES):
            end += seconds
            if elapsed < end:
                if i != self.stage:
                    if not self._go_on():
                        return None
                    self.stage = i
                    RATE[0] = rate
                    RECORD["stages"].append({"rate": rate, "start": time.time()})
                return USERS, USERS
        self._close()
        return None

    def _go_on(self) -> bool:
        if not RECORD["stages"]:
            return True
        self._close()
        p95, failed = _stage_p95(RECORD["stages"][-1]["start"])
        return p95 <= 900 and failed < 0.05

    def _close(self):
        if RECORD["stages"] and "end" not in RECORD["stages"][-1]:
            RECORD["stages"][-1]["end"] = time.time()


class Visitor(User):
    """One visitor of the mix: a staff session, an officer session (their commune's)."""

    def wait_time(self):
        """Until this visitor's next arrival: an exponential time after its last one (not after
        its last answer: a slow answer delays no arrival but by the time it took), drawn again
        from now when the rate changes (an exponential wait has no memory)."""
        rate = RATE[0]
        self.next_at += random.expovariate(rate / USERS)
        while (now := time.time()) < self.next_at:
            gevent.sleep(min(0.25, self.next_at - now))
            if RATE[0] != rate:
                rate = RATE[0]
                self.next_at = time.time() + random.expovariate(rate / USERS)
        return 0

    def on_start(self):
        self.next_at = time.time()
        self.staff_name = random.choice(PLAN["staff"])
        self.commune = random.choice(PLAN["communes"])
        self.staff = self._session(self.staff_name)
        self.officer = self._session(f"commune-{self.commune['code']}")
        # The first arrival too at the pace (not every visitor at once at the start).
        self.wait_time()

    def _session(self, username: str) -> FastHttpSession:
        """A session of ``username``, signed in by the plan (a session cookie made for each
        account before the test: a sign-in is a password hash, not part of the mix), sent as a
        header with every request (its key does not change while it lasts). Locust's
        geventhttpclient session, the one Locust advises for high rates: the generator shares
        the server's two cores (about 2 ms of CPU a request, where the ``requests`` one took
        3–4)."""
        session = FastHttpSession(self.host, self.environment.events.request, user=self)
        cookies = PLAN["cookies"][username]
        session.signed_in = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        session.csrf_token = cookies.get("csrftoken")
        session.client.cookiejar = None  # the header above only
        return session

    @task(6)
    def staff_reads(self):
        page = random.choices(["dashboard", "communes", "milestones", "district"], [3, 2, 2, 1])[0]
        if page == "district":
            _get(self.staff, PLAN["district_paths"][self.staff_name], "/districts/[code]/")
        else:
            _get(self.staff, f"/{page}/", f"/{page}/")

    @task(3)
    def officer_reads(self):
        if random.random() < 0.75:
            _get(self.officer, self.commune["path"], "/communes/[code]/")
        else:
            _get(self.officer, "/milestones/", "/milestones/")

    @task(1)
    def officer_updates(self):
        url = f"/milestones/{random.choice(self.commune['milestones'])}/"
        page = _get(self.officer, url, "/milestones/[pk]/")
        fields = dict(re.findall(r'name="(version|status|completed_on)"[^>]*value="([^"]*)"', page))
        status = re.search(r'<option value="([a-z_]+)"[^>]*selected', page)
        data = {
            "csrfmiddlewaretoken": self.officer.csrf_token,
            "version": fields.get("version", ""),
            "status": status.group(1) if status else "in_progress",
            "completed_on": fields.get("completed_on", ""),
            "note": f"Cập nhật thử tải {random.randint(1, 10**6)}",
        }
        with self.officer.post(
            url,
            urlencode(data),
            headers={
                **self.officer.signed_in,
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": self.host + url,
            },
            name="/milestones/[pk]/ (POST)",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            # 409: another visitor saved the same milestone first, and the version check told
            # this one (the right answer, counted apart: not a failure of the server).
            if response.status_code == 409:
                response.success()
                RECORD["conflicts"] += 1
            elif response.status_code != 302:
                response.failure(f"status {response.status_code}")
