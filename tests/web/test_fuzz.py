"""No input makes a server error: every route, every form and query parameter, as every role, with hostile values.

The routes come from the URL map and the fields from the pages themselves
(tests/fuzzing/discovery.py), so a new route or field is fuzzed without a change
here. The values (tests/fuzzing/values.py): huge and negative integers, dates of
year 1, 9999 and 0000-00-00, megabyte strings, NUL, lone surrogates, bytes that
are no UTF-8, bad ids, fields left out, sent twice or not expected, a wrong or
missing CSRF token. The run is seeded (hypothesis, derandomize), takes about a
minute, and asserts no answer of 5xx, no exception and nothing logged at ERROR.

The long run (20,000 requests and more) is benchmarks/fuzz.py; its results are in
docs/reliability.md.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import request

from crm.clock import SimulatedClock
from crm.permissions import PERMISSIONS, may
from tests.fuzzing.discovery import crawlers, discover
from tests.fuzzing.runner import Fuzzer
from tests.fuzzing.site import ANONYMOUS, USERNAMES, VISITORS, LogWatch, Site
from web.access import ROUTES

# Drawn requests per route; each is sent as a role the route admits and as one it refuses.
EXAMPLES_PER_ROUTE = 4


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(folder / "instance"))
    site = Site.open(f"sqlite:///{folder / 'fuzz.sqlite3'}", SimulatedClock(datetime(2026, 3, 2, 8, tzinfo=UTC)))
    yield site
    site.close()
    monkeypatch.undo()


@pytest.fixture(scope="module")
def targets(site):
    return discover(site)


def test_every_post_route_is_found_in_a_form_of_some_page(targets):
    """The fuzzer fills in what the pages send: a route it cannot find in a page gets only guesses."""
    # The JSON API has no pages: schemathesis draws its requests from the OpenAPI document (tests/web/api).
    not_found = sorted(
        key
        for key, target in targets.items()
        if key[1] == "POST" and not target.seen_on_a_page and not key[0].startswith("api.")
    )
    assert not_found == []
    assert targets[("companies.log_attempt", "POST")].fields.keys() >= {"channel", "outcome", "note", "contact_id"}
    assert targets[("audit.index", "GET")].query.keys() >= {"from", "to", "actor", "type", "before"}


def test_the_fuzzer_reports_a_server_error_and_a_logged_traceback(site, targets):
    """Were a view to break on a hostile value, the run would say so, with the request."""
    app, target = site.app, targets[("health.live", "GET")]
    original = app.view_functions["health.live"]

    def breaks_on_a_bad_number():
        return {"n": int(request.args.get("n", "1"))}

    target.query["n"] = {"1"}
    app.view_functions["health.live"] = breaks_on_a_bad_number
    try:
        with LogWatch() as watch:
            fuzzer = Fuzzer(site, targets, watch)
            fuzzer.fuzz(target, 12)
    finally:
        app.view_functions["health.live"] = original
        del target.query["n"]
    assert any("answered 500" in failure and "GET /health" in failure for failure in fuzzer.failures)
    assert any("logged:" in failure and "ValueError: invalid literal" in failure for failure in fuzzer.failures)


def test_no_request_to_any_route_as_any_role_makes_a_server_error(site, targets):
    with LogWatch() as watch:
        fuzzer = Fuzzer(site, targets, watch)
        for key in sorted(targets):
            fuzzer.fuzz(targets[key], EXAMPLES_PER_ROUTE)
    assert fuzzer.failures == []
    assert {target.endpoint for target in targets.values()} == set(ROUTES)
    assert set(fuzzer.by_role) == set(VISITORS)
    assert fuzzer.sent >= 2 * EXAMPLES_PER_ROUTE * len(targets) * 0.9


def test_the_crawling_roles_hold_every_permission_some_role_has_and_no_more_are_needed():
    """A permission no role holds (the access log's purge: the system actor's alone) must not stop the choice."""
    chosen = crawlers()
    held = {p for p in PERMISSIONS if any(may(role, p) for role in USERNAMES)}
    assert held < set(PERMISSIONS)  # there is such a permission, so the case is exercised
    assert {p for p in held if any(may(role, p) for role in chosen if role != ANONYMOUS)} == held
