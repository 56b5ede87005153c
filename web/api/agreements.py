"""Cooperation agreements: opening, the buy-in checklist, signing, delivery, commitments, closing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from flask import url_for
from pydantic import Field

from crm.errors import ConcurrentChange, NotFound
from web.api import schemas as s
from web.api.operations import body, operation
from web.api.people import log_api_read
from web.api.responses import respond
from web.services import crm, perform, today, views

AGREEMENT = "/agreements/<uuid:agreement_id>"
REFUSALS = (404, 409, 422)


class AgreementOpen(s.Body):
    company_id: UUID
    extra_requirements: list[str] | None = Field(None, description="Requirements beyond the standard buy-in list.")


class RequirementAdd(s.Body):
    label: str


class RequirementConfirm(s.Body):
    contact_id: UUID | None = None
    confirmed_on: date | None = None
    expected_version: int | None = None


class RequirementWithdraw(s.Reason):
    expected_version: int | None = None


class Signing(s.Body):
    signed_on: date | None = None


class Plan(s.Body):
    health_checks: int
    conversations: int


class Delivery(s.Body):
    health_checks: int = 0
    conversations: int = 0
    referrals: int = 0
    delivered_on: date | None = None


class Feedback(s.Body):
    focus_points: str | None = None
    delivered_on: date | None = None


class FollowUp(s.Body):
    note: str | None = None
    held_on: date | None = None


class CommitmentAdd(s.Body):
    kind: str
    description: str
    owner_contact_id: UUID | None = None
    due_on: date | None = None


class Fulfilment(s.Body):
    fulfilled_on: date | None = None


class Requirement(s.Answer):
    key: str
    label: str | None
    met: bool
    confirmed_by: UUID | None
    confirmed_on: date | None
    contact_id: UUID | None


class Commitment(s.Answer):
    commitment_id: str
    kind: str
    description: str
    owner_contact_id: UUID | None
    due_on: date | None
    state: str
    closed_on: date | None


class Agreement(s.Answer):
    agreement_id: UUID
    company_id: UUID
    version: int
    status: str
    opened_at: datetime
    signed_on: date | None
    planned_health_checks: int
    planned_conversations: int
    delivered_health_checks: int
    delivered_conversations: int
    delivered_referrals: int
    closed_on: date | None
    requirements: list[Requirement]
    commitments: list[Commitment]
    missing: int


def agreement_or_404(agreement_id: UUID) -> dict[str, Any]:
    row = views()["agreements"].agreement(agreement_id, today())
    if row is None:
        raise NotFound(kind="agreement", id=agreement_id)
    people = [r["contact_id"] for r in row["requirements"] if r.get("contact_id")]
    people += [c["owner_contact_id"] for c in row["commitments"] if c.get("owner_contact_id")]
    log_api_read(people)
    return dict(row)


def step(command: Callable[..., Any], agreement_id: UUID, *args: Any, **kwargs: Any) -> Any:
    """Run one step on the agreement and answer with the agreement; a stale version says the current one."""
    try:
        perform(command, agreement_id, *args, **kwargs)
    except ConcurrentChange as error:
        row = views()["agreements"].agreement(agreement_id, today())
        error.current_version = row["version"] if row else None  # type: ignore[attr-defined]
        raise
    return respond(agreement_or_404(agreement_id))


@operation("GET", AGREEMENT, tag="agreements", response=Agreement, errors=(404,))
def get_agreement(agreement_id: UUID):
    """One agreement with its buy-in checklist and commitments."""
    return respond(agreement_or_404(agreement_id))


@operation("POST", "/agreements", tag="agreements", body=AgreementOpen, response=Agreement, status=201, errors=REFUSALS)
def open_agreement():
    """Open negotiations with a company on a cooperation agreement."""
    values = body(AgreementOpen)
    agreement_id = perform(crm().open_agreement, values.company_id, values.extra_requirements)
    location = url_for("api.get_agreement", agreement_id=agreement_id)
    return respond(agreement_or_404(agreement_id), 201, {"Location": location})


@operation(
    "POST", f"{AGREEMENT}/requirements", tag="agreements", body=RequirementAdd, response=Agreement, errors=REFUSALS
)
def add_requirement(agreement_id: UUID):
    """Add a requirement of the company's own to the buy-in checklist."""
    return step(crm().add_requirement, agreement_id, body(RequirementAdd).label)


@operation(
    "POST",
    f"{AGREEMENT}/requirements/<key>/confirm",
    tag="agreements",
    body=RequirementConfirm,
    response=Agreement,
    errors=REFUSALS,
)
def confirm_requirement(agreement_id: UUID, key: str):
    """Confirm a buy-in requirement (the sponsor: a contact in top management)."""
    values = body(RequirementConfirm)
    return step(
        crm().confirm_requirement,
        agreement_id,
        key[:200],
        values.contact_id,
        values.confirmed_on,
        expected_version=values.expected_version,
    )


@operation(
    "POST",
    f"{AGREEMENT}/requirements/<key>/withdraw",
    tag="agreements",
    body=RequirementWithdraw,
    response=Agreement,
    errors=REFUSALS,
)
def withdraw_requirement(agreement_id: UUID, key: str):
    """Withdraw a confirmation, saying why."""
    values = body(RequirementWithdraw)
    return step(
        crm().withdraw_requirement,
        agreement_id,
        key[:200],
        expected_version=values.expected_version,
        reason=values.reason,
    )


@operation("POST", f"{AGREEMENT}/sign", tag="agreements", body=Signing, response=Agreement, errors=REFUSALS)
def sign_agreement(agreement_id: UUID):
    """Sign the agreement (every buy-in requirement met): the company becomes a partner."""
    return step(crm().sign_agreement, agreement_id, body(Signing).signed_on)


@operation("POST", f"{AGREEMENT}/plan", tag="agreements", body=Plan, response=Agreement, errors=REFUSALS)
def plan_services(agreement_id: UUID):
    """Plan the health checks and conversations to deliver."""
    values = body(Plan)
    return step(crm().plan_services, agreement_id, values.health_checks, values.conversations)


@operation("POST", f"{AGREEMENT}/deliveries", tag="agreements", body=Delivery, response=Agreement, errors=REFUSALS)
def record_delivery(agreement_id: UUID):
    """Record health checks, conversations and referrals delivered on a day."""
    v = body(Delivery)
    return step(crm().record_delivery, agreement_id, v.health_checks, v.conversations, v.referrals, v.delivered_on)


@operation("POST", f"{AGREEMENT}/feedback", tag="agreements", body=Feedback, response=Agreement, errors=REFUSALS)
def deliver_feedback(agreement_id: UUID):
    """Record the feedback meeting and its focus points."""
    values = body(Feedback)
    return step(crm().deliver_feedback, agreement_id, values.focus_points, values.delivered_on)


@operation("POST", f"{AGREEMENT}/follow-up", tag="agreements", body=FollowUp, response=Agreement, errors=REFUSALS)
def hold_follow_up(agreement_id: UUID):
    """Record the follow-up meeting."""
    values = body(FollowUp)
    return step(crm().hold_follow_up, agreement_id, values.note, values.held_on)


@operation(
    "POST", f"{AGREEMENT}/commitments", tag="agreements", body=CommitmentAdd, response=Agreement, errors=REFUSALS
)
def add_commitment(agreement_id: UUID):
    """Add a structural commitment the workplace makes."""
    v = body(CommitmentAdd)
    return step(crm().add_commitment, agreement_id, v.kind, v.description, v.owner_contact_id, v.due_on)


@operation(
    "POST",
    f"{AGREEMENT}/commitments/<commitment_id>/fulfil",
    tag="agreements",
    body=Fulfilment,
    response=Agreement,
    errors=REFUSALS,
)
def fulfil_commitment(agreement_id: UUID, commitment_id: str):
    """Mark a commitment fulfilled."""
    return step(crm().fulfil_commitment, agreement_id, commitment_id[:64], body(Fulfilment).fulfilled_on)


@operation(
    "POST",
    f"{AGREEMENT}/commitments/<commitment_id>/abandon",
    tag="agreements",
    body=s.Reason,
    response=Agreement,
    errors=REFUSALS,
)
def abandon_commitment(agreement_id: UUID, commitment_id: str):
    """Abandon a commitment, saying why."""
    return step(crm().abandon_commitment, agreement_id, commitment_id[:64], reason=body(s.Reason).reason)


@operation("POST", f"{AGREEMENT}/complete", tag="agreements", response=Agreement, errors=REFUSALS)
def complete_agreement(agreement_id: UUID):
    """Complete the agreement: the partnership ends as planned."""
    return step(crm().complete_agreement, agreement_id)


@operation("POST", f"{AGREEMENT}/terminate", tag="agreements", body=s.Reason, response=Agreement, errors=REFUSALS)
def terminate_agreement(agreement_id: UUID):
    """End the agreement early, saying why."""
    return step(crm().terminate_agreement, agreement_id, reason=body(s.Reason).reason)
