"""The persistent-contact queue (the recruiter's day), a query over the outreach read model.

Each section is stated once, as a condition on a company's row: the day's
lists select by it, and one company's row is labelled by it, so a row swapped
in place after an attempt lands in the same section a reload would show.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, TypedDict, cast
from uuid import UUID

from sqlalchemy import ColumnElement, case, func, literal, or_, select

from crm.vocabulary import DECLINED, IN_OUTREACH, PARKED
from projections.absences import due_on, standing_in
from projections.outreach_tables import closed_reason, companies
from projections.outreach_view import OutreachView
from projections.reading import fetch, fetch_one

SECTIONS = ("overdue", "due_today", "no_next_step", "reapproach")

# When a follow-up falls due on the queue: the planned day, or past its owner's absence (projections/absences.py).
DUE = due_on()

ROW = (
    companies.c.company_id,
    companies.c.name,
    companies.c.version,
    companies.c.stage,
    companies.c.owner_id,
    companies.c.attempts_in_round,
    companies.c.last_outcome,
    companies.c.last_attempt_on,
    DUE.label("next_follow_up"),
    companies.c.next_follow_up.label("planned_follow_up"),
    companies.c.approach_again_after,
    closed_reason,
)


class QueueRow(TypedDict):
    """A company on the queue: `section` is one of SECTIONS, or "later" (a next step is planned) or "closed"."""

    company_id: UUID
    name: str
    version: int
    stage: str
    owner_id: UUID | None
    attempts_in_round: int
    last_outcome: str | None
    last_attempt_on: date | None
    next_follow_up: date | None  # when it falls due, moved past the owner's absence
    planned_follow_up: date | None  # the day the attempt planned
    approach_again_after: date | None
    closed_reason: str | None
    section: str
    days_overdue: int


def responsible(user_id: UUID) -> ColumnElement[bool]:
    """A company is on a user's queue when they own it, or, with no owner, made its last attempt."""
    return or_(
        companies.c.owner_id == user_id,
        companies.c.owner_id.is_(None) & (companies.c.last_attempt_user_id == user_id),
    )


def _conditions(today: date) -> dict[str, ColumnElement[bool]]:
    """Where a company stands today, section by section."""
    c = companies.c
    active = c.stage.in_(IN_OUTREACH)
    return {
        "overdue": active & (today > DUE),
        "due_today": active & (today == DUE),
        "no_next_step": active & c.next_follow_up.is_(None),
        "reapproach": c.stage.in_((DECLINED, PARKED)) & (c.approach_again_after <= today),
        "later": active & (today < DUE),
    }


ORDER = {
    "overdue": (DUE, companies.c.name),
    "due_today": (companies.c.name,),
    "no_next_step": (companies.c.last_touched_on, companies.c.name),
    "reapproach": (companies.c.approach_again_after, companies.c.name),
}


def _mine(view: OutreachView, user_id: UUID | None, today: date) -> ColumnElement[bool]:
    """The user's own companies, and those whose follow-up is due while someone they stand in for is away."""
    if user_id is None:
        return literal(True)
    return or_(responsible(user_id), *standing_in(view, user_id, today))


MAX_QUEUE_PAGE = 10_000  # keeps OFFSET within every database's integer


def _labelled(rows: list[dict[str, Any]], section: str | None, today: date) -> list[QueueRow]:
    for row in rows:
        row["section"] = section or row["section"]
        row["days_overdue"] = (today - row["next_follow_up"]).days if row["section"] == "overdue" else 0
    return cast(list[QueueRow], rows)


def my_day(
    view: OutreachView,
    user_id: UUID | None,
    today: date,
    limit: int | None = None,
    sections: Iterable[str] = SECTIONS,
) -> dict[str, list[QueueRow]]:
    """Overdue, due today, in outreach with no next step, and ready to approach again: everyone's with no user.

    `limit` caps each section's rows (a day's work, not a backlog); `queue_counts` says how many there are.
    """
    conditions = _conditions(today)
    mine = _mine(view, user_id, today)
    return {
        name: _labelled(
            fetch(
                view,
                select(*ROW).where(mine, conditions[name]).order_by(*ORDER[name], companies.c.company_id).limit(limit),
            ),
            name,
            today,
        )
        for name in sections
    }


def queue_page(
    view: OutreachView, user_id: UUID | None, today: date, section: str, page: int = 1, per_page: int = 50
) -> list[QueueRow]:
    """One page of one section of the queue, in the queue's order: only the rows a screen shows."""
    page = max(1, min(page, MAX_QUEUE_PAGE))
    query = select(*ROW).where(_mine(view, user_id, today), _conditions(today)[section])
    query = query.order_by(*ORDER[section], companies.c.company_id).limit(per_page).offset((page - 1) * per_page)
    return _labelled(fetch(view, query), section, today)


def queue_counts(view: OutreachView, user_id: UUID | None, today: date) -> dict[str, int]:
    """How many companies each section of the user's queue holds."""
    conditions = _conditions(today)
    mine = _mine(view, user_id, today)
    query = select(*(func.count(case((conditions[name], 1))).label(name) for name in SECTIONS)).where(mine)
    found = fetch_one(view, query.select_from(companies)) or {}
    return {name: int(found.get(name) or 0) for name in SECTIONS}


def queue_row(view: OutreachView, company_id: UUID, today: date) -> QueueRow | None:
    """One company's row as the queue shows it today, with its section, to swap in place after an attempt."""
    conditions = _conditions(today)
    section = case(*((condition, name) for name, condition in conditions.items()), else_="closed").label("section")
    row = fetch_one(view, select(*ROW, section).where(companies.c.company_id == company_id))
    return _labelled([row], None, today)[0] if row is not None else None
