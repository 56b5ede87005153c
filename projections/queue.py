"""The persistent-contact queue (the recruiter's day), a query over the outreach read model."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import or_, select

from crm.companies import IN_OUTREACH
from projections.outreach import OutreachView, closed_reason, companies

ROW = (
    companies.c.company_id,
    companies.c.name,
    companies.c.version,
    companies.c.stage,
    companies.c.owner_id,
    companies.c.attempts_in_round,
    companies.c.last_outcome,
    companies.c.last_attempt_on,
    companies.c.next_follow_up,
    companies.c.approach_again_after,
    closed_reason,
)


def responsible(user_id: UUID):
    """A company is on a user's queue when they own it, or, with no owner, made its last attempt."""
    return or_(
        companies.c.owner_id == user_id,
        companies.c.owner_id.is_(None) & (companies.c.last_attempt_user_id == user_id),
    )


def my_day(view: OutreachView, user_id: UUID | None, today: date) -> dict[str, list[dict[str, Any]]]:
    """Overdue, due today, in outreach with no next step, and ready to approach again."""
    mine = responsible(user_id) if user_id is not None else companies.c.company_id.is_not(None)
    active = companies.c.stage.in_(IN_OUTREACH)
    sections = {
        "overdue": select(*ROW)
        .where(mine, active, companies.c.next_follow_up < today)
        .order_by(companies.c.next_follow_up, companies.c.name),
        "due_today": select(*ROW).where(mine, active, companies.c.next_follow_up == today).order_by(companies.c.name),
        "no_next_step": select(*ROW)
        .where(mine, active, companies.c.next_follow_up.is_(None))
        .order_by(companies.c.last_touched_on, companies.c.name),
        "reapproach": select(*ROW)
        .where(
            mine,
            companies.c.stage.in_(("declined", "parked")),
            companies.c.approach_again_after <= today,
        )
        .order_by(companies.c.approach_again_after, companies.c.name),
    }
    with view.transaction(commit=False) as session:
        result = {name: [dict(r._mapping) for r in session.execute(query)] for name, query in sections.items()}
    for row in result["overdue"]:
        row["days_overdue"] = (today - row["next_follow_up"]).days
    return result


def queue_row(view: OutreachView, company_id: UUID) -> dict[str, Any] | None:
    """One company's row as the queue shows it, to swap in place after an attempt."""
    with view.transaction(commit=False) as session:
        row = session.execute(select(*ROW).where(companies.c.company_id == company_id)).first()
    return dict(row._mapping) if row else None
