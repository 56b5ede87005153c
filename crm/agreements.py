"""PartnershipAgreement (samarbejdsaftale): buy-in, signing, delivery, feedback, commitments, follow-up."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from crm.aggregate import CrmAggregate
from crm.errors import AgreementClosed, AgreementNotReady, AgreementNotSigned, InvalidInput
from crm.validation import MAX_PER_DAY, MAX_PLANNED, count

NEGOTIATING = "negotiating"
SIGNED = "signed"
COMPLETED = "completed"
TERMINATED = "terminated"

SPONSOR = "top_management_sponsor"


class PartnershipAgreement(CrmAggregate):
    class Drafted(CrmAggregate.Created):
        company_id: UUID
        requirements: list[dict[str, Any]]

    @event(Drafted)
    def __init__(self, company_id: UUID, requirements: list[dict[str, Any]]) -> None:
        self.company_id = company_id
        self.status = NEGOTIATING
        self.requirements: dict[str, dict[str, Any]] = {}
        for requirement in requirements:
            self._add(requirement["key"], requirement.get("label"))
        self.signed_on: date | None = None
        self.planned = {"health_checks": 0, "conversations": 0}
        self.delivered = {"health_checks": 0, "conversations": 0, "referrals": 0}
        self.feedback_on: date | None = None
        self.follow_up_on: date | None = None
        self.commitments: dict[str, dict[str, Any]] = {}
        self.closed_on: date | None = None
        self.termination_reason: str | None = None

    def _add(self, key: str, label: str | None) -> None:
        self.requirements[key] = {
            "label": label,
            "met": False,
            "confirmed_by": None,
            "confirmed_on": None,
            "contact_id": None,
        }

    # --- buy-in ------------------------------------------------------------
    class RequirementAdded(CrmAggregate.Event):
        key: str
        label: str

    @event(RequirementAdded)
    def _requirement_added(self, key: str, label: str) -> None:
        self._add(key, label)

    def add_requirement(self, key: str, label: str) -> None:
        self._require_status(NEGOTIATING, "changing the buy-in")
        if key in self.requirements:
            raise InvalidInput(field="requirement", problem="the agreement already has this requirement")
        self._requirement_added(key, label)

    class RequirementConfirmed(CrmAggregate.Event):
        key: str
        confirmed_by: UUID
        confirmed_on: date
        contact_id: UUID | None

    @event(RequirementConfirmed)
    def _requirement_confirmed(self, key: str, confirmed_by: UUID, confirmed_on: date, contact_id: UUID | None) -> None:
        self.requirements[key].update(
            met=True, confirmed_by=confirmed_by, confirmed_on=confirmed_on, contact_id=contact_id
        )

    def confirm_requirement(self, key: str, confirmed_by: UUID, confirmed_on: date, contact_id: UUID | None) -> None:
        self._require_status(NEGOTIATING, "changing the buy-in")
        self._require_requirement(key)
        if key == SPONSOR and contact_id is None:
            raise InvalidInput(field="contact", problem="name the top-management sponsor")
        self._requirement_confirmed(key, confirmed_by, confirmed_on, contact_id)

    class RequirementWithdrawn(CrmAggregate.Event):
        key: str

    @event(RequirementWithdrawn)
    def _requirement_withdrawn(self, key: str) -> None:
        self.requirements[key].update(met=False, confirmed_by=None, confirmed_on=None, contact_id=None)

    def withdraw_requirement(self, key: str) -> None:
        self._require_status(NEGOTIATING, "changing the buy-in")
        self._require_requirement(key)
        if self.requirements[key]["met"]:
            self._requirement_withdrawn(key)

    @property
    def missing_requirements(self) -> list[str]:
        return [key for key, r in self.requirements.items() if not r["met"]]

    class Signed(CrmAggregate.Event):
        company_id: UUID
        signed_on: date

    @event(Signed)
    def _signed(self, company_id: UUID, signed_on: date) -> None:
        self.status = SIGNED
        self.signed_on = signed_on

    def sign(self, signed_on: date) -> None:
        self._require_status(NEGOTIATING, "signing")
        if self.missing_requirements:
            raise AgreementNotReady(self.missing_requirements)
        self._signed(self.company_id, signed_on)

    # --- delivery --------------------------------------------------------------
    class ServicesPlanned(CrmAggregate.Event):
        health_checks: int
        conversations: int

    @event(ServicesPlanned)
    def _services_planned(self, health_checks: int, conversations: int) -> None:
        self.planned = {"health_checks": health_checks, "conversations": conversations}

    def plan_services(self, health_checks: int, conversations: int) -> None:
        self._require_open()
        health_checks = count("health_checks", health_checks, MAX_PLANNED)
        conversations = count("conversations", conversations, MAX_PLANNED)
        if (health_checks, conversations) != (self.planned["health_checks"], self.planned["conversations"]):
            self._services_planned(health_checks, conversations)

    class DeliveryRecorded(CrmAggregate.Event):
        delivered_on: date
        health_checks: int
        conversations: int
        referrals: int

    @event(DeliveryRecorded)
    def _delivery_recorded(self, delivered_on: date, health_checks: int, conversations: int, referrals: int) -> None:
        self.delivered["health_checks"] += health_checks
        self.delivered["conversations"] += conversations
        self.delivered["referrals"] += referrals

    def record_delivery(self, delivered_on: date, health_checks: int, conversations: int, referrals: int) -> None:
        self._require_status(SIGNED, "recording delivery")
        health_checks = count("health_checks", health_checks, MAX_PER_DAY)
        conversations = count("conversations", conversations, MAX_PER_DAY)
        referrals = count("referrals", referrals, MAX_PER_DAY)
        if self.signed_on and delivered_on < self.signed_on:
            raise InvalidInput(field="delivered_on", problem="cannot be before the signing date")
        if health_checks + conversations + referrals == 0:
            raise InvalidInput(field="delivery", problem="record at least one check, conversation or referral")
        self._delivery_recorded(delivered_on, health_checks, conversations, referrals)

    class FeedbackDelivered(CrmAggregate.Event):
        delivered_on: date
        focus_points: str | None

    @event(FeedbackDelivered)
    def _feedback_delivered(self, delivered_on: date, focus_points: str | None) -> None:
        self.feedback_on = delivered_on

    def deliver_feedback(self, delivered_on: date, focus_points: str | None) -> None:
        self._require_status(SIGNED, "giving written feedback")
        if self.delivered["health_checks"] + self.delivered["conversations"] == 0:
            raise InvalidInput(field="feedback", problem="no checks or conversations delivered yet")
        self._feedback_delivered(delivered_on, focus_points)

    class FollowUpHeld(CrmAggregate.Event):
        held_on: date
        note: str | None

    @event(FollowUpHeld)
    def _follow_up_held(self, held_on: date, note: str | None) -> None:
        self.follow_up_on = held_on

    def hold_follow_up(self, held_on: date, note: str | None) -> None:
        self._require_status(SIGNED, "the follow-up")
        if self.feedback_on is None:
            raise InvalidInput(field="follow_up", problem="give the written feedback first")
        self._follow_up_held(held_on, note)

    # --- structural commitments -------------------------------------------------
    class CommitmentAdded(CrmAggregate.Event):
        commitment_id: str
        kind: str
        description: str
        owner_contact_id: UUID | None
        due_on: date | None

    @event(CommitmentAdded)
    def _commitment_added(
        self, commitment_id: str, kind: str, description: str, owner_contact_id: UUID | None, due_on: date | None
    ) -> None:
        self.commitments[commitment_id] = {
            "kind": kind,
            "description": description,
            "owner_contact_id": owner_contact_id,
            "due_on": due_on,
            "state": "open",
            "closed_on": None,
        }

    def add_commitment(
        self, commitment_id: str, kind: str, description: str, owner_contact_id: UUID | None, due_on: date | None
    ) -> None:
        self._require_open()
        self._commitment_added(commitment_id, kind, description, owner_contact_id, due_on)

    class CommitmentFulfilled(CrmAggregate.Event):
        commitment_id: str
        fulfilled_on: date

    @event(CommitmentFulfilled)
    def _commitment_fulfilled(self, commitment_id: str, fulfilled_on: date) -> None:
        self.commitments[commitment_id].update(state="fulfilled", closed_on=fulfilled_on)

    def fulfil_commitment(self, commitment_id: str, fulfilled_on: date) -> None:
        self._require_open_commitment(commitment_id)
        self._commitment_fulfilled(commitment_id, fulfilled_on)

    class CommitmentAbandoned(CrmAggregate.Event):
        commitment_id: str
        abandoned_on: date

    @event(CommitmentAbandoned)
    def _commitment_abandoned(self, commitment_id: str, abandoned_on: date) -> None:
        self.commitments[commitment_id].update(state="abandoned", closed_on=abandoned_on)

    def abandon_commitment(self, commitment_id: str, abandoned_on: date) -> None:
        self._require_open_commitment(commitment_id)
        self._commitment_abandoned(commitment_id, abandoned_on)

    # --- the end -----------------------------------------------------------------
    class Completed(CrmAggregate.Event):
        company_id: UUID
        completed_on: date

    @event(Completed)
    def _completed(self, company_id: UUID, completed_on: date) -> None:
        self.status = COMPLETED
        self.closed_on = completed_on

    def complete(self, completed_on: date) -> None:
        self._require_status(SIGNED, "completing")
        if self.feedback_on is None or self.follow_up_on is None:
            raise InvalidInput(field="completion", problem="give the written feedback and hold the follow-up first")
        self._completed(self.company_id, completed_on)

    class Terminated(CrmAggregate.Event):
        company_id: UUID
        terminated_on: date
        termination_reason: str

    @event(Terminated)
    def _terminated(self, company_id: UUID, terminated_on: date, termination_reason: str) -> None:
        self.status = TERMINATED
        self.closed_on = terminated_on
        self.termination_reason = termination_reason

    def terminate(self, terminated_on: date, reason: str) -> None:
        self._require_open()
        self._terminated(self.company_id, terminated_on, reason)

    # --- checks --------------------------------------------------------------------
    def _require_status(self, status: str, action: str) -> None:
        self._require_open()
        if self.status != status:
            if status == SIGNED:
                raise AgreementNotSigned(action=action)
            raise AgreementClosed(status=self.status)

    def _require_open(self) -> None:
        if self.status in (COMPLETED, TERMINATED):
            raise AgreementClosed(status=self.status)

    def _require_requirement(self, key: str) -> None:
        if key not in self.requirements:
            raise InvalidInput(field="requirement", problem="the agreement has no such requirement")

    def _require_open_commitment(self, commitment_id: str) -> None:
        if self.status == TERMINATED:
            raise AgreementClosed(status=self.status)
        commitment = self.commitments.get(commitment_id)
        if commitment is None:
            raise InvalidInput(field="commitment", problem="the agreement has no such commitment")
        if commitment["state"] != "open":
            raise InvalidInput(field="commitment", problem="the commitment is already closed")
