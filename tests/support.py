"""Memorable data for the scenarios."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import event

from crm.application import CrmApplication
from crm.permissions import SYSTEM_ACTOR_ID


@contextmanager
def statements_on(engine: Any) -> Iterator[list[str]]:
    """The SQL statements the engine runs within, each on one line and in lower case."""
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(" ".join(statement.split()).lower())

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


# Valid CVR numbers (8 digits passing the modulus-11 check).
HANSEN_TRANSPORT_CVR = "10000009"
SOLTOFT_PLEJE_CVR = "10000017"


@dataclass
class Team:
    recruiter: UUID
    consultant: UUID
    health_consultant: UUID
    project_lead: UUID
    auditor: UUID
    admin: UUID


def make_team(app: CrmApplication) -> Team:
    def user(username: str, name: str, department: str, role: str) -> UUID:
        return app.register_user(SYSTEM_ACTOR_ID, username, name, department, role)

    return Team(
        recruiter=user("mette", "Mette Kjær", "health", "recruiter"),
        consultant=user("jonas", "Jonas Vestergaard", "business_service", "consultant"),
        health_consultant=user("sofie", "Sofie Lund", "health", "health_consultant"),
        project_lead=user("henrik", "Henrik Bach", "health", "project_lead"),
        auditor=user("birgit", "Birgit Holm", "other", "auditor"),
        admin=user("admin", "Anne Admin", "other", "admin"),
    )


def hansen_transport(app: CrmApplication, actor: UUID, **overrides) -> UUID:
    values = dict(
        name="Hansen Transport ApS",
        industry="transport",
        cvr=HANSEN_TRANSPORT_CVR,
        size_band="50-249",
        address="Industrivej 12, 8700 Horsens",
        target_group_note="Mange chauffører mellem 40 og 60 år",
        arena="workplace_private",
        strategy="targeted",
    )
    values.update(overrides)
    return app.register_company(actor, **values)


def topics_of(app: CrmApplication, originator_id: UUID) -> list[str]:
    """The topics of one aggregate's stored events, in order."""
    return [e.topic for e in app.recorder.select_events(originator_id)]


def store_version_1_decline(app: CrmApplication, company_id: UUID, reason: str) -> None:
    """Store Company.Declined as version 1 wrote it (no attempt_id; a decline in an attempt copied its note)."""
    import json

    from eventsourcing.persistence import StoredEvent

    from crm.companies import Company

    company = app.repository.get(company_id)
    company.decline(reason, None)
    [event] = company.collect_events()
    stored = app.mapper.to_stored_event(event)
    state = json.loads(stored.state)
    assert state.pop("class_version") == 2 and state.pop("attempt_id") is None
    assert isinstance(event, Company.Declined)
    app.recorder.insert_events(
        [StoredEvent(stored.originator_id, stored.originator_version, stored.topic, json.dumps(state).encode())]
    )
