"""Call mode's claims: while a recruiter has a company on screen, nobody else is offered it.

A claim is short and expires by itself (a closed tab or a lunch break frees the company);
it is not a fact of the domain, so it is not an event but a row beside the event store,
made by the migrations (0008). Taking one is one atomic UPDATE, or an INSERT that the
primary key lets only one process win, so two recruiters asking at the same moment can
never both get the same company.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError as StoreIntegrityError
from sqlalchemy import Column, DateTime, MetaData, Table, Uuid, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from crm.clock import Clock

# Long enough for a call and its note, short enough that an abandoned screen frees the company soon.
CLAIM_FOR = timedelta(minutes=10)

# Created by the migrations in storage/migrations/ (0008); this is the shape the queries use.
metadata = MetaData()
call_claims = Table(
    "crm_call_claims",
    metadata,
    Column("company_id", Uuid, primary_key=True),
    Column("user_id", Uuid, nullable=False),
    Column("until", DateTime, nullable=False),
)


class CallClaims:
    """The claims in `crm_call_claims`; times are naive UTC, as stored."""

    def __init__(self, datastore: Any, clock: Clock, claim_for: timedelta = CLAIM_FOR) -> None:
        self.datastore = datastore
        self.clock = clock
        self.claim_for = claim_for

    def _now(self) -> datetime:
        return self.clock.now().astimezone(UTC).replace(tzinfo=None)

    def claim(self, company_id: UUID, user_id: UUID) -> bool:
        """Take or renew the user's claim on the company; False while someone else's claim runs."""
        now = self._now()
        until = now + self.claim_for
        taken = (
            update(call_claims)
            .where(
                call_claims.c.company_id == company_id,
                or_(call_claims.c.user_id == user_id, call_claims.c.until <= now),
            )
            .values(user_id=user_id, until=until)
        )
        with self.datastore.transaction(commit=True) as session:
            if session.execute(taken).rowcount:
                return True
        try:
            with self.datastore.transaction(commit=True) as session:
                session.execute(call_claims.insert().values(company_id=company_id, user_id=user_id, until=until))
        except (IntegrityError, StoreIntegrityError):
            return False  # someone else's claim, still running
        return True

    def release(self, company_id: UUID, user_id: UUID) -> None:
        """Give the company back (after the call is logged, or when skipped)."""
        with self.datastore.transaction(commit=True) as session:
            session.execute(
                delete(call_claims).where(call_claims.c.company_id == company_id, call_claims.c.user_id == user_id)
            )

    def held_by_others(self, user_id: UUID) -> set[UUID]:
        """The companies other users have claimed and not yet given back."""
        query = select(call_claims.c.company_id).where(
            call_claims.c.user_id != user_id, call_claims.c.until > self._now()
        )
        with self.datastore.transaction(commit=False) as session:
            return set(session.scalars(query))

    def sweep(self) -> None:
        """Remove expired claims (they refuse nothing; this only keeps the table small)."""
        with self.datastore.transaction(commit=True) as session:
            session.execute(delete(call_claims).where(call_claims.c.until <= self._now()))
