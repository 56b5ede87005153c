"""The reports read model: the stages each company entered and its rounds summed up, deliveries and
commitments, with their days."""

from __future__ import annotations

from datetime import date
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking
from eventsourcing.utils import get_topic
from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from crm.agreements import PartnershipAgreement
from crm.clock import local_date
from crm.companies import Company
from crm.vocabulary import IDENTIFIED
from projections.base import CrmProjection, View
from projections.bulk import insert_rows
from projections.reports.tables import (
    FUNNEL_STAGES,
    GIVEN_UP,
    STEPS,
    commitments_made,
    deliveries,
    report_rounds,
    stage_entries,
)
from projections.schema import utc_naive

# The companies whose latest rounds one statement reads (SQLite takes at most 999 parameters in old versions).
CHUNK = 500
ROUND_COLUMNS = tuple(column.name for column in report_rounds.columns)
DELETE_ROUND = report_rounds.delete().where(
    and_(report_rounds.c.company_id == bindparam("b_company_id"), report_rounds.c.number == bindparam("b_number"))
)


def new_round(company_id: UUID, number: int) -> dict[str, Any]:
    return {**dict.fromkeys(ROUND_COLUMNS), "company_id": company_id, "number": number}


def summed_up(rounds: list[dict[str, Any]], company_id: UUID, stage: str, entered_on: date) -> None:
    """Add a stage entry, the company's next in the order of its versions, to its rounds (the latest last,
    or none yet): the first entry begins round 1 whatever it is, each later "identified" the next round."""
    if not rounds or stage == IDENTIFIED:
        rounds.append(new_round(company_id, rounds[-1]["number"] + 1 if rounds else 1))
    row = rounds[-1]
    if stage in FUNNEL_STAGES:
        for later in FUNNEL_STAGES[: FUNNEL_STAGES.index(stage) + 1]:
            key = f"reached_{later}"
            if row[key] is None or entered_on < row[key]:
                row[key] = entered_on
        index = FUNNEL_STAGES.index(stage)
        # Into this stage after the round first entered the one before: the step's end, the first time only.
        if index in STEPS and row[f"from_{index}"] is not None and row[f"to_{index}"] is None:
            row[f"to_{index}"] = entered_on
        # The round's first entry into this stage begins the step out of it.
        if index + 1 in STEPS and row[f"from_{index + 1}"] is None:
            row[f"from_{index + 1}"] = entered_on
    if stage in GIVEN_UP and row["given_up"] is None:
        row["given_up"] = entered_on


class ReportsView(View):
    name = "reports"
    version = 2  # 2: the rounds summed up (rm_report_rounds)
    view_tables = (stage_entries, report_rounds, deliveries, commitments_made)
    # The figures join the companies, attempts, agreements, leads and users of these views.
    reads_also = ("outreach", "agreements", "leads", "users")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The batch's stage entries per company, in order, summed up into its rounds at the flush.
        self._entered: dict[UUID, list[tuple[str, date]]] = {}

    def enter_stage(self, event: Any, stage: str) -> None:
        # Insert-only rows, so a batch of them is one executemany at its end.
        entered_on = local_date(event.timestamp)
        self.buffer(
            stage_entries,
            dict(
                company_id=event.originator_id,
                version=event.originator_version,
                stage=stage,
                entered_at=utc_naive(event.timestamp),
                entered_on=entered_on,
            ),
        )
        self._entered.setdefault(event.originator_id, []).append((stage, entered_on))

    def flush(self, session: Session) -> None:
        """Insert the buffered rows, and sum the batch's stage entries up into their companies' rounds: each
        company's latest round is read once, changed here, and written again with the rounds begun after it."""
        entered, self._entered = self._entered, {}
        super().flush(session)
        if not entered:
            return
        latest: dict[UUID, dict[str, Any]] = {}
        ids = list(entered)
        for at in range(0, len(ids), CHUNK):
            query = select(report_rounds).where(report_rounds.c.company_id.in_(ids[at : at + CHUNK]))
            for row in session.execute(query).mappings():
                if row["company_id"] not in latest or row["number"] > latest[row["company_id"]]["number"]:
                    latest[row["company_id"]] = dict(row)
        written: list[dict[str, Any]] = []
        for company_id, entries in entered.items():
            rounds = [latest[company_id]] if company_id in latest else []
            for stage, entered_on in entries:
                summed_up(rounds, company_id, stage, entered_on)
            written.extend({column: row[column] for column in ROUND_COLUMNS} for row in rounds)
        if latest:
            session.execute(
                DELETE_ROUND, [{"b_company_id": r["company_id"], "b_number": r["number"]} for r in latest.values()]
            )
        insert_rows(session, report_rounds, written)

    def discard_buffer(self) -> None:
        super().discard_buffer()
        self._entered = {}

    def add_delivery(self, event: PartnershipAgreement.DeliveryRecorded) -> None:
        self.buffer(
            deliveries,
            dict(
                agreement_id=event.originator_id,
                version=event.originator_version,
                delivered_on=event.delivered_on,
                health_checks=event.health_checks,
                conversations=event.conversations,
                referrals=event.referrals,
            ),
        )

    def add_commitment(self, event: PartnershipAgreement.CommitmentAdded) -> None:
        self.buffer(
            commitments_made,
            dict(
                agreement_id=event.originator_id, commitment_id=event.commitment_id, made_on=local_date(event.timestamp)
            ),
        )


CONSUMED = (
    Company.Registered,
    Company.StageChanged,
    Company.NegotiationOpened,
    Company.BecamePartner,
    Company.PartnershipClosed,
    Company.Declined,
    Company.Parked,
    Company.Reapproached,
    PartnershipAgreement.DeliveryRecorded,
    PartnershipAgreement.CommitmentAdded,
)


class ReportsProjection(CrmProjection[ReportsView]):
    """Records each stage a company enters, each delivery and each commitment made, with the day."""

    name = "reports"
    view_class = ReportsView
    topics = tuple(get_topic(cls) for cls in CONSUMED)

    @singledispatchmethod
    def process_event(self, event: Any, tracking: Tracking) -> None:
        """Not ours: the runner advances the position."""

    @process_event.register
    def registered(self, event: Company.Registered, tracking: Tracking) -> None:
        self.view.enter_stage(event, "identified")

    @process_event.register
    def stage_changed(self, event: Company.StageChanged, tracking: Tracking) -> None:
        self.view.enter_stage(event, event.to_stage)

    @process_event.register
    def negotiation_opened(self, event: Company.NegotiationOpened, tracking: Tracking) -> None:
        self.view.enter_stage(event, "negotiating")

    @process_event.register
    def became_partner(self, event: Company.BecamePartner, tracking: Tracking) -> None:
        self.view.enter_stage(event, "partner")

    @process_event.register
    def partnership_closed(self, event: Company.PartnershipClosed, tracking: Tracking) -> None:
        self.view.enter_stage(event, event.outcome)

    @process_event.register
    def declined(self, event: Company.Declined, tracking: Tracking) -> None:
        self.view.enter_stage(event, "declined")

    @process_event.register
    def parked(self, event: Company.Parked, tracking: Tracking) -> None:
        self.view.enter_stage(event, "parked")

    @process_event.register
    def reapproached(self, event: Company.Reapproached, tracking: Tracking) -> None:
        self.view.enter_stage(event, "identified")

    @process_event.register
    def delivery_recorded(self, event: PartnershipAgreement.DeliveryRecorded, tracking: Tracking) -> None:
        self.view.add_delivery(event)

    @process_event.register
    def commitment_added(self, event: PartnershipAgreement.CommitmentAdded, tracking: Tracking) -> None:
        self.view.add_commitment(event)
