"""The Danish catalogues: every translation keeps its placeholders, and every English text the
web shows (labels, error sentences, the problem phrases raised in crm/) has a Danish translation."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import render_template_string, session

from tests.support import hansen_transport
from web.labels import LABELS, label
from web.messages import TEMPLATES

ROOT = Path(__file__).resolve().parents[2]
DANISH = ROOT / "web" / "translations" / "da"
PO_FILES = sorted(DANISH.glob("*.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
# problem="..." or problem='...' in a call such as InvalidInput(field=..., problem="is required")
PROBLEM = re.compile(r"""\bproblem\s*=\s*(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')""")


def read(po_file: Path):
    with po_file.open("rb") as handle:
        return read_po(handle, locale="da")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def msgid(text) -> str:
    """The English message id behind a lazy_gettext string."""
    return text._args[0]


def problem_phrases() -> set[str]:
    phrases = set()
    for source in sorted((ROOT / "crm").rglob("*.py")):
        for double, single in PROBLEM.findall(source.read_text(encoding="utf-8")):
            phrases.add(double or single)
    return phrases


def translated() -> dict[str, str]:
    found: dict[str, str] = {}
    for po_file in PO_FILES:
        for message in read(po_file):
            if message.id and isinstance(message.id, str) and message.string:
                found.setdefault(message.id, message.string)
    return found


def test_there_are_danish_catalogues():
    assert (DANISH / "core.po") in PO_FILES
    assert (DANISH / "labels.po") in PO_FILES


@pytest.mark.parametrize("po_file", PO_FILES, ids=lambda path: path.name)
def test_each_translation_keeps_the_placeholders_and_is_not_empty(po_file):
    problems = []
    for message in read(po_file):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        for string in strings:
            if not string:
                problems.append(f"empty msgstr for {ids[0]!r}")
            elif placeholders(string) != placeholders(ids[0]):
                problems.append(
                    f"{ids[0]!r} -> {string!r}: placeholders {placeholders(string)} instead of {placeholders(ids[0])}"
                )
    assert not problems, f"{po_file.name}:\n" + "\n".join(problems)


def test_the_problem_scan_finds_the_phrases():
    phrases = problem_phrases()
    assert {"is required", "at most %(limit)s characters", "cannot be in the future"} <= phrases
    assert len(phrases) >= 25


def test_every_label_has_a_danish_translation():
    danish = translated()
    missing = sorted({msgid(text) for vocabulary in LABELS.values() for text in vocabulary.values()} - danish.keys())
    assert not missing, f"no Danish for labels: {missing}"


def test_every_error_sentence_has_a_danish_translation():
    danish = translated()
    missing = sorted({msgid(text) for text in TEMPLATES.values()} - danish.keys())
    assert not missing, f"no Danish for error sentences: {missing}"


def test_every_problem_phrase_raised_in_crm_has_a_danish_translation():
    danish = translated()
    missing = sorted(problem_phrases() - danish.keys())
    assert not missing, f"no Danish for problem phrases: {missing}"


def test_the_labels_are_also_found_by_scanning_the_source():
    """The lazy_gettext strings of web/labels.py, read as text, are the same ones LABELS holds."""
    source = (ROOT / "web" / "labels.py").read_text(encoding="utf-8")
    scanned = set(re.findall(r"""_l\(\s*"((?:[^"\\]|\\.)*)"\s*\)""", source))
    assert scanned == {msgid(text) for vocabulary in LABELS.values() for text in vocabulary.values()}


def test_a_label_reads_the_requests_catalogue_in_its_language(app):
    """label() looks the catalogue up once a request (web/labels.py), and says what Flask-Babel's own string says."""
    stage = LABELS["stage"]["identified"]
    for language, expected in (("da", translated()[msgid(stage)]), ("en", msgid(stage))):
        with app.test_request_context("/"):
            session["language"] = language
            assert label("stage", "identified") == str(stage) == expected
    assert label("stage", "no such stage") == "no such stage" and label("stage", None) == ""


TEMPLATE_STRINGS = [
    '{{ _("Round %(round)s", round=n) }}',
    '{{ _("Round %(round)s", round="<b>") }}',  # a value is escaped, the message is not
    '{{ _("Saved") }}|{{ _("Saved") }}',  # kept once made: the same the second time
    '{{ gettext("Log attempt") }}',
    '{{ _("100%% sure") }}',  # no variables: still a format string, as Jinja's gettext makes it
    "{% trans count=n %}{{ count }} company{% pluralize %}{{ count }} companies{% endtrans %}",
    "{% trans %}Attempts{% endtrans %}",
]


@pytest.mark.parametrize("source", TEMPLATE_STRINGS)
@pytest.mark.parametrize("autoescape", [True, False])
def test_the_templates_gettext_gives_what_jinjas_own_gives(app, source, autoescape):
    """web/i18n.py's template gettext (one call, messages kept per catalogue) against Jinja's newstyle gettext over
    the same catalogue, in Danish and English, escaping or not."""
    from jinja2 import Environment

    from web.i18n import request_gettext, template_ngettext

    jinjas = Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape)
    jinjas.install_gettext_callables(request_gettext, template_ngettext, newstyle=True)  # type: ignore[attr-defined]
    ours = app.jinja_env.overlay(autoescape=autoescape)
    for language in ("da", "en"):
        with app.test_request_context("/"):
            session["language"] = language
            for n in (1, 3):
                expected = jinjas.from_string(source).render(n=n)
                assert ours.from_string(source).render(n=n) == expected
                if autoescape:  # as a screen renders it: `_` bound to the request's catalogue once a rendering
                    assert render_template_string(source, n=n) == expected
    with app.test_request_context("/"):
        session["language"] = "da"
        assert app.jinja_env.from_string('{{ _("Log attempt") }}').render() == translated()["Log attempt"]


def test_python_gettext_and_dates_say_what_flask_babels_own_say(app):
    """web/translating.py (the catalogue, locale and time zone looked up once a request) against Flask-Babel's
    functions, in Danish and English; a naive time is UTC, shown in Copenhagen's time."""
    import flask_babel

    from web import translating

    day, moment = date(2026, 3, 5), datetime(2026, 7, 1, 22, 30)
    calls = [
        ("gettext", ("Log attempt",), {}),
        ("gettext", ("Round %(round)s",), {"round": 2}),
        ("ngettext", ("%(num)d attempt", "%(num)d attempts", 3), {}),
        ("format_date", (day, "EEEE d. MMMM yyyy"), {}),
        ("format_datetime", (moment, "d. MMM yyyy HH:mm"), {}),
        ("format_time", (moment, "HH:mm"), {}),
    ]
    shown = {}
    for language in ("da", "en"):
        with app.test_request_context("/"):
            session["language"] = language
            ours = [getattr(translating, name)(*args, **kwargs) for name, args, kwargs in calls]
            assert ours == [getattr(flask_babel, name)(*args, **kwargs) for name, args, kwargs in calls]
            shown[language] = ours
    assert shown["da"][0] == translated()["Log attempt"] != shown["en"][0] == "Log attempt"
    assert shown["da"][3] == "torsdag 5. marts 2026" and shown["en"][3] == "Thursday 5. March 2026"
    assert shown["da"][5] == "00:30"  # 22:30 UTC on 1 July is half past midnight in Copenhagen
    # Outside a request (a command line, a worker) they are Flask-Babel's: the message as written.
    assert translating.gettext("Log attempt") == "Log attempt"


def test_a_company_page_looks_the_catalogue_up_once(as_role, crm, team, monkeypatch):
    """Every translation of a request, from Python and from its templates, reads one catalogue lookup."""
    import flask_babel

    company = hansen_transport(crm, team.recruiter, owner_id=team.recruiter)
    client = as_role("recruiter")
    lookups = []
    original = flask_babel.Domain.get_translations

    def counted(self):
        lookups.append(self)
        return original(self)

    monkeypatch.setattr(flask_babel.Domain, "get_translations", counted)
    page = client.get(f"/companies/{company}")
    assert page.status_code == 200 and "Registrér henvendelse" in page.get_data(as_text=True)
    assert len(lookups) == 1


def test_a_rendering_looks_its_catalogue_up_once_for_all_its_strings(app, monkeypatch):
    """A screen's template translates a few hundred strings: `_` is bound to the catalogue once a rendering."""
    from web import i18n

    lookups = []
    original = i18n.request_translations

    def counted():
        lookups.append(1)
        return original()

    monkeypatch.setattr(i18n, "request_translations", counted)
    with app.test_request_context("/"):
        session["language"] = "da"
        shown = render_template_string('{{ _("Log attempt") }}|{{ _("Saved") }}|{{ gettext("Log attempt") }}')
    assert shown.split("|")[0] == shown.split("|")[2] == translated()["Log attempt"]
    assert len(lookups) == 1
