"""Companies: the list with the list screen's filters and search, one company, and its path."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import request, url_for
from flask_login import current_user

import projections
from crm.errors import ConcurrentChange, CrmError, NotFound
from web.api import schemas as s
from web.api.operations import body, decode_cursor, encode_cursor, operation, query
from web.api.responses import respond, without
from web.services import crm, perform, views

HIDDEN = (
    "search_name",
    "closed_reason",
    "closed_attempt_id",
    "round_started_on",
    "attempts_in_round",
    "last_touched_on",
    "last_attempt_on",
    "last_outcome",
    "last_attempt_user_id",
)


def company_or_404(company_id: UUID) -> dict[str, Any]:
    row = projections.company(views()["outreach"], company_id)
    if row is None:
        raise NotFound(kind="company", id=company_id)
    return without(row, *HIDDEN)


def with_current_version(error: CrmError, company_id: UUID) -> CrmError:
    """A conflict says which version the company is at now, to re-read and retry against."""
    if isinstance(error, ConcurrentChange):
        row = projections.company(views()["outreach"], company_id)
        error.current_version = row["version"] if row else None  # type: ignore[attr-defined]
    return error


@operation("GET", "/companies", tag="companies", query=s.CompanyListQuery, response=s.CompanyList, errors=(400,))
def list_companies():
    """Companies, searched and filtered as on the list screen, a page at a time."""
    args = query(s.CompanyListQuery)
    position = decode_cursor(args.cursor, "page", "size") or {"page": 1, "size": args.limit}
    page = projections.search_companies(
        views()["outreach"],
        args.q or "",
        args.sort if args.sort in projections.SORT_KEYS else "name",
        args.dir == "desc",
        min(position["page"], projections.MAX_PAGE),
        min(max(position["size"], 1), 100),
        stage=args.stage,
        owner_id=args.owner,
        industry=args.industry,
        arena=args.arena,
    )
    if args.q and page.rows:
        # A search can find a company by a person's name: who searched for whom goes in the access log, as on
        # the list screen.
        found = projections.contacts_named(views()["outreach"], args.q, [row["company_id"] for row in page.rows])
        if found:
            people = [person["contact_id"] for person in found]
            crm().access_log.record(current_user.id, "api", people, criterion=args.q, place=request.path)
    more = page.has_next and page.page < projections.MAX_PAGE
    next_cursor = encode_cursor({"page": page.page + 1, "size": page.per_page}) if more else None
    return respond({"items": page.rows, "total": page.total, "total_capped": page.capped, "next_cursor": next_cursor})


@operation("GET", "/companies/<uuid:company_id>", tag="companies", response=s.Company, errors=(404,))
def get_company(company_id: UUID):
    """One company, with the version to send back when changing it."""
    return respond(company_or_404(company_id))


@operation(
    "POST", "/companies", tag="companies", body=s.CompanyCreate, response=s.Company, status=201, errors=(422, 409)
)
def create_company():
    """Register a company as identified."""
    values = s.dump(body(s.CompanyCreate))
    company_id = perform(crm().register_company, **values)
    location = url_for("api.get_company", company_id=company_id)
    return respond(company_or_404(company_id), 201, {"Location": location})


@operation(
    "PATCH",
    "/companies/<uuid:company_id>",
    tag="companies",
    body=s.CompanyUpdate,
    response=s.Company,
    errors=(404, 409, 422),
)
def update_company(company_id: UUID):
    """Correct a company's details, against the version it was read at (409 with the current one when stale)."""
    values = s.dump(body(s.CompanyUpdate))
    expected = values.pop("expected_version")
    try:
        perform(crm().change_company_details, company_id, expected_version=expected, **values)
    except CrmError as error:
        raise with_current_version(error, company_id) from None
    return respond(company_or_404(company_id))


@operation(
    "POST",
    "/companies/<uuid:company_id>/decline",
    tag="companies",
    body=s.Closing,
    response=s.Company,
    errors=(404, 409, 422),
)
def decline_company(company_id: UUID):
    """The company said no; it may be approached again from a day."""
    closing = body(s.Closing)
    perform(crm().decline_company, company_id, closing.approach_again_after, reason=closing.reason)
    return respond(company_or_404(company_id))


@operation(
    "POST",
    "/companies/<uuid:company_id>/park",
    tag="companies",
    body=s.Closing,
    response=s.Company,
    errors=(404, 409, 422),
)
def park_company(company_id: UUID):
    """Pause the outreach until a day."""
    closing = body(s.Closing)
    perform(crm().park_company, company_id, closing.approach_again_after, reason=closing.reason)
    return respond(company_or_404(company_id))


@operation("POST", "/companies/<uuid:company_id>/reapproach", tag="companies", response=s.Company, errors=(404, 409))
def reapproach_company(company_id: UUID):
    """Start a new round with a company whose last round closed."""
    perform(crm().reapproach_company, company_id)
    return respond(company_or_404(company_id))


@operation(
    "POST",
    "/companies/<uuid:company_id>/move",
    tag="companies",
    body=s.Move,
    response=s.Company,
    errors=(404, 409, 422),
)
def move_company(company_id: UUID):
    """Move a company one plain step on its path."""
    move = body(s.Move)
    try:
        perform(crm().move_company, company_id, move.stage, expected_version=move.expected_version)
    except CrmError as error:
        raise with_current_version(error, company_id) from None
    return respond(company_or_404(company_id))
