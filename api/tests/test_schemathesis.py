"""Schemathesis over every operation of the schema (generated cases, positive and negative, a few
per operation): no 500, every status code documented, every response matching its schema.
Slower than the other tests: marked ``fuzz`` (``pytest -m fuzz api/tests``)."""

import pytest
import schemathesis
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
    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        check()
    except Exception as exc:
        return f"{operation.label} ({mode.value}): {exc}"
    return None


def test_the_api_answers_every_case_as_documented(api_world, dost_staff):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    headers = bearer(dost_staff)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures.append(_run(operation, headers, mode))
    assert [f for f in failures if f] == []
