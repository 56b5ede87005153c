"""Every API route answers every role's token as its rule in web/access.py says, and no token at all with 401."""

from __future__ import annotations

from uuid import UUID

import pytest

from crm.permissions import may
from tests.web.api.conftest import ApiClient
from tests.web.conftest import USERNAMES
from web.access import ROUTES

SOME_ID = UUID("5d1c2a8e-2f6e-4a47-9e0e-3c6b1f0a7d11")
API_ENDPOINTS = sorted(endpoint for endpoint, rule in ROUTES.items() if rule.token)


def test_every_api_route_is_a_token_route_and_every_token_rule_an_api_route(app):
    api_rules = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")}
    public = {endpoint for endpoint in api_rules if not ROUTES[endpoint].signed_in}
    assert sorted(api_rules - public) == API_ENDPOINTS
    assert public <= {"api.openapi", "api.docs"}


def test_each_api_route_answers_each_role_as_the_table_says(app, tokens):
    wrong = []
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint in API_ENDPOINTS]
    for rule in rules:
        url = rule.build(dict.fromkeys(rule.arguments, SOME_ID))[1]
        method = next(m for m in ("GET", "POST", "PATCH", "DELETE") if m in rule.methods)
        permission = ROUTES[rule.endpoint].permission
        for role in (None, *USERNAMES):
            response = ApiClient(app.test_client(), tokens.get(role)).request(method, url, data="{}")
            if role is None:
                expected = 401
            elif permission is not None and not may(role, permission):
                expected = 403
            else:
                expected = None  # served: anything but a refusal of the caller
            served = response.status_code not in (401, 403)
            if (expected is None and not served) or (expected is not None and response.status_code != expected):
                wrong.append(f"{role}: {method} {url} -> {response.status_code}, expected {expected or 'served'}")
    assert not wrong, wrong


@pytest.mark.parametrize("endpoint", API_ENDPOINTS)
def test_the_rule_of_each_api_route_is_a_permission_of_the_write_side(endpoint):
    permission = ROUTES[endpoint].permission
    assert permission is None or may("admin", permission) or any(may(role, permission) for role in USERNAMES)
