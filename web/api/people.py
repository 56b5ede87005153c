"""A company's workplaces, contacts (personal data: every read is in the access log) and outreach attempts."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import request, url_for
from flask_login import current_user

import projections
from crm.errors import ConcurrentChange, NotFound
from web.api import schemas as s
from web.api.companies import company_or_404
from web.api.operations import body, operation, page_of, query
from web.api.responses import no_content, respond, without
from web.services import crm, perform, views

COMPANY = "/companies/<uuid:company_id>"


def log_api_read(contact_ids: list[UUID]) -> None:
    """Names, phones and e-mails sent to a system are personal data read: the access log records whose."""
    if contact_ids:
        crm().access_log.record(current_user.id, "api", contact_ids, place=request.path)


# --- workplaces -------------------------------------------------------------------------------------


@operation(
    "GET", f"{COMPANY}/workplaces", tag="workplaces", query=s.PageQuery, response=s.WorkplaceList, errors=(400, 404)
)
def list_workplaces(company_id: UUID):
    """The company's workplaces (production units), a page at a time."""
    args = query(s.PageQuery)
    company_or_404(company_id)
    rows, next_cursor = page_of(projections.workplaces_of(views()["outreach"], company_id), args.limit, args.cursor)
    return respond({"items": rows, "next_cursor": next_cursor})


@operation(
    "POST",
    f"{COMPANY}/workplaces",
    tag="workplaces",
    body=s.WorkplaceCreate,
    response=s.Workplace,
    status=201,
    errors=(404, 409, 422),
)
def add_workplace(company_id: UUID):
    """Add a workplace where conversations can take place."""
    values = body(s.WorkplaceCreate)
    workplace_id = perform(crm().add_workplace, company_id, values.name, values.p_number, values.address)
    [row] = [w for w in projections.workplaces_of(views()["outreach"], company_id) if w["workplace_id"] == workplace_id]
    return respond(row, 201)


@operation(
    "DELETE",
    f"{COMPANY}/workplaces/<workplace_id>",
    tag="workplaces",
    query=s.ReasonQuery,
    status=204,
    errors=(400, 404, 409, 422),
)
def remove_workplace(company_id: UUID, workplace_id: str):
    """Remove a workplace recorded in error or closed (`reason` says why)."""
    reason = query(s.ReasonQuery).reason
    perform(crm().remove_workplace, company_id, workplace_id[:64], reason=reason)
    return no_content()


# --- contacts ---------------------------------------------------------------------------------------


def contact_or_404(company_id: UUID, contact_id: UUID) -> dict[str, Any]:
    row = projections.contact_at(views()["outreach"], company_id, contact_id)
    if row is None:
        raise NotFound(kind="contact", id=contact_id)
    log_api_read([contact_id])
    return without(row, "search_name")


@operation("GET", f"{COMPANY}/contacts", tag="contacts", query=s.PageQuery, response=s.ContactList, errors=(400, 404))
def list_contacts(company_id: UUID):
    """The people at the company, archived ones too, a page at a time (the page's read into the access log)."""
    args = query(s.PageQuery)
    company_or_404(company_id)
    rows, next_cursor = page_of(projections.contacts_of(views()["outreach"], company_id), args.limit, args.cursor)
    log_api_read([row["contact_id"] for row in rows])
    return respond({"items": [without(row, "search_name") for row in rows], "next_cursor": next_cursor})


@operation("GET", f"{COMPANY}/contacts/<uuid:contact_id>", tag="contacts", response=s.Contact, errors=(404,))
def get_contact(company_id: UUID, contact_id: UUID):
    """One person at the company, with the version to send back when changing them."""
    return respond(contact_or_404(company_id, contact_id))


@operation(
    "POST",
    f"{COMPANY}/contacts",
    tag="contacts",
    body=s.ContactCreate,
    response=s.Contact,
    status=201,
    errors=(404, 409, 422),
)
def add_contact(company_id: UUID):
    """Record a person at the company and their role."""
    values = body(s.ContactCreate)
    contact_id = perform(
        crm().register_contact,
        company_id,
        values.name,
        values.role,
        values.phone,
        values.email,
        is_decision_maker=values.is_decision_maker,
    )
    location = url_for("api.get_contact", company_id=company_id, contact_id=contact_id)
    return respond(contact_or_404(company_id, contact_id), 201, {"Location": location})


@operation(
    "PATCH",
    f"{COMPANY}/contacts/<uuid:contact_id>",
    tag="contacts",
    body=s.ContactUpdate,
    response=s.Contact,
    errors=(404, 409, 422),
)
def update_contact(company_id: UUID, contact_id: UUID):
    """Correct a person's name, phone or e-mail (against a version), or record a new role."""
    values = s.dump(body(s.ContactUpdate))
    current = contact_or_404(company_id, contact_id)
    try:
        if {"name", "phone", "email"} & values.keys():
            perform(
                crm().change_contact_details,
                contact_id,
                values.get("name", current["name"]),
                values.get("phone", current["phone"]),
                values.get("email", current["email"]),
                expected_version=values.get("expected_version"),
            )
        if {"role", "is_decision_maker"} & values.keys():
            perform(
                crm().change_contact_role,
                contact_id,
                values.get("role") or current["role"],
                values.get("is_decision_maker", current["is_decision_maker"]),
            )
    except ConcurrentChange as error:
        error.current_version = contact_or_404(company_id, contact_id)["version"]  # type: ignore[attr-defined]
        raise
    return respond(contact_or_404(company_id, contact_id))


@operation("DELETE", f"{COMPANY}/contacts/<uuid:contact_id>", tag="contacts", response=s.Contact, errors=(404, 409))
def archive_contact(company_id: UUID, contact_id: UUID):
    """The person left the company: archived, kept for the history."""
    contact_or_404(company_id, contact_id)
    perform(crm().archive_contact, contact_id)
    return respond(contact_or_404(company_id, contact_id))


# --- attempts ---------------------------------------------------------------------------------------


def attempt_or_404(company_id: UUID, attempt_id: UUID) -> Any:
    row = projections.attempt_at(views()["outreach"], company_id, attempt_id)
    if row is None:
        raise NotFound(kind="attempt", id=attempt_id)
    return row


@operation("GET", f"{COMPANY}/attempts", tag="attempts", query=s.PageQuery, response=s.AttemptList, errors=(400, 404))
def list_attempts(company_id: UUID):
    """Every outreach attempt logged for the company, of every round, a page at a time."""
    args = query(s.PageQuery)
    company_or_404(company_id)
    rows, next_cursor = page_of(projections.attempts_of(views()["outreach"], company_id), args.limit, args.cursor)
    return respond({"items": rows, "next_cursor": next_cursor})


@operation(
    "POST",
    f"{COMPANY}/attempts",
    tag="attempts",
    body=s.AttemptCreate,
    response=s.Attempt,
    status=201,
    errors=(404, 409, 422),
)
def log_attempt(company_id: UUID):
    """Log a call, e-mail, visit...: the company moves on its path."""
    values = s.dump(body(s.AttemptCreate))
    attempt_id = perform(crm().log_attempt, company_id, **values)
    return respond(attempt_or_404(company_id, attempt_id), 201)


@operation(
    "PATCH",
    f"{COMPANY}/attempts/<uuid:attempt_id>",
    tag="attempts",
    body=s.AttemptCorrection,
    response=s.Attempt,
    errors=(404, 409, 422),
)
def correct_attempt(company_id: UUID, attempt_id: UUID):
    """Correct a logged attempt; the original stays in the history beside the correction."""
    attempt_or_404(company_id, attempt_id)
    values = s.dump(body(s.AttemptCorrection))
    reason = values.pop("reason")
    perform(crm().correct_attempt, attempt_id, reason=reason, **values)
    return respond(attempt_or_404(company_id, attempt_id))


@operation(
    "POST",
    f"{COMPANY}/attempts/<uuid:attempt_id>/void",
    tag="attempts",
    body=s.Reason,
    response=s.Attempt,
    errors=(404, 409, 422),
)
def void_attempt(company_id: UUID, attempt_id: UUID):
    """Void an attempt logged in error (it stays in the history, marked void)."""
    attempt_or_404(company_id, attempt_id)
    perform(crm().void_attempt, attempt_id, reason=body(s.Reason).reason)
    return respond(attempt_or_404(company_id, attempt_id))
