"""What goes in a user's calendar feed: their follow-ups, and the dates of their companies' agreements."""

from __future__ import annotations

from datetime import date
from typing import TypedDict
from uuid import UUID

from sqlalchemy import select

from crm.vocabulary import IN_OUTREACH
from projections.agreement_tables import agreements, commitments
from projections.base import View
from projections.outreach_tables import companies
from projections.queue import responsible
from projections.reading import fetch


class CalendarDates(TypedDict):
    """follow_ups: (company_id, name, day); feedback: signed agreements whose one-month follow-up is
    still to be held, with the day of the feedback (company_id, name, agreement_id, feedback_on);
    commitments: open commitments with a due date."""

    follow_ups: list[dict]
    feedback: list[dict]
    commitments: list[dict]


def calendar_dates(view: View, user_id: UUID, since: date) -> CalendarDates:
    """The dates of the companies the user is responsible for, from `since` on (feedback from any day:
    its follow-up falls a month later)."""
    c = companies.c
    mine = responsible(user_id)
    follow_ups = fetch(
        view,
        select(c.company_id, c.name, c.next_follow_up.label("day"))
        .where(mine, c.stage.in_(IN_OUTREACH), c.next_follow_up >= since)
        .order_by(c.next_follow_up, c.name),
    )
    a = agreements.c
    feedback = fetch(
        view,
        select(c.company_id, c.name, a.agreement_id, a.feedback_on)
        .join(agreements, a.company_id == c.company_id)
        .where(mine, a.status == "signed", a.feedback_on.is_not(None), a.follow_up_on.is_(None))
        .order_by(a.feedback_on),
    )
    m = commitments.c
    due = fetch(
        view,
        select(c.company_id, c.name, m.agreement_id, m.commitment_id, m.kind, m.description, m.due_on.label("day"))
        .join(commitments, m.company_id == c.company_id)
        .where(mine, m.state == "open", m.due_on >= since)
        .order_by(m.due_on),
    )
    return {"follow_ups": follow_ups, "feedback": feedback, "commitments": due}
