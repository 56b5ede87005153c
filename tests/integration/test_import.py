"""Importing the spreadsheets people keep, on a SQLite file and on PostgreSQL: real files as fixtures.

Each fixture (tests/fixtures/imports/, written by make_fixtures.py) holds the same rows:
row 2 a new company, 3 another contact at it, 4 a repeat of row 2, 5 an update of an existing
company, 6-8 bad values, 9 a company without CVR, 10 a repeat of 9 by name and address,
11 an industry as a DB07 code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import projections
from crm.commands.imports import ImportRowInput
from crm.contacts import Contact
from crm.errors import InvalidInput
from crm.imports import commit_plan, plan_import, read_table
from tests.support import HANSEN_TRANSPORT_CVR, hansen_transport, make_team

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"
FILES = [
    "companies-excel-da.csv",
    "companies-utf8-bom.csv",
    "companies.xlsx",
    "libreoffice/companies.xlsx",
]
EXPECTED = {
    2: "create",
    3: "update",
    4: "duplicate",
    5: "update",
    6: "error",
    7: "error",
    8: "error",
    9: "create",
    10: "duplicate",
    11: "create",
}


@pytest.fixture
def town(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    hansen = hansen_transport(app, team.recruiter, size_band=None)
    projector = projections.Projector(app)
    projector.catch_up()
    return app, team, hansen, projector


def preview(town, name):
    app, team, hansen, projector = town
    projector.catch_up()
    header, body = read_table((FIXTURES / name).read_bytes(), name)
    return plan_import(Path(name).name, header, body, projections.import_reference(projector["outreach"]))


@pytest.mark.parametrize("name", FILES)
def test_the_preview_says_what_each_row_will_do(town, name):
    plan = preview(town, name)
    assert {row.number: row.action for row in plan.rows} == EXPECTED
    rows = {row.number: row for row in plan.rows}
    assert rows[2].name == "Ærø Rengøring ApS" and rows[2].company["industry"] == "cleaning"
    assert rows[2].workplace == {
        "p_number": "1012345678",
        "name": "Ærø Rengøring ApS",
        "address": rows[2].company["address"],
    }
    assert rows[2].company["address"] == "Søndergade 4, 5970 Ærøskøbing" and rows[2].company["size_band"] == "10-49"
    assert rows[2].contact == {
        "name": "Søren Ødegård",
        "role": "top_management",
        "phone": "+4520304050",
        "email": "soren@aero-rengoring.dk",
    }
    assert rows[3].company_row == 2 and rows[3].contact["role"] == "hr"
    assert rows[4].duplicate_of == 3 and rows[10].duplicate_of == 9
    assert rows[5].company_id == town[2] and rows[5].company == {"size_band": "250+"}
    assert [e.code for e in rows[6].errors] == ["invalid_cvr"]
    assert sorted(e.params["field"] for e in rows[7].errors) == ["email", "phone"]
    assert [e.params["field"] for e in rows[8].errors] == ["p_number"]
    assert rows[11].company["industry"] == "transport"


@pytest.mark.parametrize("name", FILES)
def test_committing_imports_through_the_commands_and_a_second_import_changes_nothing(town, name):
    app, team, hansen, projector = town
    before = app.recorder.max_notification_id()
    result = commit_plan(app, team.recruiter, preview(town, name))
    assert (result.created, result.updated, result.failed) == (3, 2, {})
    events = app.recorder.select_notifications(before + 1, 100)
    assert {e.topic.rsplit(":", 1)[1].split(".")[0] for e in events} == {"Company", "CvrIndex", "Contact"}
    projector.catch_up()
    outreach = projector["outreach"]
    found = {c["name"]: c for c in projections.search_companies(outreach, per_page=50).rows}
    assert sorted(found) == [
        "Bøgely Plejecenter",
        "Hansen Transport ApS",
        "Vognmand Østergaard I/S",
        "Ærø Rengøring ApS",
    ]
    aero = found["Ærø Rengøring ApS"]["company_id"]
    assert sorted(c["name"] for c in projections.contacts_of(outreach, aero)) == ["Søren Ødegård", "Åse Bæk"]
    assert [w["p_number"] for w in projections.workplaces_of(outreach, aero)] == ["1012345678"]
    assert projections.company(outreach, hansen)["size_band"] == "250+"
    stored = app.repository.get(projections.contacts_of(outreach, aero)[0]["contact_id"])
    assert isinstance(stored, Contact)
    registered = app.recorder.select_events(aero)[0]
    assert registered.state  # stamped with actor and reason by the command, as every event is
    again = preview(town, name)
    assert {row.number: row.action for row in again.rows if row.action != "error"} == {
        n: "unchanged" for n, action in EXPECTED.items() if action != "error"
    }
    assert again.to_commit() == []


def test_a_changed_file_updates_only_what_changed(town):
    app, team, hansen, projector = town
    commit_plan(app, team.recruiter, preview(town, "companies-excel-da.csv"))
    header, body = read_table((FIXTURES / "companies-excel-da.csv").read_bytes())
    body[0][10] = body[2][10] = "99 88 77 66"  # Søren's new phone number (rows 2 and 4 name him)
    projector.catch_up()
    plan = plan_import("v2.csv", header, body, projections.import_reference(projector["outreach"]))
    changing = plan.to_commit()
    assert [(r.number, r.company, r.workplace, r.contact) for r in changing] == [
        (2, {}, None, {"phone": "+4599887766"})
    ]
    assert commit_plan(app, team.recruiter, plan).updated == 1
    projector.catch_up()
    aero = projections.company(projector["outreach"], changing[0].company_id)
    phones = {c["name"]: c["phone"] for c in projections.contacts_of(projector["outreach"], aero["company_id"])}
    assert phones == {"Søren Ødegård": "+4599887766", "Åse Bæk": "+4521222324"}


def test_a_row_that_fails_at_commit_changes_nothing_and_the_rest_go_on(town):
    app, team, hansen, projector = town
    plan = preview(town, "companies-excel-da.csv")
    app.register_company(team.recruiter, "Nået først ApS", "other", cvr="10000033")  # row 11's CVR, since the preview
    before = app.recorder.max_notification_id()
    result = commit_plan(app, team.recruiter, plan)
    assert list(result.failed) == [11] and result.failed[11].code == "already_exists"
    projector.catch_up()
    names = [c["name"] for c in projections.search_companies(projector["outreach"], per_page=50).rows]
    assert "Vognmand Østergaard I/S" not in names and "Ærø Rengøring ApS" in names
    assert app.recorder.max_notification_id() > before


def test_rows_are_saved_in_batches_cut_before_a_row_that_builds_on_one_of_the_batch(town, monkeypatch):
    app, team, hansen, projector = town
    saves, save = [], app.save
    monkeypatch.setattr(app, "save", lambda *aggregates, **kw: saves.append(len(aggregates)) or save(*aggregates, **kw))
    result = commit_plan(app, team.recruiter, preview(town, "companies-excel-da.csv"))
    assert (result.created, result.updated, result.failed) == (3, 2, {})
    # Row 2 alone (row 3 adds a contact to the company row 2 creates), then rows 3, 5, 9 and 11 together.
    assert len(saves) == 2


def test_a_batch_that_loses_a_race_is_retried_row_by_row_and_only_the_raced_row_fails(town, sql_database, monkeypatch):
    app, team, hansen, projector = town
    plan = preview(town, "companies-excel-da.csv")
    rival, save, raced = sql_database.app(clock=app.clock), app.save, []

    def a_colleague_registers_row_11s_cvr_first(*aggregates, **kw):
        """Another user's save lands between the batch's checks and its own save."""
        if not raced and any(getattr(a, "cvr", None) == "10000033" for a in aggregates):
            raced.append(rival.register_company(team.recruiter, "Nået først ApS", "other", cvr="10000033"))
        return save(*aggregates, **kw)

    monkeypatch.setattr(app, "save", a_colleague_registers_row_11s_cvr_first)
    result = commit_plan(app, team.recruiter, plan)
    assert list(result.failed) == [11] and result.failed[11].code == "already_exists"
    assert (result.created, result.updated) == (2, 2)
    projector.catch_up()
    names = [c["name"] for c in projections.search_companies(projector["outreach"], per_page=50).rows]
    assert "Nået først ApS" in names and "Bøgely Plejecenter" in names and "Vognmand Østergaard I/S" not in names


def test_two_rows_of_one_batch_changing_one_company_are_refused_whole(town):
    app, team, hansen, projector = town
    before = app.recorder.max_notification_id()
    rows = [ImportRowInput(hansen, {"address": "Vejen 1"}), ImportRowInput(hansen, {"address": "Vejen 2"})]
    with pytest.raises(InvalidInput):
        app.import_rows(team.recruiter, rows)
    assert app.recorder.max_notification_id() == before


def test_a_reader_without_the_permission_imports_nothing(town):
    app, team, hansen, projector = town
    before = app.recorder.max_notification_id()
    result = commit_plan(app, team.auditor, preview(town, "companies.xlsx"))
    assert result.created == result.updated == 0 and result.failed[2].code == "not_allowed"
    assert result.failed[3].params["problem"] == "builds on row %(row)s, which was not imported"
    assert app.recorder.max_notification_id() == before


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "is empty"),
        (b"PK\x03\x04not a zip", "is not an Excel workbook"),
        (b"x" * (20 * 1024 * 1024 + 1), "at most %(limit)s MB"),
        (b"Virksomhedsnavn\n" + b"A\n" * 100_001, "at most %(limit)s rows"),
    ],
)
def test_files_out_of_bounds_are_refused_before_any_row(data, problem):
    with pytest.raises(InvalidInput) as refused:
        read_table(data, "x.csv")
    assert refused.value.params["problem"] == problem


def test_a_file_without_a_name_column_is_refused():
    with pytest.raises(InvalidInput):
        plan_import("x.csv", ["Telefon"], [["12345678"]])


def test_the_cvr_number_typed_with_spaces_matches(town):
    plan = preview(town, "companies-utf8-bom.csv")
    assert next(r for r in plan.rows if r.number == 5).company_id == town[2]
    assert HANSEN_TRANSPORT_CVR == "10000009"
