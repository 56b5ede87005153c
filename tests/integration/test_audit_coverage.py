"""No blind spot: every stored event row the application can load is covered by verification, wherever it sits."""

from __future__ import annotations

import pytest

from crm.audit.verify import verify
from projections.verify import verify_projections
from tests.audit_history import build_history


@pytest.fixture
def history_app(sql_database, clock):
    app = sql_database.app(clock=clock)
    return app, build_history(app, clock)


def engine_of(app):
    return app.factory.datastore.engine


def forge_at(app, contact_id, position: int, **changes) -> None:
    """A later version of the contact, written straight into the events table at `position`."""
    contact = app.repository.get(contact_id)
    contact.change_details(**changes)
    (event,) = contact.collect_events()
    stored = app.mapper.to_stored_event(event)
    with engine_of(app).begin() as connection:
        connection.execute(
            app.recorder.events_table.insert().values(
                id=position,
                originator_id=stored.originator_id,
                originator_version=stored.originator_version,
                topic=stored.topic,
                state=stored.state,
            )
        )


@pytest.mark.parametrize("position", [0, -7])
def test_a_row_below_the_first_position_is_loaded_by_the_application_and_reported_by_position(history_app, position):
    app, history = history_app
    forge_at(app, history.lars, position, phone="99887766", email="falsk@example.org")
    # The repository reads an aggregate's rows by originator, whatever their id: the forged phone is shown.
    assert app.repository.get(history.lars).phone == "99887766"

    report = verify(app, read_models=verify_projections)

    assert not report.ok
    assert [(p.position, p.kind) for p in report.chain.problems] == [(position, "outside")]
