"""Channel partners, the pipeline (now or at any past moment), and the event feed for auditors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pydantic import Field

import projections
from crm.audit.log import events_after
from crm.clock import COPENHAGEN, local_date
from crm.errors import NotFound
from web.api import schemas as s
from web.api.errors import ApiError
from web.api.operations import body, operation, page_of, query
from web.api.people import log_api_read
from web.api.responses import respond
from web.params import EARLIEST_DAY, MAX_POSITION
from web.services import crm, perform, today, views
from web.translating import gettext as _

# --- channel partners ------------------------------------------------------------------------------


class PartnerCreate(s.Body):
    name: str = Field(examples=["3F Horsens"])
    kind: str = Field(examples=["union"])
    note: str | None = None


class PartnerRename(s.Body):
    name: str


class Partner(s.Answer):
    partner_id: UUID
    name: str
    kind: str


class PartnerList(s.Answer):
    items: list[Partner]
    next_cursor: str | None = Field(description="Give it as `cursor` for the next page; null on the last.")


def partner_or_404(partner_id: UUID) -> dict[str, Any]:
    found = [p for p in projections.partners_list(views()["outreach"]) if p["partner_id"] == partner_id]
    if not found:
        raise NotFound(kind="partner", id=partner_id)
    return dict(found[0])


@operation("GET", "/partners", tag="partners", query=s.PageQuery, response=PartnerList, errors=(400,))
def list_partners():
    """The channel partners (unions, housing associations, business networks...), by name, a page at a time."""
    args = query(s.PageQuery)
    rows, next_cursor = page_of(projections.partners_list(views()["outreach"]), args.limit, args.cursor)
    return respond({"items": rows, "next_cursor": next_cursor})


@operation("POST", "/partners", tag="partners", body=PartnerCreate, response=Partner, status=201, errors=(409, 422))
def create_partner():
    """Register a channel partner."""
    values = body(PartnerCreate)
    partner_id = perform(crm().register_partner, values.name, values.kind, values.note)
    return respond(partner_or_404(partner_id), 201)


@operation(
    "PATCH", "/partners/<uuid:partner_id>", tag="partners", body=PartnerRename, response=Partner, errors=(404, 409, 422)
)
def rename_partner(partner_id: UUID):
    """Rename a channel partner."""
    perform(crm().rename_partner, partner_id, body(PartnerRename).name)
    return respond(partner_or_404(partner_id))


# --- the pipeline ----------------------------------------------------------------------------------


class PipelineQuery(s.Body):
    as_of: datetime | None = Field(None, description="A past moment (ISO 8601; without a zone, Danish time).")
    owner: UUID | None = None
    industry: str | None = Field(None, max_length=64)
    arena: str | None = Field(None, max_length=64)
    strategy: str | None = Field(None, max_length=64)
    per_stage: int = Field(50, ge=0, le=500, description="How many companies to list per stage.")


class Card(s.Answer):
    company_id: UUID
    name: str
    stage: str
    stage_since: datetime
    days_in_stage: int


class Column(s.Answer):
    stage: str
    count: int
    companies: list[Card]


class Pipeline(s.Answer):
    as_of: datetime
    stages: list[Column]


@operation("GET", "/pipeline", tag="pipeline", query=PipelineQuery, response=Pipeline, errors=(400,))
def pipeline():
    """The companies per stage, now or as they stood at a past moment."""
    args = query(PipelineQuery)
    now = crm().clock.now()
    moment = args.as_of.replace(tzinfo=args.as_of.tzinfo or COPENHAGEN) if args.as_of else now
    if args.as_of is not None and not (datetime.combine(EARLIEST_DAY, datetime.min.time(), UTC) <= moment <= now):
        raise ApiError(400, "bad_request", _("Choose a moment in the past."), "as_of")
    filters = {"owner_id": args.owner, "industry": args.industry, "arena": args.arena, "strategy": args.strategy}
    filters = {name: value for name, value in filters.items() if value}
    if args.as_of is None:
        board = projections.board(views()["outreach"], today(), per_stage=args.per_stage, **filters)
    else:
        past = projections.as_of(crm(), moment)
        try:
            board = projections.board(past["outreach"], local_date(moment), per_stage=args.per_stage, **filters)
        finally:
            past.close()
    stages = [{"stage": stage, **column} for stage, column in board.items()]
    return respond({"as_of": moment, "stages": stages})


# --- the event feed --------------------------------------------------------------------------------


class EventsQuery(s.Body):
    after: int = Field(0, ge=0, le=MAX_POSITION, description="The last position already read (0: from the start).")
    limit: int = Field(100, ge=1, le=1000)


class Event(s.Answer):
    position: int = Field(description="The event's position in the log: give the last one as `after`.")
    originator_id: UUID
    originator_version: int
    topic: str
    timestamp: datetime | None
    state: Any = Field(description="The event as stored (the library's JSON).")
    chain_link: str | None = Field(description="Its link in the hash chain (SHA-256, hex); null in memory.")


class Events(s.Answer):
    items: list[Event]
    next_after: int = Field(description="Ask for the events after this position next.")


@operation("GET", "/events", tag="events", query=EventsQuery, response=Events, errors=(400,))
def list_events():
    """The event log in log order, after a position: for a data warehouse to follow (auditors)."""
    args = query(EventsQuery)
    found = events_after(crm(), args.after, args.limit)
    log_api_read(sorted({event.originator_id for event in found if event.is_personal}))
    items = [vars(event) for event in found]
    return respond({"items": items, "next_after": found[-1].position if found else args.after})
