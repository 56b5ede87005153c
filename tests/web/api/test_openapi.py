"""The OpenAPI document: valid OpenAPI 3.1, every operation in it, and schemathesis finding no 5xx and no answer
outside its schema (a bounded number of examples per operation, each run on a fresh database)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from crm.permissions import SYSTEM_ACTOR_ID
from tests.support import hansen_transport, make_team
from web import create_app
from web.access import ROUTES

EXAMPLES = int(os.environ.get("CRM_SCHEMATHESIS_EXAMPLES", "8"))


@pytest.fixture(scope="module")
def served(tmp_path_factory, clock_module):
    folder = tmp_path_factory.mktemp("openapi")
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(folder / "instance"))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": f"sqlite:///{folder / 'openapi.sqlite3'}",
            "CLOCK": clock_module,
            "API_REQUESTS_PER_MINUTE": 100_000,
        }
    )
    crm = app.extensions["crm"].crm
    team = make_team(crm)
    company_id = hansen_transport(crm, team.recruiter)
    crm.register_contact(team.recruiter, company_id, "Lars Hansen", "top_management")
    # The project lead may do everything but administer users: the widest role for the fuzzing.
    token = crm.create_api_token(SYSTEM_ACTOR_ID, team.project_lead, "schemathesis").token
    yield app, token
    app.extensions["crm"].crm.factory.datastore.engine.dispose()
    monkeypatch.undo()


@pytest.fixture(scope="module")
def clock_module():
    from datetime import UTC, datetime

    from crm.clock import SimulatedClock

    return SimulatedClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))


@pytest.fixture(scope="module")
def api_schema(served):
    app, _token = served
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_the_document_is_valid_openapi_3_1_and_lists_every_api_route(served):
    app, _token = served
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    listed = {op["operationId"] for methods in document["paths"].values() for op in methods.values()}
    routed = {endpoint.removeprefix("api.") for endpoint, rule in ROUTES.items() if rule.token}
    assert listed == routed
    assert document["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    assert "Error" in document["components"]["schemas"]


def test_the_browsable_page_is_our_own_and_reads_the_document(served):
    app, _token = served
    page = app.test_client().get("/api/v1/docs")
    assert page.status_code == 200 and b'src="/static/api/docs.js"' in page.data
    script = app.test_client().get("/static/api/docs.js").get_data(as_text=True)
    assert 'fetch("/api/v1/openapi.json")' in script


@pytest.mark.parametrize("operation_id", sorted(e.removeprefix("api.") for e, rule in ROUTES.items() if rule.token))
def test_no_operation_answers_5xx_or_outside_its_schema(api_schema, served, operation_id):
    # schemathesis' own pytest plugin does not run on pytest 9 yet: its strategy, driven by hypothesis here.
    _app, token = served
    operation = api_schema.find_operation_by_id(operation_id)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def each(case):
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=checks)

    each()
