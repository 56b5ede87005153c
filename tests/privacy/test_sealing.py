"""A contact's personal data is stored only as ciphertext under the person's own key, and erased by destroying it."""

from __future__ import annotations

import pytest

from crm import personal_keys
from crm.audit.verify import verify_chain
from crm.contacts import Contact
from crm.errors import InvalidInput, NotAllowed
from crm.sealing import Sealed, contact_key
from crm.vocabulary import ERASED_PERSON
from tests.support import hansen_transport, make_team, statements_on

NAME, PHONE, EMAIL = "Birthe Kjærgaard", "+4529876543", "birthe.kjaergaard@hansen-transport.dk"
NEW_NAME = "Birthe Kjærgaard Olsen"


def register(app, team):
    company_id = hansen_transport(app, team.recruiter)
    contact_id = app.register_contact(
        team.recruiter, company_id, name=NAME, role="hr", phone=PHONE, email=EMAIL, reason=f"{NAME} ringede"
    )
    app.change_contact_details(team.recruiter, contact_id, name=NEW_NAME, phone=PHONE, email=EMAIL)
    return company_id, contact_id


def personal_bytes() -> list[bytes]:
    return [text.encode("utf-8") for text in (NAME, NEW_NAME, "Birthe", "29876543", "kjaergaard")]


def test_the_stored_events_hold_no_personal_data_and_the_application_reads_it(app):
    team = make_team(app)
    _, contact_id = register(app, team)
    stored = app.recorder.select_events(contact_id)
    assert len(stored) == 2
    for event in stored:
        for text in personal_bytes():
            assert text not in event.state
        assert b'"sealed"' in event.state
    contact = app.load(Contact, contact_id)
    assert (contact.name, contact.phone, contact.email) == (NEW_NAME, PHONE, EMAIL)
    first = app.mapper.to_domain_event(stored[0])
    assert first.reason == f"{NAME} ringede"


def test_decoding_opens_every_sealed_value_where_it_lies_and_a_mapper_without_keys_leaves_them_sealed(app):
    team = make_team(app)
    _, contact_id = register(app, team)
    stored = app.recorder.select_events(contact_id)

    registered, changed = (app.mapper.to_domain_event(s) for s in stored)
    assert (registered.name, registered.phone, registered.reason) == (NAME, PHONE, f"{NAME} ringede")
    assert changed.changes["name"] == NEW_NAME  # within the changes, as at the top

    keys = app.mapper.keys
    app.mapper.keys = None
    try:
        unopened = app.mapper.to_domain_event(stored[1])
    finally:
        app.mapper.keys = keys
    assert isinstance(unopened.changes["name"], Sealed) and unopened.changes["name"].field == "name"
    assert app.mapper.to_domain_event(stored[1]).changes["name"] == NEW_NAME


def test_erasure_destroys_the_key_records_who_why_and_the_basis_and_shows_an_erased_person(app):
    team = make_team(app)
    _, contact_id = register(app, team)
    app.erase_contact(team.project_lead, contact_id, "art17_1_b_consent_withdrawn", reason="Anmodning 2026-14")
    contact = app.load(Contact, contact_id)
    assert (contact.name, contact.phone, contact.email, contact.erased) == (ERASED_PERSON, None, None, True)
    assert app.personal_keys.is_destroyed(contact_key(contact_id))
    events = [app.mapper.to_domain_event(s) for s in app.recorder.select_events(contact_id)]
    assert events[0].name == ERASED_PERSON and events[0].phone is None and events[0].reason is None
    assert events[1].changes == {"name": ERASED_PERSON}
    erased = events[-1]
    assert isinstance(erased, Contact.Erased)
    assert (erased.actor_id, erased.reason, erased.legal_basis) == (
        team.project_lead,
        "Anmodning 2026-14",
        "art17_1_b_consent_withdrawn",
    )


def test_an_erased_person_cannot_be_changed_and_only_the_project_lead_erases(app):
    team = make_team(app)
    _, contact_id = register(app, team)
    with pytest.raises(NotAllowed):
        app.erase_contact(team.recruiter, contact_id, reason="Anmodning")
    with pytest.raises(InvalidInput):
        app.erase_contact(team.project_lead, contact_id)  # a reason is required
    app.erase_contact(team.project_lead, contact_id, reason="Anmodning")
    with pytest.raises(InvalidInput):
        app.change_contact_details(team.recruiter, contact_id, name="Ny", phone=None, email=None)
    version = app.load(Contact, contact_id).version
    app.erase_contact(team.project_lead, contact_id, reason="Igen")  # finishes an erasure cut short; no new event
    assert app.load(Contact, contact_id).version == version


def test_the_chain_still_verifies_after_erasure(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    _, contact_id = register(app, team)
    app.erase_contact(team.project_lead, contact_id, reason="Anmodning")
    report = verify_chain(app)
    assert report.ok, report
    # Another process (its key cache empty) reads the erased person too.
    other = sql_database.app(clock=clock)
    assert other.load(Contact, contact_id).name == ERASED_PERSON


def test_a_full_key_cache_drops_its_oldest_keys_so_a_batch_read_together_is_decoded_without_reading_one_again(
    sql_database, clock, monkeypatch
):
    """A replay reads each batch's keys in one query, then decodes the batch. The cache must not drop those keys
    while it fills: each dropped key would be read again on its own, a round trip per event."""
    monkeypatch.setattr(personal_keys, "KEY_CACHE_SIZE", 8)
    app = sql_database.app(clock=clock)
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    attempts = [app.log_attempt(team.recruiter, company_id, "call", "no_answer", note=f"Note {i}") for i in range(12)]
    first, second = ([app.recorder.select_events(a)[0] for a in half] for half in (attempts[:6], attempts[6:]))
    app.mapper.forget_keys()
    engine = app.personal_keys.datastore.engine
    for batch in (first, second):
        app.mapper.prefetch(batch)  # the second batch's keys pass the cache's size
        with statements_on(engine) as seen:
            notes = [app.mapper.to_domain_event(stored).note for stored in batch]
        assert [s for s in seen if "crm_personal_keys" in s] == []
        assert notes == [f"Note {attempts.index(s.originator_id)}" for s in batch]
