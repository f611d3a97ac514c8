"""Schemathesis over every operation of the schema (generated cases, positive and negative, a few
per operation): no 500, every status code documented, every response matching its schema.
Slower than the other tests: marked ``fuzz`` (``pytest -m fuzz api/tests``)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from api.tests.conftest import bearer
from qms_rollout.wsgi import application

pytestmark = pytest.mark.fuzz
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def _run(operation, headers, mode) -> str | None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    def check(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        check()
    except Exception as exc:
        return f"{operation.label} ({mode.value}): {exc}"
    return None


@pytest.fixture
def _connections_kept():
    """The WSGI application closes the database connections at the end of each request
    (``close_old_connections``): inside the test's transaction on PostgreSQL that would close
    it under the test. Django's test client unhooks the same signal handlers while it calls."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("_connections_kept")
def test_the_api_answers_every_case_as_documented(api_world, dost_staff):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    headers = bearer(dost_staff)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures.append(_run(operation, headers, mode))
    assert [f for f in failures if f] == []
