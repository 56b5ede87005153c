"""The reports read model: the stages each company entered and its rounds summed up, deliveries and
commitments, with their days."""

from __future__ import annotations

from datetime import date
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking
from eventsourcing.utils import get_topic
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from crm.agreements import PartnershipAgreement
from crm.attempts import OutreachAttempt
from crm.clock import local_date
from crm.companies import Company
from crm.vocabulary import IDENTIFIED
from projections.base import CrmProjection, View
from projections.bulk import insert_rows
from projections.reports.tables import (
    FUNNEL_STAGES,
    GIVEN_UP,
    MILESTONE_DAYS,
    MILESTONES,
    STEPS,
    commitments_made,
    deliveries,
    report_attempts,
    report_rounds,
    stage_entries,
)
from projections.schema import utc_naive

# The companies whose rounds one statement reads (SQLite takes at most 999 parameters in old versions).
CHUNK = 500
ROUND_COLUMNS = tuple(column.name for column in report_rounds.columns)
NO_ANSWER = "no_answer"
UPDATE_ATTEMPT = (
    report_attempts.update()
    .where(report_attempts.c.attempt_id == bindparam("b_attempt_id"))
    .values(
        occurred_on=bindparam("b_occurred_on"),
        answered=bindparam("b_answered"),
        voided=bindparam("b_voided"),
        next_follow_up=bindparam("b_next_follow_up"),
    )
)


def new_round(company_id: UUID, number: int) -> dict[str, Any]:
    return {
        **dict.fromkeys(ROUND_COLUMNS),
        **{f"{milestone}_made": 0 for milestone in MILESTONES},
        "company_id": company_id,
        "number": number,
    }


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


def counted(row: dict[str, Any], made: list[tuple[date, bool]]) -> None:
    """The round's first answer and its attempts up to each milestone, from its attempts (not voided):
    their days, and whether each was answered."""
    answers = [day for day, answered in made if answered]
    row["answered"] = min(answers) if answers else None
    for milestone in MILESTONES:
        reached = row[MILESTONE_DAYS[milestone]]
        row[f"{milestone}_made"] = 0 if reached is None else sum(day <= reached for day, _answered in made)


class ReportsView(View):
    name = "reports"
    version = 2  # 2: the rounds summed up (rm_report_rounds) with their attempts (rm_report_attempts)
    view_tables = (stage_entries, report_rounds, report_attempts, deliveries, commitments_made)
    # The figures join the companies, attempts, agreements, leads and users of these views.
    reads_also = ("outreach", "agreements", "leads", "users")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The batch's stage entries per company, in order, summed up into its rounds at the flush.
        self._entered: dict[UUID, list[tuple[str, date]]] = {}
        # The batch's attempts logged, and those of earlier batches changed: their rows as they now stand.
        self._new_attempts: dict[UUID, dict[str, Any]] = {}
        self._changed_attempts: dict[UUID, dict[str, Any]] = {}
        self._counted: set[UUID] = set()  # the companies whose rounds' attempts changed

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

    def add_attempt(self, event: OutreachAttempt.Logged) -> None:
        self._new_attempts[event.originator_id] = dict(
            attempt_id=event.originator_id,
            company_id=event.company_id,
            round=event.round,
            occurred_on=event.occurred_on,
            answered=event.outcome != NO_ANSWER,
            voided=False,
            user_id=event.user_id,
            recorded_at=utc_naive(event.timestamp),
            next_follow_up=event.next_follow_up,
        )
        self._counted.add(event.company_id)

    def change_attempt(self, event: Any, **values: Any) -> None:
        """An attempt corrected (its day, its outcome, its follow-up) or voided; logged in this batch or read back."""
        row = self._new_attempts.get(event.originator_id) or self._changed_attempts.get(event.originator_id)
        if row is None:
            # Within the batch's transaction: an attempt of an earlier event flushed in it is read too.
            with self.transaction(commit=False) as reading:
                query = select(report_attempts).where(report_attempts.c.attempt_id == event.originator_id)
                found = reading.execute(query).mappings().one_or_none()
            if found is None:
                return  # not logged as far as this read model goes: it counts in no round
            row = self._changed_attempts[event.originator_id] = dict(found)
        row.update(values)
        self._counted.add(event.company_id)

    def flush(self, session: Session) -> None:
        """Insert the buffered rows, and sum the batch's stage entries and attempts up into their companies'
        rounds: each company's rounds are read once, changed here, and written again."""
        entered, self._entered = self._entered, {}
        new, self._new_attempts = self._new_attempts, {}
        changed, self._changed_attempts = self._changed_attempts, {}
        touched = set(entered) | self._counted
        self._counted = set()
        super().flush(session)
        if new:
            insert_rows(session, report_attempts, list(new.values()))
        if changed:
            keys = ("attempt_id", "occurred_on", "answered", "voided", "next_follow_up")
            session.execute(UPDATE_ATTEMPT, [{f"b_{key}": row[key] for key in keys} for row in changed.values()])
        if not touched:
            return
        ids = sorted(touched, key=str)
        rounds: dict[UUID, list[dict[str, Any]]] = {}
        made: dict[tuple[UUID, int], list[tuple[date, bool]]] = {}
        a = report_attempts.c
        for at in range(0, len(ids), CHUNK):
            chunk = ids[at : at + CHUNK]
            for kept in session.execute(select(report_rounds).where(report_rounds.c.company_id.in_(chunk))).mappings():
                rounds.setdefault(kept["company_id"], []).append(dict(kept))
            valid = select(a.company_id, a.round, a.occurred_on, a.answered).where(
                a.company_id.in_(chunk), a.voided.is_(False)
            )
            for company_id, number, occurred_on, answered in session.execute(valid):
                made.setdefault((company_id, number), []).append((occurred_on, answered))
            session.execute(report_rounds.delete().where(report_rounds.c.company_id.in_(chunk)))
        written: list[dict[str, Any]] = []
        for company_id in ids:
            company = sorted(rounds.get(company_id, []), key=lambda row: row["number"])
            for stage, entered_on in entered.get(company_id, []):
                summed_up(company, company_id, stage, entered_on)
            for row in company:
                counted(row, made.get((company_id, row["number"]), []))
            written.extend(company)
        if written:
            insert_rows(session, report_rounds, written)

    def discard_buffer(self) -> None:
        super().discard_buffer()
        self._entered = {}
        self._new_attempts = {}
        self._changed_attempts = {}
        self._counted = set()

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
    OutreachAttempt.Logged,
    OutreachAttempt.Corrected,
    OutreachAttempt.Voided,
)


class ReportsProjection(CrmProjection[ReportsView]):
    """Records each stage a company enters (summing its rounds up), each attempt's round, day and answer,
    each delivery and each commitment made, with the day."""

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

    @process_event.register
    def attempt_logged(self, event: OutreachAttempt.Logged, tracking: Tracking) -> None:
        self.view.add_attempt(event)

    @process_event.register
    def attempt_corrected(self, event: OutreachAttempt.Corrected, tracking: Tracking) -> None:
        changes = event.changes
        values: dict[str, Any] = {}
        for kept in ("occurred_on", "next_follow_up"):
            if kept in changes:
                values[kept] = changes[kept]
        if "outcome" in changes:
            values["answered"] = changes["outcome"] != NO_ANSWER
        if values:
            self.view.change_attempt(event, **values)

    @process_event.register
    def attempt_voided(self, event: OutreachAttempt.Voided, tracking: Tracking) -> None:
        self.view.change_attempt(event, voided=True)
