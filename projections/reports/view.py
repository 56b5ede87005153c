"""The reports read model: the stages each company entered and its rounds summed up, deliveries and
commitments, with their days."""

from __future__ import annotations

from collections.abc import Iterable
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
from projections.bulk import insert_rows, update_changed
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
# From this many rounds changed in one batch on, their companies' rounds are deleted and inserted again (one
# COPY on PostgreSQL) rather than updated one by one: psycopg pipelines an executemany, so the UPDATEs cost
# less up to about a thousand rows (measured on PostgreSQL). A command changes one or two.
REWRITTEN_FROM_ROWS = 1000
# A company round, and the days of its attempts that count with whether each was answered.
RoundKey = tuple[UUID, int]
Made = list[tuple[date, bool]]
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


def counted(row: dict[str, Any], made: Made) -> None:
    """The round's first answer and its attempts up to each milestone, from its attempts (not voided):
    their days, and whether each was answered."""
    answers = [day for day, answered in made if answered]
    row["answered"] = min(answers) if answers else None
    for milestone in MILESTONES:
        reached = row[MILESTONE_DAYS[milestone]]
        row[f"{milestone}_made"] = 0 if reached is None else sum(day <= reached for day, _answered in made)


def milestone_days(row: dict[str, Any]) -> tuple[date | None, ...]:
    """The days a round reached its milestones: its attempts are counted up to them."""
    return tuple(row[day] for day in MILESTONE_DAYS.values())


def counts_as(attempt: dict[str, Any]) -> tuple[date, bool, bool]:
    """What of an attempt its round's counts depend on: its day, whether it was answered, whether it was voided."""
    return attempt["occurred_on"], attempt["answered"], attempt["voided"]


def made_per_round(attempts: Iterable[dict[str, Any]]) -> dict[RoundKey, Made]:
    """The attempts that count (not voided), their days and whether each was answered, per company round."""
    made: dict[RoundKey, Made] = {}
    for attempt in attempts:
        if not attempt["voided"]:
            made.setdefault((attempt["company_id"], attempt["round"]), []).append(
                (attempt["occurred_on"], attempt["answered"])
            )
    return made


def added_up(row: dict[str, Any], made: Made) -> bool:
    """Add attempts the round's counts do not hold yet to them, as `counted` over all its attempts would count
    them; False, the round left as it was, when one answered it before its first answer so far: the answer
    milestone then moves, and the attempts up to it must be counted again."""
    answers = [day for day, answered in made if answered]
    if answers and (row["answered"] is None or min(answers) < row["answered"]):
        return False
    for milestone in MILESTONES:
        reached = row[MILESTONE_DAYS[milestone]]
        if reached is not None:
            row[f"{milestone}_made"] += sum(day <= reached for day, _answered in made)
    return True


def sum_up(
    session: Session,
    touched: set[UUID],
    entered: dict[UUID, list[tuple[str, date]]],
    new: list[dict[str, Any]],
    changed: list[dict[str, Any]],
) -> None:
    """Sum a batch's stage entries and attempts (`new` not stored yet; `changed`, stored as they now stand, those
    whose day, answer or void changed) up into the touched companies' rounds, and write the rounds that changed.

    A stored round holds the counts of its stored attempts (`counted` over them), so the batch's new attempts
    are added to them; only a round that is new, whose milestone days moved, that was answered before its first
    answer so far or whose stored attempts changed is counted again, from its stored attempts and the batch's."""
    stored = stored_rounds(session, touched)
    rounds, recount = entered_rounds(stored, touched, entered)
    recount |= {(row["company_id"], row["round"]) for row in changed}
    made = made_per_round(new)
    for key, added in made.items():
        if key in rounds and key not in recount and not added_up(rounds[key], added):
            recount.add(key)
    recount &= rounds.keys()  # an attempt of a round not begun yet counts in none
    earlier = valid_attempts(session, recount) if recount else {}
    for key in recount:
        counted(rounds[key], earlier.get(key, []) + made.get(key, []))
    written(session, stored, rounds)


def entered_rounds(
    stored: dict[UUID, dict[int, dict[str, Any]]], touched: set[UUID], entered: dict[UUID, list[tuple[str, date]]]
) -> tuple[dict[RoundKey, dict[str, Any]], set[RoundKey]]:
    """The touched companies' rounds with the batch's stage entries summed up into copies of the stored ones,
    and those of them whose attempts must be counted again: the new ones and those whose milestone days moved."""
    rounds: dict[RoundKey, dict[str, Any]] = {}
    recount: set[RoundKey] = set()
    for company_id in sorted(touched, key=str):
        kept = stored.get(company_id, {})
        company = [dict(row) for _number, row in sorted(kept.items())]
        for stage, entered_on in entered.get(company_id, []):
            summed_up(company, company_id, stage, entered_on)
        for row in company:
            rounds[company_id, row["number"]] = row
            was = kept.get(row["number"])
            if was is None or milestone_days(was) != milestone_days(row):
                recount.add((company_id, row["number"]))
    return rounds, recount


def stored_rounds(session: Session, companies: set[UUID]) -> dict[UUID, dict[int, dict[str, Any]]]:
    """The companies' rounds as stored, by company and number."""
    stored: dict[UUID, dict[int, dict[str, Any]]] = {}
    ids = sorted(companies, key=str)
    for at in range(0, len(ids), CHUNK):
        query = select(report_rounds).where(report_rounds.c.company_id.in_(ids[at : at + CHUNK]))
        for row in session.execute(query).mappings():
            stored.setdefault(row["company_id"], {})[row["number"]] = dict(row)
    return stored


def valid_attempts(session: Session, rounds: set[RoundKey]) -> dict[RoundKey, Made]:
    """The stored attempts of these company rounds that count (not voided): their days, whether each was answered."""
    a = report_attempts.c
    ids = sorted({company_id for company_id, _number in rounds}, key=str)
    made: dict[RoundKey, Made] = {}
    for at in range(0, len(ids), CHUNK):
        chunk = ids[at : at + CHUNK]
        within = set(chunk)
        numbers = sorted({number for company_id, number in rounds if company_id in within})
        query = select(a.company_id, a.round, a.occurred_on, a.answered).where(
            a.company_id.in_(chunk), a.round.in_(numbers), a.voided.is_(False)
        )
        for company_id, number, occurred_on, answered in session.execute(query):
            if (company_id, number) in rounds:
                made.setdefault((company_id, number), []).append((occurred_on, answered))
    return made


def written(
    session: Session, stored: dict[UUID, dict[int, dict[str, Any]]], rounds: dict[RoundKey, dict[str, Any]]
) -> None:
    """Write the rounds that differ from those stored: a new one inserted, a changed one updated by its key in
    the columns that changed; with many changed, their companies' rounds are deleted and all inserted again."""
    inserted: list[dict[str, Any]] = []
    changes: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for (company_id, number), row in rounds.items():
        was = stored.get(company_id, {}).get(number)
        if was is None:
            inserted.append(row)
        elif any(row[column] != was[column] for column in ROUND_COLUMNS):
            changes.append((row, was))
    if len(changes) >= REWRITTEN_FROM_ROWS:
        rewritten = {row["company_id"] for row, _was in changes}
        again = sorted(rewritten, key=str)
        for at in range(0, len(again), CHUNK):
            session.execute(report_rounds.delete().where(report_rounds.c.company_id.in_(again[at : at + CHUNK])))
        inserted = [
            row
            for (company_id, number), row in rounds.items()
            if company_id in rewritten or number not in stored.get(company_id, {})
        ]
        changes = []
    update_changed(session, report_rounds, ("company_id", "number"), changes)
    if inserted:
        insert_rows(session, report_rounds, inserted)


class ReportsView(View):
    name = "reports"
    # 2: the rounds summed up (rm_report_rounds) with their attempts (rm_report_attempts); 3: the attempts'
    # day indexed, so the figures of a period find its rounds by it.
    version = 3
    view_tables = (stage_entries, report_rounds, report_attempts, deliveries, commitments_made)
    deferred_indexes = frozenset({"rm_report_attempts_on"})  # read by the screens, never while applying
    # The figures join the companies, attempts, agreements, leads and users of these views.
    reads_also = ("outreach", "agreements", "leads", "users")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The batch's stage entries per company, in order, summed up into its rounds at the flush.
        self._entered: dict[UUID, list[tuple[str, date]]] = {}
        # The batch's attempts logged, and those of earlier batches changed: their rows as they now stand.
        self._new_attempts: dict[UUID, dict[str, Any]] = {}
        self._changed_attempts: dict[UUID, dict[str, Any]] = {}
        # What each attempt of an earlier batch changed counted as when read back (see `counts_as`).
        self._counted_as: dict[UUID, tuple[date, bool, bool]] = {}

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
            self._counted_as[event.originator_id] = counts_as(row)
        row.update(values)

    def flush(self, session: Session) -> None:
        """Insert the buffered rows, and sum the batch's stage entries and attempts up into their companies'
        rounds: each company's rounds are read once, changed here, and only the rows that changed written."""
        entered, self._entered = self._entered, {}
        new, self._new_attempts = self._new_attempts, {}
        changed, self._changed_attempts = self._changed_attempts, {}
        counted_as, self._counted_as = self._counted_as, {}
        super().flush(session)
        if changed:
            keys = ("attempt_id", "occurred_on", "answered", "voided", "next_follow_up")
            session.execute(UPDATE_ATTEMPT, [{f"b_{key}": row[key] for key in keys} for row in changed.values()])
        # A follow-up corrected, or an outcome for another answer, changes no count.
        moved = [row for row in changed.values() if counts_as(row) != counted_as[row["attempt_id"]]]
        touched = set(entered) | {row["company_id"] for row in (*new.values(), *moved)}
        if touched:
            sum_up(session, touched, entered, list(new.values()), moved)
        if new:
            insert_rows(session, report_attempts, list(new.values()))

    def discard_buffer(self) -> None:
        super().discard_buffer()
        self._entered = {}
        self._new_attempts = {}
        self._changed_attempts = {}
        self._counted_as = {}

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
