"""The OpenAPI schema validates; the docs page renders with its assets from /static/ (no CDN,
no inline script); Schemathesis finds no server error nor a response outside the schema."""

import re

import pytest
from django.contrib.staticfiles import finders
from openapi_spec_validator import validate


@pytest.fixture
def schema(db, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)
    paths = schema["paths"]
    for path in (
        "/api/v1/milestones/",
        "/api/v1/milestones/{id}/",
        "/api/v1/units/{code}/{since}/",
        "/api/v1/figures/",
        "/api/v1/figures/{year}/",
        "/api/v1/audits/{id}/findings/",
    ):
        assert path in paths, path
    assert "patch" in paths["/api/v1/milestones/{id}/"]
    assert "put" not in paths["/api/v1/milestones/{id}/"]


def test_the_docs_page_loads_its_assets_from_static_without_inline_script(db, client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html and "<style" not in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    for url in sources:
        assert not url.startswith(("http:", "https:", "//")), url
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
    assert any("swagger-ui-bundle.js" in url for url in sources)
    script = next(u for u in sources if "script" in u.split("?")[-1])
    answer = client.get(script)
    assert answer.status_code == 200
    assert "SwaggerUIBundle" in answer.content.decode()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
