"""A batch applied in one call writes the rows that applying its events one by one writes.

The timeline and the event log's index apply a batch with one statement per table (and, on
PostgreSQL, a large batch by COPY); applied one event at a time, as the runner does to find an
event a view cannot apply, they must write the same rows. The log holds every kind of event the
timeline files, a contact's erasure and a redacted free text among them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.utils import get_topic

from crm.contacts import Contact
from crm.vocabulary import COMMITMENT_KINDS, STANDARD_REQUIREMENTS
from projections import bulk
from projections.base import CrmProjection
from projections.event_log import EventIndexProjection, audit_events
from projections.outreach import OutreachProjection
from projections.runner import Projector
from projections.timeline import CONSUMED, TimelineProjection, subjects, timeline
from projections.users import UsersProjection
from tests.random_commands import RandomHistory

NOTE = "Birthe Kjærgaard bad mig ringe tilbage på 29876543"


class OneByOneTimeline(TimelineProjection):
    """The timeline applied as before batches: each event on its own."""

    def process_batch(self, events: Sequence[tuple[int, Any]]) -> None:
        CrmProjection.process_batch(self, events)


class OneByOneEventLog(EventIndexProjection):
    def process_batch(self, events: Sequence[tuple[int, Any]]) -> None:
        CrmProjection.process_batch(self, events)


BATCHED = (UsersProjection, OutreachProjection, TimelineProjection, EventIndexProjection)
ONE_BY_ONE = (UsersProjection, OutreachProjection, OneByOneTimeline, OneByOneEventLog)


def rows(projector: Projector) -> tuple[list[dict], list[dict], list[dict]]:
    view, index = projector["timeline"], projector["audit_events"]
    return view.rows(timeline), view.rows(subjects), index.rows(audit_events)


def last_position(app) -> int:
    return app.recorder.max_notification_id()


def story(app, clock, users) -> UUID:
    """Every kind of event the timeline files, caught up along the way; returns the person erased at the end."""
    recruiter, consultant, health, project_lead = users
    company = app.register_company(recruiter, name="Hansen Transport ApS", industry="transport")
    app.change_company_details(recruiter, company, name="Hansen Transport A/S")
    app.assign_company_owner(recruiter, company, consultant)
    app.note_register_status(recruiter, company, ceased=False, protected=True)
    workplace = app.add_workplace(recruiter, company, "Lageret", address="Havnevej 1")
    app.remove_workplace(recruiter, company, workplace, reason="Lukket")
    app.add_company_note(recruiter, company, "Birthe Kjærgaard vil have et tilbud")
    company_note = last_position(app)
    birthe = app.register_contact(recruiter, company, "Birthe Kjærgaard", "hr", "29876543")
    director = app.register_contact(recruiter, company, "Lars Hansen", "top_management", "20304050")
    app.change_contact_role(recruiter, birthe, "manager", True, reason="Ny leder af HR")
    role_change = last_position(app)
    app.change_contact_details(recruiter, birthe, "Birthe Kjærgaard-Holm", "29876543", None)
    lead = app.share_lead(consultant, company, "Højt sygefravær, tal med Birthe", suggested_contact_id=birthe)
    lead_shared = last_position(app)
    app.claim_lead(recruiter, lead)
    attempt = app.log_attempt(recruiter, company, "call", "no_answer", note=NOTE, contact_id=birthe, lead_id=lead)
    attempt_logged = next(
        n.id for n in app.recorder.select_notifications(start=1, limit=100_000) if n.originator_id == attempt
    )
    app.correct_attempt(recruiter, attempt, outcome="call_back", reason="Hun ringede tilbage")
    mistake = app.log_attempt(recruiter, company, "email", "no_answer")
    app.void_attempt(recruiter, mistake, reason="Forkert virksomhed")
    clock.advance(timedelta(days=1))
    app.move_company(recruiter, company, "meeting")
    agreement = app.open_agreement(recruiter, company)
    extra = app.add_requirement(recruiter, agreement, "Kantine på stedet")
    app.confirm_requirement(recruiter, agreement, extra)
    app.withdraw_requirement(recruiter, agreement, extra, reason="Bekræftet ved en fejl")
    for key in (*STANDARD_REQUIREMENTS, extra):
        contact = director if key == "top_management_sponsor" else None
        app.confirm_requirement(recruiter, agreement, key, contact_id=contact)
    app.sign_agreement(project_lead, agreement)
    app.plan_services(project_lead, agreement, 10, 5)
    app.record_delivery(health, agreement, health_checks=3, conversations=2)
    app.deliver_feedback(health, agreement, focus_points="Søvn og skiftearbejde")
    feedback = last_position(app)
    app.hold_follow_up(health, agreement, note="Opfølgning med Birthe")
    kept = app.add_commitment(recruiter, agreement, COMMITMENT_KINDS[0], "Motion i arbejdstiden")
    app.fulfil_commitment(recruiter, agreement, kept)
    dropped = app.add_commitment(recruiter, agreement, COMMITMENT_KINDS[1], "Rygestop")
    app.abandon_commitment(recruiter, agreement, dropped, reason="Opgivet")
    clock.advance(timedelta(days=1))
    app.complete_agreement(project_lead, agreement)

    other = app.register_company(recruiter, name="Soltoft Pleje", industry="care")
    app.decline_company(recruiter, other, reason="Nej tak")
    app.reapproach_company(recruiter, other)
    app.park_company(recruiter, other, reason="Travlt")
    app.reapproach_company(recruiter, other)
    app.move_company(recruiter, other, "meeting")
    second = app.open_agreement(recruiter, other)
    app.terminate_agreement(project_lead, second, reason="Stoppet")
    declined = app.share_lead(consultant, other, "Kendt i forvejen")
    app.decline_lead(recruiter, declined, reason="Kendt i forvejen")
    app.archive_contact(recruiter, director)

    for position, field in ((company_note, "note"), (attempt_logged, "note"), (feedback, "focus_points")):
        app.redact_text(project_lead, position, field, reason="Navn i teksten")
    app.redact_text(project_lead, lead_shared, "lead_reason", reason="Navn i teksten")
    # A contact's texts are sealed under the person's key, so no command redacts one alone; the event is kept as any.
    person = app.repository.get(birthe)
    person.record_redaction(role_change, "reason")
    app.save(person)
    return birthe


@pytest.fixture
def log(sql_database, clock):
    """A random history caught up as it happened, in small batches, then a person's story to their erasure."""
    app = sql_database.app(clock=clock)
    history = RandomHistory.start(app, clock, seed=11)
    projector = Projector(app, projection_classes=BATCHED)
    history.run_caught_up(projector, 200, every=50)
    birthe = story(app, clock, history.users)
    projector.catch_up(batch_size=7)  # the person's reasons shown, erased below
    app.erase_contact(history.users[3], birthe, "art17_1_c_objection", reason="Anmodning om sletning")
    app.log_attempt(history.users[0], history.companies[0], "call", "no_answer", note="Efter sletningen")
    projector.catch_up()
    return app, projector, birthe


def test_the_log_holds_every_kind_of_event_the_timeline_files(log):
    app, _projector, _birthe = log
    stored = {n.topic for n in app.recorder.select_notifications(start=1, limit=100_000)}

    missing = {get_topic(cls) for cls in CONSUMED} - stored
    assert not missing, sorted(missing)
    assert get_topic(Contact.Erased) in stored
    assert any(topic.endswith(".TextRedacted") for topic in stored)


def test_caught_up_in_batches_rebuilt_in_batches_and_rebuilt_event_by_event_give_the_same_rows(log, monkeypatch):
    app, projector, birthe = log
    caught_up = rows(projector)
    assert len(caught_up[0]) > bulk.COPY_FROM_ROWS  # the rebuild below writes one batch: by COPY on PostgreSQL
    # The erasure cleared the reasons the timeline had shown for the person before.
    reasons = [r["reason"] for r in caught_up[0] if r["originator_id"] == birthe]
    assert len(reasons) == 5 and set(reasons) == {None}  # registered, role, details, redaction, erasure

    for name in ("timeline", "audit_events"):
        projector.rebuild(name, batch_size=5000)
    assert rows(projector) == caught_up

    for name in ("timeline", "audit_events"):
        projector.rebuild(name, batch_size=3)  # subjects of earlier batches looked up, small inserts
    assert rows(projector) == caught_up

    one_by_one = Projector(app, projection_classes=ONE_BY_ONE)
    for name in ("timeline", "audit_events"):
        one_by_one.rebuild(name, batch_size=5000)
    assert rows(one_by_one) == caught_up


def test_an_erasure_clears_the_reasons_shown_before_it_and_its_own_in_its_batch(sql_database, clock):
    app = sql_database.app(clock=clock)
    history = RandomHistory.start(app, clock, seed=3)
    recruiter, project_lead = history.users[0], history.users[3]
    company = app.register_company(recruiter, name="Hansen Transport ApS", industry="transport")
    birthe = app.register_contact(recruiter, company, "Birthe Kjærgaard", "hr", "29876543")
    app.change_contact_role(recruiter, birthe, "manager", True, reason="Ny leder af HR")
    projector = Projector(app, projection_classes=BATCHED)
    projector.catch_up()
    shown = {r["event_type"]: r["reason"] for r in rows(projector)[0] if r["originator_id"] == birthe}
    assert shown == {"Registered": None, "RoleChanged": "Ny leder af HR"}

    app.erase_contact(project_lead, birthe, "art17_1_c_objection", reason="Anmodning om sletning")
    app.log_attempt(recruiter, company, "call", "no_answer")
    projector.catch_up()  # one batch: the erasure and an event after it
    batched = rows(projector)

    entries = {r["event_type"]: r["reason"] for r in batched[0] if r["originator_id"] == birthe}
    assert entries == {"Registered": None, "RoleChanged": None, "Erased": None}
    one_by_one = Projector(app, projection_classes=ONE_BY_ONE)
    one_by_one.rebuild("timeline")
    assert rows(one_by_one)[0] == batched[0]


def every_row(projector: Projector) -> dict[str, list[dict]]:
    found = {}
    for name, projection in projector.projections.items():
        view = projection.view
        for table in view.view_tables:
            found[f"{name}.{table.name}"] = view.rows(table, order_by=list(table.columns))
    return found


def test_every_view_writes_the_same_rows_whether_a_batch_is_copied_or_inserted(log, monkeypatch):
    """On PostgreSQL a large batch's rows go by COPY (projections/bulk.py): every view, rebuilt both ways, agrees."""
    app, _projector, _birthe = log
    projector = Projector(app)
    monkeypatch.setattr(bulk, "COPY_FROM_ROWS", 10**9)
    for name in projector.projections:
        projector.rebuild(name, batch_size=5000)
    inserted = every_row(projector)

    monkeypatch.setattr(bulk, "COPY_FROM_ROWS", 1)
    for name in projector.projections:
        projector.rebuild(name, batch_size=5000)
    assert every_row(projector) == inserted
    assert sum(map(len, inserted.values())) > 500
