"""The templates' environment reads a plain dict's keys at once (web/templating.py), with Jinja's own outcome."""

from __future__ import annotations

from jinja2 import Environment

from web.templating import RowsEnvironment

TEMPLATE = (
    "{{ row.name }}|{% for key, value in row.items() %}{{ key }}={{ value }} {% endfor %}|{{ row.get('name') }}"
    "|{{ row.missing is undefined }}|{{ row.keys()|list|length }}|{{ text.upper() }}"
)


def test_a_dicts_keys_and_methods_read_as_jinja_reads_them(app):
    assert isinstance(app.jinja_env, RowsEnvironment)
    # A key named like a dict's method does not hide the method, as in Jinja itself.
    row = {"name": "Bøgely Smedie", "items": "not the method"}
    ours = app.jinja_env.from_string(TEMPLATE).render(row=row, text="ok")
    assert ours == Environment().from_string(TEMPLATE).render(row=row, text="ok")
    assert ours == "Bøgely Smedie|name=Bøgely Smedie items=not the method |Bøgely Smedie|True|2|OK"
