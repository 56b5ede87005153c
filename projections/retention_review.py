"""The retention review: people whose data may have outlived its purpose, for the project lead to review.

Two kinds: the people at companies where nothing has happened since a day (no attempt,
note or change: the company's `last_touched_on`), and the people at declined or parked
companies whose re-approach date passed long ago. Erased people are left out.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, TypedDict, cast
from uuid import UUID

from sqlalchemy import and_, or_, select

from crm.vocabulary import DECLINED, ERASED_PERSON, PARKED
from projections.outreach_tables import companies, contacts
from projections.outreach_view import OutreachView
from projections.reading import fetch

Why = Literal["inactive", "past_reapproach"]


class ReviewRow(TypedDict):
    contact_id: UUID
    name: str
    role: str
    company_id: UUID
    company_name: str
    stage: str
    last_touched_on: date
    approach_again_after: date | None
    why: Why


def retention_review(view: OutreachView, untouched_since: date, reapproach_before: date) -> list[ReviewRow]:
    """The people to review, the longest untouched first: at companies untouched since `untouched_since`,
    or declined or parked with a re-approach date before `reapproach_before`."""
    closed_long_ago = and_(
        companies.c.stage.in_((DECLINED, PARKED)), companies.c.approach_again_after < reapproach_before
    )
    query = (
        select(
            contacts.c.contact_id,
            contacts.c.name,
            contacts.c.role,
            companies.c.company_id,
            companies.c.name.label("company_name"),
            companies.c.stage,
            companies.c.last_touched_on,
            companies.c.approach_again_after,
        )
        .select_from(contacts.join(companies, companies.c.company_id == contacts.c.company_id))
        .where(contacts.c.name != ERASED_PERSON)
        .where(or_(companies.c.last_touched_on < untouched_since, closed_long_ago))
        .order_by(companies.c.last_touched_on, companies.c.name, contacts.c.name)
    )
    rows = fetch(view, query)
    for row in rows:
        past = row["stage"] in (DECLINED, PARKED) and row["approach_again_after"] is not None
        row["why"] = "past_reapproach" if past and row["approach_again_after"] < reapproach_before else "inactive"
    return cast(list[ReviewRow], rows)
