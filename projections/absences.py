"""Days away (User.AbsenceMarked): the table the users view keeps, and how the queue reads it.

An owner's follow-ups due within an absence go to the stand-in's queue while the absence runs,
or, with no stand-in, fall due on the first working day after it (`back_on`, decided by the
command). Nothing is rewritten: the queue reads the moved day, so cancelling an absence puts
every follow-up back where it was.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypedDict, cast
from uuid import UUID

from sqlalchemy import Column, ColumnElement, Date, Table, Uuid, and_, func, select

from projections.outreach_tables import companies
from projections.schema import metadata

absences = Table(
    "rm_absences",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("first_day", Date, primary_key=True),
    Column("last_day", Date, nullable=False),
    Column("back_on", Date, nullable=False),
    Column("stand_in_id", Uuid),
)


class AbsenceRow(TypedDict):
    user_id: UUID
    first_day: date
    last_day: date
    back_on: date
    stand_in_id: UUID | None


def responsible_user() -> ColumnElement[Any]:
    """Whose queue a company is on: its owner, or with no owner whoever made its last attempt."""
    return func.coalesce(companies.c.owner_id, companies.c.last_attempt_user_id)


def _covers(absence: Any = absences) -> ColumnElement[bool]:
    """The absence is its responsible user's, and the company's follow-up falls within it."""
    return and_(
        absence.c.user_id == responsible_user(),
        companies.c.next_follow_up >= absence.c.first_day,
        companies.c.next_follow_up <= absence.c.last_day,
    )


def due_on() -> ColumnElement[Any]:
    """When the company's follow-up falls due on its owner's queue: moved past an absence with no stand-in."""
    moved = (
        select(absences.c.back_on)
        .where(_covers(), absences.c.stand_in_id.is_(None))
        .correlate(companies)
        .scalar_subquery()
    )
    return func.coalesce(moved, companies.c.next_follow_up)


def queue_absences(
    view: Any, user_id: UUID, today: date
) -> tuple[list[tuple[date, date]], list[tuple[UUID, date, date]]]:
    """What the user's queue reads of absences, in one query: their own with no stand-in, over or not (the
    days whose follow-ups `due_on` moves past them), and the running ones they stand in for (the absent
    user, the first and the last day)."""
    moving = (absences.c.user_id == user_id) & absences.c.stand_in_id.is_(None)
    query = select(absences.c.user_id, absences.c.first_day, absences.c.last_day, absences.c.stand_in_id).where(
        moving | ((absences.c.stand_in_id == user_id) & (absences.c.last_day >= today))
    )
    with view.transaction(commit=False) as session:
        rows = list(session.execute(query))
    own = [(first, last) for absent, first, last, stand_in in rows if stand_in is None and absent == user_id]
    covered = [(absent, first, last) for absent, first, last, stand_in in rows if stand_in == user_id]
    return own, covered


def absences_of(view: Any, user_id: UUID, today: date) -> list[AbsenceRow]:
    """The user's absences that are not over, the soonest first."""
    query = (
        select(absences)
        .where(absences.c.user_id == user_id, absences.c.last_day >= today)
        .order_by(absences.c.first_day)
    )
    with view.transaction(commit=False) as session:
        return cast(list[AbsenceRow], [dict(row._mapping) for row in session.execute(query)])
