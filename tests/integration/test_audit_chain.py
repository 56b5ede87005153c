"""The hash chain over the notification log: written with the events, verified, and tampering found."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from eventsourcing.persistence import IntegrityError
from sqlalchemy import select, text

from cli.audit import audit
from crm.application import CrmApplication
from crm.audit.chain import GENESIS, next_link
from crm.audit.verify import Anchor, verify, verify_chain
from projections.runner import Projector
from projections.verify import verify_projections
from tests.audit_history import build_history


@pytest.fixture
def history_app(sql_database, clock):
    app = sql_database.app(clock=clock)
    return app, build_history(app, clock)


def engine_of(app):
    return app.factory.datastore.engine


def position_of(app, originator_id, version=1) -> int:
    events = app.recorder.events_table
    with engine_of(app).connect() as connection:
        return connection.execute(
            select(events.c.id).where(events.c.originator_id == originator_id, events.c.originator_version == version)
        ).scalar_one()


def stored_state(app, position: int) -> bytes:
    with engine_of(app).connect() as connection:
        found = connection.execute(text("SELECT state FROM crm_events WHERE id = :id"), {"id": position})
        return bytes(found.scalar_one())


def test_every_event_recorded_through_the_commands_has_its_link(history_app):
    app, _ = history_app
    report = verify(app, read_models=verify_projections)

    # Check the chain is whole and every read model equals a fresh replay.
    assert report.ok
    assert report.chain.checked == report.chain.links == app.recorder.max_notification_id()
    assert {p.name for p in report.projections} == {"users", "outreach", "leads", "agreements", "timeline", "reports"}
    assert all(p.equal for p in report.projections)


def test_the_head_is_the_chain_recomputed_from_the_first_event(history_app):
    app, _ = history_app
    position, digest = app.recorder.head()
    link = GENESIS
    for n in app.recorder.select_notifications(start=1, limit=10_000):
        link = next_link(link, n.id, n.originator_id, n.originator_version, n.topic, n.state)
    assert position == app.recorder.max_notification_id()
    assert digest == link.hex()


def test_an_edited_event_row_is_found_at_its_position(history_app):
    app, history = history_app
    position = position_of(app, history.first_attempt)
    state = json.loads(stored_state(app, position))
    state["outcome"] = "interested"  # someone makes the first call look better than it went
    Projector(app).catch_up()  # the live read models hold the truth before the edit

    with engine_of(app).begin() as connection:
        connection.execute(
            text("UPDATE crm_events SET state = :state WHERE id = :id"),
            {"state": json.dumps(state).encode(), "id": position},
        )
    report = verify(app, read_models=verify_projections)

    assert not report.ok
    assert report.chain.first_problem.position == position
    assert report.chain.first_problem.kind == "edited"
    assert report.chain.problem_count == 1
    # Check the read models built before the edit no longer equal a replay of the edited log.
    differing = {p.name for p in report.projections if not p.equal}
    assert {"outreach", "timeline"} <= differing


def test_a_deleted_event_row_is_found_at_its_position(history_app):
    app, history = history_app
    position = position_of(app, history.lead, version=2)  # the claim of Soltoft's lead

    with engine_of(app).begin() as connection:
        connection.execute(text("DELETE FROM crm_events WHERE id = :id"), {"id": position})
    report = verify_chain(app)

    assert [(p.position, p.kind) for p in report.problems] == [(position, "deleted")]


def test_an_inserted_event_row_is_found_at_its_position(history_app):
    app, history = history_app
    events = app.recorder.events_table
    forged = app.recorder.select_events(history.first_attempt)[0]
    with engine_of(app).begin() as connection:
        connection.execute(
            events.insert().values(
                originator_id=history.hansen, originator_version=99, topic=forged.topic, state=forged.state
            )
        )
        inserted = connection.execute(select(events.c.id).where(events.c.originator_version == 99)).scalar_one()
    report = verify_chain(app)

    assert [(p.position, p.kind) for p in report.problems] == [(inserted, "inserted")]


def test_after_a_problem_later_problems_are_found_at_their_own_positions(history_app):
    app, history = history_app
    edited, deleted = position_of(app, history.lars), position_of(app, history.agreement, version=3)
    with engine_of(app).begin() as connection:
        connection.execute(
            text("UPDATE crm_events SET state = :state WHERE id = :id"),
            {"state": stored_state(app, edited).replace(b"top_management", b"hr"), "id": edited},
        )
        connection.execute(text("DELETE FROM crm_events WHERE id = :id"), {"id": deleted})

    report = verify_chain(app)

    assert [(p.position, p.kind) for p in report.problems] == [(edited, "edited"), (deleted, "deleted")]


def test_rewriting_the_links_too_escapes_the_chain_but_not_the_anchor(history_app):
    app, history = history_app
    anchor = Anchor(*app.recorder.head())
    position = position_of(app, history.first_attempt)
    state = stored_state(app, position).replace(b"no_answer", b"interested")

    # The forger edits the event and recomputes every link after it.
    with engine_of(app).begin() as connection:
        connection.execute(
            text("UPDATE crm_events SET state = :state WHERE id = :id"), {"state": state, "id": position}
        )
        rows = connection.execute(
            text("SELECT id, originator_id, originator_version, topic, state FROM crm_events ORDER BY id")
        ).all()
    link = GENESIS
    events = app.recorder.events_table
    with engine_of(app).begin() as connection:
        for row in connection.execute(
            select(
                events.c.id, events.c.originator_id, events.c.originator_version, events.c.topic, events.c.state
            ).order_by(events.c.id)
        ).all():
            link = next_link(link, row[0], row[1], row[2], row[3], bytes(row[4]))
            connection.execute(
                text("UPDATE crm_event_chain SET link = :link WHERE position = :position"),
                {"link": link.hex(), "position": row[0]},
            )
    assert rows

    assert verify_chain(app).problem_count == 0
    anchored = verify_chain(app, anchor=anchor)
    assert not anchored.ok and anchored.anchor_matches is False


def test_an_anchor_written_down_earlier_still_matches_after_new_events(history_app, clock):
    app, history = history_app
    anchor = Anchor.parse("{}:{}".format(*app.recorder.head()))
    app.log_attempt(history.team.recruiter, history.soltoft, "email", "not_now")

    report = verify_chain(app, anchor=anchor)

    assert report.ok and report.anchor_matches
    assert report.head_position > anchor.position


def test_an_edited_snapshot_is_found_though_it_is_not_in_the_chain(sql_database, clock):
    app = sql_database.app(clock=clock)
    history = build_history(app, clock)
    for number in range(50):  # the application snapshots a company every 50 versions
        app.change_company_details(history.team.recruiter, history.hansen, address=f"Industrivej {number}, Horsens")
    assert verify(app).snapshots.checked == 1

    with engine_of(app).begin() as connection:
        state = bytes(connection.execute(text("SELECT state FROM crm_snapshots")).scalar_one())
        connection.execute(
            text("UPDATE crm_snapshots SET state = :state"),
            {"state": state.replace(b"Hansen Transport ApS", b"Hansen & Co")},
        )
    report = verify(app, read_models=verify_projections)

    assert report.chain.ok and not report.ok
    assert report.snapshots.differing == [(history.hansen, 50)]


def test_a_write_that_lost_a_race_leaves_no_link_and_the_chain_whole(history_app, sql_database, clock):
    app, history = history_app
    other = sql_database.app(clock=clock)
    stale = other.repository.get(history.hansen)
    stale.change_details(address="Havnevej 1, 8700 Horsens")
    app.change_company_details(history.team.recruiter, history.hansen, address="Industrivej 16, 8700 Horsens")
    before = app.recorder.head()

    # The event store refuses the stale writer's event (same aggregate, same version); on PostgreSQL
    # its notification id is spent all the same, so the log has a gap the chain must not mind.
    with pytest.raises(IntegrityError):
        other.save(stale)
    assert app.recorder.head() == before

    app.log_attempt(history.team.recruiter, history.soltoft, "email", "not_now")
    report = verify_chain(app)
    assert report.ok and report.links == report.checked


def test_a_log_recorded_before_the_chain_existed_is_linked_when_first_opened(sql_database, clock):
    plain = sql_database.app(clock=clock, env={"PERSISTENCE_MODULE": "eventsourcing_sqlalchemy"})
    plain_env = dict(plain.env)
    assert plain_env  # the test database's URL, without the chain
    build_history(plain, clock)
    # The library's own recorder wrote no links; a chained application on the same database starts the chain.
    chained = sql_database.app(clock=clock)

    report = verify_chain(chained)
    assert report.ok and report.checked == plain.recorder.max_notification_id()


def test_the_in_memory_store_has_no_chain_and_verify_says_so(clock):
    app = CrmApplication(clock=clock)
    report = verify(app, read_models=verify_projections)
    assert not report.chain.chained and not report.ok and report.projections is None


def test_the_anchor_is_read_from_position_and_hash():
    digest = "ab" * 32
    assert Anchor.parse(f" 12:{digest.upper()} ") == Anchor(12, digest)
    for wrong in ("12", "x:" + digest, "12:abc", "12:" + "zz" * 32):
        with pytest.raises(ValueError):
            Anchor.parse(wrong)


class TestTheCommandLine:
    def test_head_prints_position_and_hash(self, history_app, sql_database, monkeypatch):
        app, _ = history_app
        monkeypatch.setenv("CRM_DATABASE_URL", sql_database.url)
        result = CliRunner().invoke(audit, ["head"])
        assert result.exit_code == 0, result.output
        assert result.output.strip() == "{}:{}".format(*app.recorder.head())

    def test_verify_reports_ok_then_the_first_mismatch_after_an_edit(self, history_app, sql_database, monkeypatch):
        app, history = history_app
        monkeypatch.setenv("CRM_DATABASE_URL", sql_database.url)
        anchor = "{}:{}".format(*app.recorder.head())
        result = CliRunner().invoke(audit, ["verify", "--anchor", anchor])
        assert result.exit_code == 0, result.output
        assert "Every stored event matches its link." in result.output
        assert "Read model outreach: equals a fresh replay" in result.output

        position = position_of(app, history.lars)
        with engine_of(app).begin() as connection:
            connection.execute(
                text("UPDATE crm_events SET state = :state WHERE id = :id"),
                {"state": stored_state(app, position).replace(b"top_management", b"hr"), "id": position},
            )
        result = CliRunner().invoke(audit, ["verify", "--anchor", anchor])
        assert result.exit_code == 1
        assert f"FIRST MISMATCH at position {position}: edited" in result.output
        assert "DOES NOT MATCH" in result.output and "NOT OK" in result.output

    def test_verify_refuses_a_malformed_anchor(self, history_app, sql_database, monkeypatch):
        monkeypatch.setenv("CRM_DATABASE_URL", sql_database.url)
        result = CliRunner().invoke(audit, ["verify", "--anchor", "12:nothex"])
        assert result.exit_code == 2 and "POSITION:HASH" in result.output
