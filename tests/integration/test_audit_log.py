"""Reads of the event store for the audit screens (crm/audit/log.py), on every store."""

from __future__ import annotations

from uuid import uuid4

from sqlalchemy import text

from crm.audit.log import chain_head, diff, event_at, events_at, state_at, versions
from crm.companies import Company
from tests.support import hansen_transport, make_team


def test_the_stored_events_at_positions_decoded_and_a_missing_position_left_out(app):
    team = make_team(app)
    hansen = hansen_transport(app, team.recruiter, cvr=None)
    head = app.recorder.max_notification_id()

    found = events_at(app, [head, 1, head + 5, head])

    assert sorted(found) == [1, head]
    registered = found[head]
    assert (registered.event_type, registered.stored.originator_id) == ("Company.Registered", hansen)
    assert isinstance(registered.event, Company.Registered) and registered.occurred_at == registered.event.timestamp
    assert '"name": "Hansen Transport ApS"' in registered.raw
    assert event_at(app, head + 5) is None and events_at(app, []) == {}


def test_an_entitys_versions_its_state_at_each_and_what_changed(app):
    team = make_team(app)
    hansen = hansen_transport(app, team.recruiter)
    app.change_company_details(team.recruiter, hansen, address="Industrivej 14, 8700 Horsens")

    found = versions(app, hansen)

    assert [v.number for v in found] == [1, 2]
    assert [(c.field, c.old, c.new) for c in diff(state_at(app, hansen, 1), state_at(app, hansen, 2))] == [
        ("address", "Industrivej 12, 8700 Horsens", "Industrivej 14, 8700 Horsens")
    ]
    assert state_at(app, hansen, 0) == {} and versions(app, uuid4()) == []


def test_a_row_edited_into_something_undecodable_is_still_listed(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    hansen_transport(app, team.recruiter)
    head = app.recorder.max_notification_id()
    with app.factory.datastore.engine.begin() as connection:
        connection.execute(text("UPDATE crm_events SET state = :s WHERE id = :id"), {"s": b"not json", "id": head})

    edited = event_at(app, head)

    assert edited is not None and edited.event is None and edited.raw == "not json"


def test_the_chain_head_is_known_on_sql_stores_only(database, clock):
    app = database.app(clock=clock)
    make_team(app)
    head = chain_head(app)
    if database.kind == "memory":
        assert head is None
    else:
        assert head is not None and head[0] == app.recorder.max_notification_id() and len(head[1]) == 64
