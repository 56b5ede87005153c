"""Department overlap: companies approached by several departments or users within a window.

One municipality, one voice: the job centre, the health department and
business service should not each call the same company in one week.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TypedDict
from uuid import UUID

from sqlalchemy import func, select

from projections.outreach_tables import attempts, companies
from projections.outreach_view import OutreachView
from projections.queue import responsible
from projections.users import users


class Overlap(TypedDict):
    company_id: UUID
    name: str
    departments: list[str]
    users: list[str]
    attempts: int
    last_on: date


def department_overlap(
    view: OutreachView, today: date, window_days: int = 14, responsible_for: UUID | None = None
) -> list[Overlap]:
    """Companies with attempts from more than one department or user since `window_days` ago, by name;
    with `responsible_for`, only the companies on that user's queue."""
    since = today - timedelta(days=window_days)
    recent = (
        select(
            attempts.c.company_id, attempts.c.user_id, users.c.department, users.c.display_name, attempts.c.occurred_on
        )
        .join(users, users.c.user_id == attempts.c.user_id)
        .where(attempts.c.occurred_on >= since, attempts.c.voided.is_(False))
        .subquery()
    )
    crowded = (
        select(recent.c.company_id)
        .group_by(recent.c.company_id)
        .having((func.count(recent.c.department.distinct()) > 1) | (func.count(recent.c.user_id.distinct()) > 1))
        .subquery()
    )
    query = (
        select(recent, companies.c.name)
        .join(companies, companies.c.company_id == recent.c.company_id)
        .where(recent.c.company_id.in_(select(crowded.c.company_id)))
        .order_by(companies.c.name, recent.c.company_id, recent.c.occurred_on)
    )
    if responsible_for is not None:
        query = query.where(responsible(responsible_for))
    found: dict[Any, dict[str, Any]] = {}
    with view.transaction(commit=False) as session:
        for row in session.execute(query):
            entry = found.setdefault(
                row.company_id,
                {
                    "company_id": row.company_id,
                    "name": row.name,
                    "departments": set(),
                    "users": set(),
                    "attempts": 0,
                    "last_on": row.occurred_on,
                },
            )
            entry["departments"].add(row.department)
            entry["users"].add(row.display_name)
            entry["attempts"] += 1
            entry["last_on"] = max(entry["last_on"], row.occurred_on)
    return [
        Overlap(
            company_id=entry["company_id"],
            name=entry["name"],
            departments=sorted(entry["departments"]),
            users=sorted(entry["users"]),
            attempts=entry["attempts"],
            last_on=entry["last_on"],
        )
        for entry in found.values()
    ]


class OtherTouch(TypedDict):
    """Someone of another department who approached the company within the window."""

    user_id: UUID
    display_name: str
    department: str
    attempts: int
    last_on: date


def others_touching(
    view: OutreachView, company_id: UUID, today: date, window_days: int, user_id: UUID, department: str | None
) -> list[OtherTouch]:
    """Who of another department than `department` (anyone but the user, when it is None) logged an attempt
    on the company since `window_days` ago; the latest first. Shown to whoever is about to log the next one."""
    since = today - timedelta(days=window_days)
    others = users.c.department != department if department else users.c.user_id != user_id
    query = (
        select(
            attempts.c.user_id,
            users.c.display_name,
            users.c.department,
            func.count().label("attempts"),
            func.max(attempts.c.occurred_on).label("last_on"),
        )
        .join(users, users.c.user_id == attempts.c.user_id)
        .where(
            attempts.c.company_id == company_id,
            attempts.c.occurred_on >= since,
            attempts.c.voided.is_(False),
            attempts.c.user_id != user_id,
            others,
        )
        .group_by(attempts.c.user_id, users.c.display_name, users.c.department)
        .order_by(func.max(attempts.c.occurred_on).desc(), users.c.display_name)
    )
    with view.transaction(commit=False) as session:
        return [OtherTouch(**row._mapping) for row in session.execute(query)]  # type: ignore[typeddict-item]
