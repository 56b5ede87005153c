"""Agreements read model: the buy-in tracker, the commitment tracker and each cooperation agreement.

Company and contact names come from rm_companies and rm_contacts (projections/outreach.py)
by outer joins, so an agreement still shows while the outreach view lags behind.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking
from eventsourcing.utils import get_topic
from sqlalchemy import Boolean, Column, Date, DateTime, Index, Integer, String, Table, Text, Uuid, func, select
from sqlalchemy.orm import Session

from crm.agreements import PartnershipAgreement as Agreement
from projections.base import CrmProjection, View
from projections.outreach import companies, contacts
from projections.schema import metadata, utc_naive

agreements = Table(
    "rm_agreements",
    metadata,
    Column("agreement_id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("opened_at", DateTime, nullable=False),
    Column("signed_on", Date),
    Column("planned_health_checks", Integer, nullable=False),
    Column("planned_conversations", Integer, nullable=False),
    Column("delivered_health_checks", Integer, nullable=False),
    Column("delivered_conversations", Integer, nullable=False),
    Column("delivered_referrals", Integer, nullable=False),
    Column("feedback_on", Date),
    Column("focus_points", Text),
    Column("follow_up_on", Date),
    Column("follow_up_note", Text),
    Column("closed_on", Date),
    Column("termination_reason", Text),
)

requirements = Table(
    "rm_requirements",
    metadata,
    Column("agreement_id", Uuid, primary_key=True),
    Column("key", String(500), primary_key=True),
    Column("label", Text),
    Column("met", Boolean, nullable=False),
    Column("confirmed_by", Uuid),
    Column("confirmed_on", Date),
    Column("contact_id", Uuid),
    Column("position", Integer, nullable=False),
)

# Commitment ids are unique only within their agreement (the aggregate keys them so).
commitments = Table(
    "rm_commitments",
    metadata,
    Column("agreement_id", Uuid, primary_key=True),
    Column("commitment_id", String(64), primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("description", Text, nullable=False),
    Column("owner_contact_id", Uuid),
    Column("due_on", Date),
    Column("state", String(16), nullable=False),
    Column("closed_on", Date),
    Column("abandon_reason", Text),
    Index("rm_commitments_state_due", "state", "due_on"),
)

STATUS_ORDER = ("overdue", "due_soon", "open", "fulfilled", "abandoned")


def commitment_status(state: str, due_on: date | None, today: date, due_soon_days: int) -> str:
    """fulfilled, abandoned, overdue (open, due before today), due_soon (open, due within the days) or open."""
    if state != "open":
        return state
    if due_on is not None and due_on < today:
        return "overdue"
    if due_on is not None and due_on <= today + timedelta(days=due_soon_days):
        return "due_soon"
    return "open"


class AgreementsView(View):
    name = "agreements"
    view_tables = (agreements, requirements, commitments)

    # --- writes ------------------------------------------------------------------------
    def add_agreement(self, event: Agreement.Drafted) -> None:
        with self.transaction(commit=True) as session:
            session.execute(
                agreements.insert().values(
                    agreement_id=event.originator_id,
                    company_id=event.company_id,
                    version=event.originator_version,
                    status="negotiating",
                    opened_at=utc_naive(event.timestamp),
                    planned_health_checks=0,
                    planned_conversations=0,
                    delivered_health_checks=0,
                    delivered_conversations=0,
                    delivered_referrals=0,
                )
            )
            for position, requirement in enumerate(event.requirements):
                self._insert_requirement(session, event, requirement["key"], requirement.get("label"), position)

    def add_requirement(self, event: Agreement.RequirementAdded) -> None:
        with self.transaction(commit=True) as session:
            last = session.execute(
                select(func.max(requirements.c.position)).where(requirements.c.agreement_id == event.originator_id)
            ).scalar()
            self._insert_requirement(session, event, event.key, event.label, 0 if last is None else last + 1)
            self.update_agreement(event)

    def _insert_requirement(self, session: Session, event: Any, key: str, label: str | None, position: int) -> None:
        session.execute(
            requirements.insert().values(
                agreement_id=event.originator_id,
                key=key,
                label=label,
                met=False,
                position=position,
            )
        )

    def update_requirement(self, event: Any, **values: Any) -> None:
        with self.transaction(commit=True) as session:
            session.execute(
                requirements.update()
                .where(requirements.c.agreement_id == event.originator_id, requirements.c.key == event.key)
                .values(**values)
            )
            self.update_agreement(event)

    def update_agreement(self, event: Any, **values: Any) -> None:
        """Apply changed columns and the agreement's new version (forms send it back as expected_version)."""
        with self.transaction(commit=True) as session:
            session.execute(
                agreements.update()
                .where(agreements.c.agreement_id == event.originator_id)
                .values(version=event.originator_version, **values)
            )

    def add_delivery(self, event: Agreement.DeliveryRecorded) -> None:
        c = agreements.c
        self.update_agreement(
            event,
            delivered_health_checks=c.delivered_health_checks + event.health_checks,
            delivered_conversations=c.delivered_conversations + event.conversations,
            delivered_referrals=c.delivered_referrals + event.referrals,
        )

    def add_commitment(self, event: Agreement.CommitmentAdded) -> None:
        company_id = select(agreements.c.company_id).where(agreements.c.agreement_id == event.originator_id)
        with self.transaction(commit=True) as session:
            session.execute(
                commitments.insert().values(
                    agreement_id=event.originator_id,
                    commitment_id=event.commitment_id,
                    company_id=company_id.scalar_subquery(),
                    kind=event.kind,
                    description=event.description,
                    owner_contact_id=event.owner_contact_id,
                    due_on=event.due_on,
                    state="open",
                )
            )
            self.update_agreement(event)

    def close_commitment(self, event: Any, **values: Any) -> None:
        with self.transaction(commit=True) as session:
            session.execute(
                commitments.update()
                .where(
                    commitments.c.agreement_id == event.originator_id,
                    commitments.c.commitment_id == event.commitment_id,
                )
                .values(**values)
            )
            self.update_agreement(event)

    # --- queries -------------------------------------------------------------------------
    def buy_in_tracker(self) -> list[dict[str, Any]]:
        """Agreements in negotiation, longest open first, each with its requirements met or missing."""
        query = (
            self._with_company()
            .where(agreements.c.status == "negotiating")
            .order_by(agreements.c.opened_at, agreements.c.agreement_id)
        )
        with self.transaction(commit=False) as session:
            found = [dict(row._mapping) for row in session.execute(query)]
            checklists = self._requirements(session, [a["agreement_id"] for a in found])
        for agreement in found:
            agreement["requirements"] = checklists.get(agreement["agreement_id"], [])
            agreement["missing"] = sum(not r["met"] for r in agreement["requirements"])
        return found

    def commitment_tracker(
        self,
        today: date,
        due_soon_days: int = 30,
        state: str | None = None,
        kind: str | None = None,
        owner_contact_id: UUID | None = None,
    ) -> list[dict[str, Any]]:
        """Structural commitments with company and owner, overdue first, then due soon, open, fulfilled, abandoned."""
        query = self._commitments_query()
        if state is not None:
            query = query.where(commitments.c.state == state)
        if kind is not None:
            query = query.where(commitments.c.kind == kind)
        if owner_contact_id is not None:
            query = query.where(commitments.c.owner_contact_id == owner_contact_id)
        with self.transaction(commit=False) as session:
            rows = [dict(row._mapping) for row in session.execute(query)]
        for row in rows:
            row["status"] = commitment_status(row["state"], row["due_on"], today, due_soon_days)
        rows.sort(
            key=lambda r: (
                STATUS_ORDER.index(r["status"]),
                r["due_on"] or date.max,
                r["company_name"] or "",
                r["description"],
            )
        )
        return rows

    def agreement(
        self, agreement_id: UUID, today: date | None = None, due_soon_days: int = 30
    ) -> dict[str, Any] | None:
        """One agreement with its requirements and commitments (with a status when `today` is given), or None."""
        with self.transaction(commit=False) as session:
            row = session.execute(self._with_company().where(agreements.c.agreement_id == agreement_id)).first()
            if row is None:
                return None
            found = dict(row._mapping)
            found["requirements"] = self._requirements(session, [agreement_id]).get(agreement_id, [])
            found["commitments"] = [
                dict(c._mapping)
                for c in session.execute(
                    self._commitments_query()
                    .where(commitments.c.agreement_id == agreement_id)
                    .order_by(commitments.c.due_on.is_(None), commitments.c.due_on, commitments.c.description)
                )
            ]
        found["missing"] = sum(not r["met"] for r in found["requirements"])
        for commitment in found["commitments"]:
            commitment["status"] = (
                commitment["state"]
                if today is None
                else commitment_status(commitment["state"], commitment["due_on"], today, due_soon_days)
            )
        return found

    def agreement_for_company(self, company_id: UUID, today: date | None = None) -> dict[str, Any] | None:
        """The company's latest agreement, or None if it never had one."""
        with self.transaction(commit=False) as session:
            latest = session.execute(
                select(agreements.c.agreement_id)
                .where(agreements.c.company_id == company_id)
                .order_by(agreements.c.opened_at.desc())
                .limit(1)
            ).scalar()
        return self.agreement(latest, today) if latest is not None else None

    def _with_company(self) -> Any:
        return select(agreements, companies.c.name.label("company_name")).select_from(
            agreements.outerjoin(companies, companies.c.company_id == agreements.c.company_id)
        )

    def _commitments_query(self) -> Any:
        return select(
            commitments,
            companies.c.name.label("company_name"),
            contacts.c.name.label("owner_name"),
            agreements.c.status.label("agreement_status"),
        ).select_from(
            commitments.join(agreements, agreements.c.agreement_id == commitments.c.agreement_id)
            .outerjoin(companies, companies.c.company_id == commitments.c.company_id)
            .outerjoin(contacts, contacts.c.contact_id == commitments.c.owner_contact_id)
        )

    def _requirements(self, session: Session, agreement_ids: list[UUID]) -> dict[UUID, list[dict[str, Any]]]:
        query = (
            select(requirements, contacts.c.name.label("contact_name"))
            .select_from(requirements.outerjoin(contacts, contacts.c.contact_id == requirements.c.contact_id))
            .where(requirements.c.agreement_id.in_(agreement_ids))
            .order_by(requirements.c.agreement_id, requirements.c.position)
        )
        checklists: dict[UUID, list[dict[str, Any]]] = {}
        for row in session.execute(query):
            checklists.setdefault(row.agreement_id, []).append(dict(row._mapping))
        return checklists


CONSUMED = (
    Agreement.Drafted,
    Agreement.RequirementAdded,
    Agreement.RequirementConfirmed,
    Agreement.RequirementWithdrawn,
    Agreement.Signed,
    Agreement.ServicesPlanned,
    Agreement.DeliveryRecorded,
    Agreement.FeedbackDelivered,
    Agreement.FollowUpHeld,
    Agreement.CommitmentAdded,
    Agreement.CommitmentFulfilled,
    Agreement.CommitmentAbandoned,
    Agreement.Completed,
    Agreement.Terminated,
)


class AgreementsProjection(CrmProjection):
    name = "agreements"
    view_class = AgreementsView
    topics = tuple(get_topic(cls) for cls in CONSUMED)

    @singledispatchmethod
    def process_event(self, event: Any, tracking: Tracking) -> None:
        """Not ours: the runner advances the position."""

    @process_event.register
    def drafted(self, event: Agreement.Drafted, tracking: Tracking) -> None:
        self.view.add_agreement(event)

    @process_event.register
    def requirement_added(self, event: Agreement.RequirementAdded, tracking: Tracking) -> None:
        self.view.add_requirement(event)

    @process_event.register
    def requirement_confirmed(self, event: Agreement.RequirementConfirmed, tracking: Tracking) -> None:
        self.view.update_requirement(
            event,
            met=True,
            confirmed_by=event.confirmed_by,
            confirmed_on=event.confirmed_on,
            contact_id=event.contact_id,
        )

    @process_event.register
    def requirement_withdrawn(self, event: Agreement.RequirementWithdrawn, tracking: Tracking) -> None:
        self.view.update_requirement(event, met=False, confirmed_by=None, confirmed_on=None, contact_id=None)

    @process_event.register
    def signed(self, event: Agreement.Signed, tracking: Tracking) -> None:
        self.view.update_agreement(event, status="signed", signed_on=event.signed_on)

    @process_event.register
    def services_planned(self, event: Agreement.ServicesPlanned, tracking: Tracking) -> None:
        self.view.update_agreement(
            event, planned_health_checks=event.health_checks, planned_conversations=event.conversations
        )

    @process_event.register
    def delivery_recorded(self, event: Agreement.DeliveryRecorded, tracking: Tracking) -> None:
        self.view.add_delivery(event)

    @process_event.register
    def feedback_delivered(self, event: Agreement.FeedbackDelivered, tracking: Tracking) -> None:
        self.view.update_agreement(event, feedback_on=event.delivered_on, focus_points=event.focus_points)

    @process_event.register
    def follow_up_held(self, event: Agreement.FollowUpHeld, tracking: Tracking) -> None:
        self.view.update_agreement(event, follow_up_on=event.held_on, follow_up_note=event.note)

    @process_event.register
    def commitment_added(self, event: Agreement.CommitmentAdded, tracking: Tracking) -> None:
        self.view.add_commitment(event)

    @process_event.register
    def commitment_fulfilled(self, event: Agreement.CommitmentFulfilled, tracking: Tracking) -> None:
        self.view.close_commitment(event, state="fulfilled", closed_on=event.fulfilled_on)

    @process_event.register
    def commitment_abandoned(self, event: Agreement.CommitmentAbandoned, tracking: Tracking) -> None:
        self.view.close_commitment(event, state="abandoned", closed_on=event.abandoned_on, abandon_reason=event.reason)

    @process_event.register
    def completed(self, event: Agreement.Completed, tracking: Tracking) -> None:
        self.view.update_agreement(event, status="completed", closed_on=event.completed_on)

    @process_event.register
    def terminated(self, event: Agreement.Terminated, tracking: Tracking) -> None:
        self.view.update_agreement(
            event, status="terminated", closed_on=event.terminated_on, termination_reason=event.termination_reason
        )
