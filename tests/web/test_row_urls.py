"""Templates' url_for builds an address of ids and numbers from a shape made once: always Flask's address."""

from __future__ import annotations

import random
from uuid import UUID

from flask import render_template_string
from flask import url_for as flask_url_for


def _values(rule, rng: random.Random) -> dict[str, object] | None:
    values: dict[str, object] = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if kind == "UUIDConverter":
            values[name] = UUID(int=rng.getrandbits(128), version=4)
        elif kind == "IntegerConverter":
            values[name] = rng.randrange(1, 10**6)
        else:
            return None
    return values


def test_every_route_of_ids_and_numbers_reads_as_flask_builds_it(app):
    rng = random.Random(5)
    checked = 0
    with app.test_request_context("/"):
        fast = app.jinja_env.globals["url_for"]
        assert fast.__module__ == "web.row_urls"  # the templates' own, not Flask's
        for rule in app.url_map.iter_rules():
            values = _values(rule, rng)
            if values is None or rule.endpoint == "static":
                continue
            for _ in range(3):  # the shape made by the first, filled by the next ones
                values = _values(rule, rng)
                assert fast(rule.endpoint, **values) == flask_url_for(rule.endpoint, **values), rule
            extra = {**values, "page": rng.randrange(2, 99)}  # a value the rule leaves to the query string
            assert fast(rule.endpoint, **extra) == flask_url_for(rule.endpoint, **extra), rule
            checked += 1
    assert checked > 40


def test_strings_booleans_and_options_are_left_to_flask(app):
    company = UUID("12345678-1234-4234-8234-123456789abc")
    with app.test_request_context("/"):
        fast = app.jinja_env.globals["url_for"]
        for endpoint, values in (
            ("companies.index", {"q": "Bøgely & co"}),
            ("companies.show", {"company_id": company, "_anchor": "kontakter"}),
            ("companies.show", {"company_id": company, "_external": True}),
            ("companies.index", {"all": True}),
        ):
            assert fast(endpoint, **values) == flask_url_for(endpoint, **values)


def test_templates_use_it_under_an_application_root(app):
    company = UUID("12345678-1234-4234-8234-123456789abc")
    template = "{{ url_for('companies.show', company_id=company) }}"
    with app.test_request_context("/", base_url="http://localhost/crm"):
        assert render_template_string(template, company=company) == f"/crm/companies/{company}"
    with app.test_request_context("/"):
        assert render_template_string(template, company=company) == f"/companies/{company}"
