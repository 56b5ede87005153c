"""Agreement follow-ups waiting to be held: the written feedback is given, the follow-up about a month
later is not yet, on companies a user owns. The day it falls due is a Danish working day a month after
the feedback, which the caller computes (the working-day calendar belongs to the screens)."""

from __future__ import annotations

from datetime import date
from typing import TypedDict, cast
from uuid import UUID

from sqlalchemy import select

from projections.agreement_tables import agreements
from projections.outreach_tables import companies
from projections.outreach_view import OutreachView
from projections.reading import fetch


class WaitingFollowUp(TypedDict):
    agreement_id: UUID
    company_id: UUID
    name: str
    feedback_on: date


def waiting_follow_ups(view: OutreachView, owner_id: UUID, feedback_before: date) -> list[WaitingFollowUp]:
    """The owner's signed agreements whose feedback was given before `feedback_before` and whose
    follow-up is not yet held, oldest feedback first."""
    query = (
        select(agreements.c.agreement_id, agreements.c.company_id, companies.c.name, agreements.c.feedback_on)
        .select_from(agreements.join(companies, companies.c.company_id == agreements.c.company_id))
        .where(
            companies.c.owner_id == owner_id,
            agreements.c.status == "signed",
            agreements.c.feedback_on.is_not(None),
            agreements.c.feedback_on < feedback_before,
            agreements.c.follow_up_on.is_(None),
        )
        .order_by(agreements.c.feedback_on, companies.c.name, agreements.c.agreement_id)
    )
    return cast(list[WaitingFollowUp], fetch(view, query))
