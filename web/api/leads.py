"""A user's follow-up queue, and leads: shared, claimed, declined."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from flask import url_for
from flask_login import current_user
from pydantic import Field

import projections
from crm.commands.leads import NewCompany, NewContact
from crm.errors import NotFound
from web.api import schemas as s
from web.api.operations import body, decode_cursor, encode_cursor, operation, page_of, query
from web.api.responses import respond
from web.services import crm, perform, today, views

DUE = {"overdue": "overdue", "today": "due_today", "none": "no_next_step", "reapproach": "reapproach"}


class QueueQuery(s.PageQuery):
    user_id: UUID | None = Field(None, description="Whose queue (the caller's when left out).")
    due: str | None = Field(
        None, pattern="^(today|overdue|none|reapproach)$", description="One section; every section when left out."
    )


class QueueRow(s.Answer):
    company_id: UUID
    name: str
    version: int
    stage: str
    owner_id: UUID | None
    next_follow_up: date | None
    approach_again_after: date | None
    section: str = Field(description="overdue, due_today, no_next_step or reapproach.")
    days_overdue: int


class Queue(s.Answer):
    items: list[QueueRow]
    next_cursor: str | None = Field(description="Give it as `cursor` for the next page; null on the last.")


@operation("GET", "/queue", tag="queue", query=QueueQuery, response=Queue, errors=(400,))
def follow_up_queue():
    """A user's follow-up queue: overdue, due today, no next step, ready to approach again."""
    args = query(QueueQuery)
    sections = [DUE[args.due]] if args.due else list(projections.QUEUE_SECTIONS)
    found = projections.my_day(views()["outreach"], args.user_id or current_user.id, today(), sections=sections)
    rows, next_cursor = page_of([row for section in sections for row in found[section]], args.limit, args.cursor)
    return respond({"items": rows, "next_cursor": next_cursor})


# --- leads -----------------------------------------------------------------------------------------


class LeadListQuery(s.Body):
    status: str | None = Field(None, pattern="^(open|claimed|declined|all)$", description="open when left out.")
    limit: int = Field(50, ge=1, le=100)
    cursor: str | None = Field(None, max_length=200)


class Lead(s.Answer):
    lead_id: UUID
    company_id: UUID
    shared_by: UUID
    shared_at: datetime
    lead_reason: str
    suggested_contact_id: UUID | None
    suggested_role: str | None
    urgency: str
    status: str
    claimed_by: UUID | None
    decided_at: datetime | None
    decline_reason: str | None
    version: int


class LeadList(s.Answer):
    items: list[Lead]
    next_cursor: str | None


class NewCompanyBody(s.Body):
    name: str
    industry: str
    cvr: str | None = None


class NewContactBody(s.Body):
    name: str
    role: str | None = None
    phone: str | None = None
    email: str | None = None


class LeadShare(s.Body):
    company_id: UUID | None = Field(None, description="An existing company, or name a `new_company`.")
    new_company: NewCompanyBody | None = None
    lead_reason: str = Field(examples=["Højt sygefravær; tal med HR-chefen"])
    suggested_contact_id: UUID | None = None
    new_contact: NewContactBody | None = None
    suggested_role: str | None = None
    urgency: str = Field("normal", examples=["normal"])
    arena: str | None = None
    strategy: str | None = None
    source_partner_id: UUID | None = None


def lead_or_404(lead_id: UUID) -> dict[str, Any]:
    row = views()["leads"].lead(lead_id, today())
    if row is None:
        raise NotFound(kind="lead", id=lead_id)
    return dict(row)


@operation("GET", "/leads", tag="leads", query=LeadListQuery, response=LeadList, errors=(400,))
def list_leads():
    """Leads as the recruiters' inbox orders them: open ones by urgency and age, then decided ones."""
    args = query(LeadListQuery)
    position = decode_cursor(args.cursor, "offset") or {"offset": 0}
    status = None if args.status == "all" else (args.status or "open")
    rows = views()["leads"].inbox(today(), status, limit=position["offset"] + args.limit + 1)
    page = rows[position["offset"] : position["offset"] + args.limit]
    more = len(rows) > position["offset"] + args.limit
    return respond(
        {"items": page, "next_cursor": encode_cursor({"offset": position["offset"] + args.limit}) if more else None}
    )


@operation("GET", "/leads/<uuid:lead_id>", tag="leads", response=Lead, errors=(404,))
def get_lead(lead_id: UUID):
    """One lead."""
    return respond(lead_or_404(lead_id))


@operation("POST", "/leads", tag="leads", body=LeadShare, response=Lead, status=201, errors=(404, 409, 422))
def share_lead():
    """Share a lead about an existing company or a new one (with a new contact, if named)."""
    values = body(LeadShare)
    lead_id = perform(
        crm().share_lead,
        values.company_id,
        values.lead_reason,
        values.suggested_contact_id,
        values.suggested_role,
        values.urgency,
        values.arena,
        values.strategy,
        values.source_partner_id,
        new_company=NewCompany(**values.new_company.model_dump()) if values.new_company else None,
        new_contact=NewContact(**values.new_contact.model_dump()) if values.new_contact else None,
    )
    return respond(lead_or_404(lead_id), 201, {"Location": url_for("api.get_lead", lead_id=lead_id)})


@operation("POST", "/leads/<uuid:lead_id>/claim", tag="leads", response=Lead, errors=(404, 409))
def claim_lead(lead_id: UUID):
    """Take the lead on: the company becomes the caller's to approach."""
    perform(crm().claim_lead, lead_id)
    return respond(lead_or_404(lead_id))


@operation("POST", "/leads/<uuid:lead_id>/decline", tag="leads", body=s.Reason, response=Lead, errors=(404, 409, 422))
def decline_lead(lead_id: UUID):
    """Decline the lead, saying why."""
    perform(crm().decline_lead, lead_id, reason=body(s.Reason).reason)
    return respond(lead_or_404(lead_id))
