"""Redacting a free text that names a person: listed first, then its own key destroyed, recorded, and gone."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from crm.attempts import OutreachAttempt
from crm.audit.verify import verify_chain
from crm.errors import InvalidInput, NotAllowed
from crm.vocabulary import REDACTED_TEXT
from projections import person_terms, texts_naming
from projections.runner import Projector
from projections.verify import verify_projections
from tests.support import hansen_transport, make_team

NOTE = "Birthe Kjærgaard bad mig ringe tilbage på 29876543"


def history(app):
    team = make_team(app)
    company = hansen_transport(app, team.recruiter)
    birthe = app.register_contact(team.recruiter, company, "Birthe Kjærgaard", "hr", "29876543")
    attempt = app.log_attempt(team.recruiter, company, "call", "no_answer", note=NOTE, contact_id=birthe)
    other = app.log_attempt(team.recruiter, company, "call", "no_answer", note="Ingen svarede")
    projector = Projector(app)
    projector.catch_up()
    return team, company, birthe, attempt, other, projector


def test_free_texts_are_stored_under_their_own_keys(sql_database, clock):
    app = sql_database.app(clock=clock)
    _, _, _, attempt, _, _ = history(app)
    stored = app.recorder.select_events(attempt)[0]
    assert b"Birthe" not in stored.state and b"29876543" not in stored.state
    assert app.load(OutreachAttempt, attempt).note == NOTE


def test_the_texts_naming_a_person_are_listed_then_one_is_redacted(sql_database, clock):
    app = sql_database.app(clock=clock)
    team, _, _, attempt, other, projector = history(app)
    terms = person_terms("Birthe Kjærgaard", "+4529876543", None)
    hits = texts_naming(projector["timeline"], terms)
    assert [(h["field"], h["text"]) for h in hits] == [("note", NOTE)]
    position = hits[0]["position"]

    with pytest.raises(NotAllowed):
        app.redact_text(team.recruiter, position, "note", reason="Navn i note")
    with pytest.raises(InvalidInput):
        app.redact_text(team.project_lead, position, "outcome", reason="Ikke fri tekst")
    app.redact_text(team.project_lead, position, "note", reason="Navn i note")

    assert app.load(OutreachAttempt, attempt).note == REDACTED_TEXT
    assert app.load(OutreachAttempt, other).note == "Ingen svarede"  # its own key, untouched
    redacted = app.mapper.to_domain_event(app.recorder.select_events(attempt)[-1])
    assert isinstance(redacted, OutreachAttempt.TextRedacted)
    assert (redacted.position, redacted.field, redacted.actor_id) == (position, "note", team.project_lead)
    for name in projector.projections:
        projector.rebuild(name)
    assert texts_naming(projector["timeline"], terms) == []


def test_a_redacted_note_is_nowhere_in_the_sqlite_file_and_history_verifies(sql_database, clock):
    if sql_database.kind != "sqlite":
        pytest.skip("the raw file is SQLite's")
    app = sql_database.app(clock=clock)
    team, _, _, _, _, projector = history(app)
    position = texts_naming(projector["timeline"], ["birthe"])[0]["position"]
    app.redact_text(team.project_lead, position, "note", reason="Navn i note")
    for name in projector.projections:
        projector.rebuild(name)
    assert verify_chain(app).ok
    assert all(check.equal for check in verify_projections(app, projector))
    with app.factory.datastore.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.exec_driver_sql("VACUUM")
    raw = Path(make_url(sql_database.url).database).read_bytes()
    assert b"bad mig ringe" not in raw
    assert b"Ingen svarede" in raw  # the other note, in the read models, is untouched


def test_the_record_of_a_redaction_and_its_destroyed_key_commit_together_or_not_at_all(
    sql_database, clock, monkeypatch
):
    """So no rebuild can read the record while the key still opens the text (projections/redactions.py)."""
    from crm.personal_keys import PersonalKeys
    from crm.sealing import text_key

    app = sql_database.app(clock=clock)
    team, _, _, attempt, _, projector = history(app)
    position = texts_naming(projector["timeline"], ["birthe"])[0]["position"]
    head = app.recorder.max_notification_id()

    def fails(self, session, wanted):
        raise RuntimeError("the key's database stopped")

    with monkeypatch.context() as patched:  # the record refused: the key is not named for destruction either
        patched.setattr(type(app.events), "put", lambda *_args, **_kwargs: fails(None, None, None))
        with pytest.raises(RuntimeError):
            app.redact_text(team.project_lead, position, "note", reason="Navn i note")
    assert text_key(attempt, 1, "note") not in app.personal_keys.ledger.key_ids()

    with monkeypatch.context() as patched:
        patched.setattr(PersonalKeys, "_destroy_in", fails)
        with pytest.raises(RuntimeError):
            app.redact_text(team.project_lead, position, "note", reason="Navn i note")
    assert app.recorder.max_notification_id() == head  # no record of a redaction that did not happen
    assert app.load(OutreachAttempt, attempt).note == NOTE

    app.redact_text(team.project_lead, position, "note", reason="Navn i note")
    recorded = app.recorder.select_notifications(start=head + 1, limit=10)  # (PostgreSQL skips the failed id)
    assert [n.topic for n in recorded] == ["crm.attempts:OutreachAttempt.TextRedacted"]
    assert app.load(OutreachAttempt, attempt).note == REDACTED_TEXT
