"""The outreach read model's writes: each event's change to the companies, contacts, attempts and partners."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

import sqlalchemy.exc
from sqlalchemy import and_, bindparam, func, or_, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from crm.attempts import OutreachAttempt
from crm.clock import local_date
from crm.companies import Company
from crm.contacts import Contact
from crm.leads import Lead
from crm.partners import ChannelPartner
from crm.vocabulary import ERASED_PERSON
from projections.base import View
from projections.leads import URGENCY_RANK
from projections.outreach_tables import (
    COUNTED,
    attempts,
    companies,
    company_counts,
    contacts,
    live_leads,
    partners,
    workplaces,
)
from projections.reading import fold, search_key
from projections.schema import rows_changed, utc_naive

ADVANCE_NEXT_STEP = (
    companies.update()
    .where(
        companies.c.company_id == bindparam("b_company_id"),
        companies.c.round == bindparam("b_round"),
        or_(companies.c.last_attempt_on.is_(None), companies.c.last_attempt_on <= bindparam("b_first_on")),
    )
    .values(
        attempts_in_round=companies.c.attempts_in_round + bindparam("b_count"),
        last_attempt_on=bindparam("b_occurred_on"),
        last_touched_on=bindparam("b_occurred_on"),
        last_outcome=bindparam("b_outcome"),
        last_attempt_user_id=bindparam("b_user_id"),
        next_follow_up=bindparam("b_next_follow_up"),
    )
)


# What ADVANCE_NEXT_STEP reads or writes: an update touching these cannot wait for the batch's end.
ADVANCED = frozenset(
    {"round", "last_attempt_on", "attempts_in_round", "last_touched_on", "last_outcome", "last_attempt_user_id"}
    | {"next_follow_up"}
)

COUNTED_SET = frozenset(COUNTED)

# Without .values() the SET clause comes from the parameters, so each shape of update compiles once.
UPDATE_COMPANY = companies.update().where(companies.c.company_id == bindparam("b_company_id"))
UPDATE_CONTACT = contacts.update().where(contacts.c.contact_id == bindparam("b_contact_id"))

CountKey = tuple[Any, ...]
# A company's lead_rank without a live lead: after every urgency.
NO_LEAD = len(URGENCY_RANK)
# Companies whose counted values are read back in one statement: well within every database's parameter limit.
KEYS_PER_READ = 500


def count_key(values: Mapping[str, Any]) -> CountKey:
    return tuple(values[name] for name in COUNTED)


def recount(session: Session, deltas: Mapping[CountKey, int]) -> None:
    """Add each combination's change to its counter, and drop the counters that reach zero (as a rebuild,
    which never makes them, would not have them)."""
    emptied = False
    for key, delta in deltas.items():
        if not delta:
            continue
        joined = "|".join("" if value is None else str(value) for value in key)
        bumped = session.execute(
            company_counts.update()
            .where(company_counts.c.count_key == joined)
            .values(companies=company_counts.c.companies + delta)
        )
        if not rows_changed(bumped):
            session.execute(
                company_counts.insert().values(
                    count_key=joined, companies=delta, **dict(zip(COUNTED, key, strict=True))
                )
            )
        emptied = emptied or delta < 0
    if emptied:
        session.execute(company_counts.delete().where(company_counts.c.companies == 0))


def counted_before(session: Session, company_ids: Iterable[UUID]) -> dict[UUID, dict[str, Any]]:
    """The counted values the companies' rows hold now, before a change is written."""
    ids, found = list(company_ids), {}
    for start in range(0, len(ids), KEYS_PER_READ):
        rows = session.execute(
            select(companies.c.company_id, *(companies.c[name] for name in COUNTED)).where(
                companies.c.company_id.in_(ids[start : start + KEYS_PER_READ])
            )
        )
        found.update({row.company_id: dict(row._mapping) for row in rows})
    return found


def moves(before: Mapping[UUID, Mapping[str, Any]], changes: Mapping[UUID, Mapping[str, Any]]) -> Counter[CountKey]:
    """The counters' changes when each company's row goes from `before` to `before` with its changes."""
    deltas: Counter[CountKey] = Counter()
    for company_id, old in before.items():
        deltas[count_key(old)] -= 1
        deltas[count_key({**old, **changes[company_id]})] += 1
    return deltas


def trigram_extension(engine: Engine) -> None:
    """PostgreSQL's pg_trgm (in public, where the indexes name its operator class), made once per database."""
    with engine.connect() as connection:
        if connection.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first():
            return
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    except sqlalchemy.exc.IntegrityError:
        pass  # another process made it at the same moment


class OutreachView(View):
    name = "outreach"
    # 2: closed_attempt_id; 3: what the CVR register says; 4: search_folded, a trigram index on PostgreSQL;
    # 5: archived channel partners; 6: counters of companies per stage and dimensions, indexes of the board and
    # the stalled list; 7: the call list's order on the company's row (lead_rank, decision_maker_known, live leads)
    version = 7
    view_tables = (companies, company_counts, workplaces, contacts, attempts, partners, live_leads)
    # The department overlap names the users' departments; the call list and the follow-ups join leads and agreements.
    reads_also = ("users", "leads", "agreements")

    def __init__(self, datastore: Any) -> None:
        super().__init__(datastore)
        self._advances: dict[UUID, dict[str, Any]] = {}
        # Within a batch: the rows of companies registered in it (still buffered), and the changes to
        # other companies, merged per company and written at the batch's end, one statement per shape.
        self._new_companies: dict[UUID, dict[str, Any]] = {}
        self._company_changes: dict[UUID, dict[str, Any]] = {}

    def _bind(self, generation: int) -> None:
        if self.engine.dialect.name == "postgresql":
            trigram_extension(self.engine)
        super()._bind(generation)

    # --- companies -----------------------------------------------------------------
    def add_company(self, event: Company.Registered) -> None:
        moment = utc_naive(event.timestamp)
        self._new_companies[event.originator_id] = row = dict(
            company_id=event.originator_id,
            version=event.originator_version,
            name=event.name,
            search_name=search_key(event.name),
            search_folded=fold(event.name),
            cvr=event.cvr,
            industry=event.industry,
            size_band=event.size_band,
            address=event.address,
            sector=event.sector,
            target_group_note=event.target_group_note,
            owner_id=event.owner_id,
            arena=event.arena,
            strategy=event.strategy,
            source_partner_id=event.source_partner_id,
            registered_at=moment,
            stage="identified",
            stage_since=moment,
            round=1,
            round_started_on=local_date(event.timestamp),
            attempts_in_round=0,
            last_touched_on=local_date(event.timestamp),
            last_attempt_on=None,
            last_outcome=None,
            last_attempt_user_id=None,
            next_follow_up=None,
            register_ceased=False,
            register_protected=False,
            lead_rank=NO_LEAD,
            decision_maker_known=False,
        )
        self.buffer(companies, row)

    def update_company(self, event: Any, **values: Any) -> None:
        """Apply changed columns and the aggregate's new version (forms send it back as expected_version)."""
        if "name" in values and "search_name" not in values:
            values["search_name"] = search_key(values["name"])
            values["search_folded"] = fold(values["name"])
        values["version"] = event.originator_version
        if ADVANCED.isdisjoint(values):
            # Columns no pending run of attempts touches: changed in the buffered row, or at the batch's end.
            row = self._new_companies.get(event.originator_id)
            if row is not None:
                row.update(values)
            else:
                self._company_changes.setdefault(event.originator_id, {}).update(values)
            return
        with self.transaction(commit=True) as session:
            self.flush(session)  # the row may still wait in this batch's buffer
            counted = {} if COUNTED_SET.isdisjoint(values) else counted_before(session, [event.originator_id])
            session.execute(UPDATE_COMPANY, {"b_company_id": event.originator_id, **values})
            recount(session, moves(counted, {event.originator_id: values}))

    def change_stage(self, event: Any, stage: str, **values: Any) -> None:
        self.update_company(event, stage=stage, stage_since=utc_naive(event.timestamp), **values)

    def start_round(self, event: Company.Reapproached) -> None:
        with self.transaction(commit=True) as session:
            self.flush(session)  # attempts of the closing round that still wait in this batch
            self.update_company(
                event,
                stage="identified",
                stage_since=utc_naive(event.timestamp),
                round=event.round,
                round_started_on=local_date(event.timestamp),
                closed_reason=None,
                closed_attempt_id=None,
                approach_again_after=None,
                agreement_id=None,
            )
            self._refresh_next_step(session, event.originator_id)

    def add_workplace(self, event: Company.WorkplaceAdded) -> None:
        with self.transaction(commit=True) as session:
            session.execute(
                workplaces.insert().values(
                    workplace_id=event.workplace_id,
                    company_id=event.originator_id,
                    p_number=event.p_number,
                    name=event.name,
                    address=event.address,
                )
            )
            self.update_company(event)

    def remove_workplace(self, event: Company.WorkplaceRemoved) -> None:
        with self.transaction(commit=True) as session:
            session.execute(workplaces.delete().where(workplaces.c.workplace_id == event.workplace_id))
            self.update_company(event)

    # --- contacts ----------------------------------------------------------------------
    def add_contact(self, event: Contact.Registered) -> None:
        self.buffer(
            contacts,
            dict(
                contact_id=event.originator_id,
                company_id=event.company_id,
                version=event.originator_version,
                name=event.name,
                search_name=search_key(event.name),
                search_folded=fold(event.name),
                role=event.role,
                phone=event.phone,
                email=event.email,
                is_decision_maker=event.is_decision_maker,
                archived=False,
            ),
        )
        if event.is_decision_maker:
            self._change_call_order(event.company_id, decision_maker_known=True)

    def update_contact(self, event: Any, **values: Any) -> None:
        if "name" in values:
            values["search_name"] = search_key(values["name"])
            values["search_folded"] = fold(values["name"])
        with self.transaction(commit=True) as session:
            self.flush(session)  # the row may still wait in this batch's buffer
            session.execute(
                UPDATE_CONTACT, {"b_contact_id": event.originator_id, "version": event.originator_version, **values}
            )
            if "is_decision_maker" in values or "archived" in values:
                self._refresh_decision_maker(session, event.originator_id)

    def erase_contact(self, event: Contact.Erased) -> None:
        """The person's row stays, so lists show "slettet person" where they stood; nothing of them is left in it."""
        self.update_contact(event, name=ERASED_PERSON, search_name="", phone=None, email=None, archived=True)

    # --- the call list's order (projections/call_list.py) ---------------------------------------
    def _change_call_order(self, company_id: UUID, **values: Any) -> None:
        """Change columns of the call list's order, which no other write touches: in the buffered row, or at
        the batch's end. Not the company's version: the event is a contact's or a lead's."""
        row = self._new_companies.get(company_id)
        if row is not None:
            row.update(values)
        else:
            self._company_changes.setdefault(company_id, {}).update(values)

    def _refresh_decision_maker(self, session: Session, contact_id: UUID) -> None:
        """Whether the contact's company has a current decision maker, after the contact changed."""
        company_id = select(contacts.c.company_id).where(contacts.c.contact_id == contact_id).scalar_subquery()
        known = (
            select(contacts.c.contact_id)
            .where(
                contacts.c.company_id == company_id,
                contacts.c.is_decision_maker.is_(True),
                contacts.c.archived.is_(False),
            )
            .exists()
        )
        session.execute(
            companies.update().where(companies.c.company_id == company_id).values(decision_maker_known=known)
        )

    def share_lead(self, event: Lead.Shared) -> None:
        """A live lead: the company's lead_rank becomes its urgency's when that is more urgent."""
        rank = URGENCY_RANK.get(event.urgency, NO_LEAD)
        self.buffer(live_leads, dict(lead_id=event.originator_id, company_id=event.company_id, urgency_rank=rank))
        row = self._new_companies.get(event.company_id)
        if row is not None:
            row["lead_rank"] = min(row["lead_rank"], rank)
            return
        with self.transaction(commit=True) as session:
            self.flush(session)  # whatever of the company still waits in this batch's buffer
            session.execute(
                companies.update()
                .where(companies.c.company_id == event.company_id, companies.c.lead_rank > rank)
                .values(lead_rank=rank)
            )

    def decline_lead(self, event: Lead.Declined) -> None:
        """No longer live: the company's lead_rank is that of its most urgent lead still live."""
        with self.transaction(commit=True) as session:
            self.flush(session)  # the lead, or the company, may still wait in this batch's buffer
            session.execute(live_leads.delete().where(live_leads.c.lead_id == event.originator_id))
            most_urgent = (
                select(func.min(live_leads.c.urgency_rank))
                .where(live_leads.c.company_id == event.company_id)
                .scalar_subquery()
            )
            session.execute(
                companies.update()
                .where(companies.c.company_id == event.company_id)
                .values(lead_rank=func.coalesce(most_urgent, NO_LEAD))
            )

    # --- attempts ------------------------------------------------------------------------
    def add_attempt(self, event: OutreachAttempt.Logged) -> None:
        self.buffer(
            attempts,
            dict(
                attempt_id=event.originator_id,
                company_id=event.company_id,
                contact_id=event.contact_id,
                user_id=event.user_id,
                channel=event.channel,
                outcome=event.outcome,
                note=event.note,
                occurred_on=event.occurred_on,
                next_follow_up=event.next_follow_up,
                lead_id=event.lead_id,
                source_partner_id=event.source_partner_id,
                arena=event.arena,
                strategy=event.strategy,
                round=event.round,
                recorded_at=utc_naive(event.timestamp),
                corrected=False,
                voided=False,
            ),
        )
        latest = dict(
            b_occurred_on=event.occurred_on,
            b_outcome=event.outcome,
            b_user_id=event.user_id,
            b_next_follow_up=event.next_follow_up,
        )
        row = self._new_companies.get(event.company_id)
        if (
            row is not None
            and event.company_id not in self._advances
            and row["round"] == event.round
            and (row["last_attempt_on"] is None or row["last_attempt_on"] <= event.occurred_on)
        ):
            # Registered in this batch: its buffered row takes the attempt, as ADVANCE_NEXT_STEP would.
            row.update(
                attempts_in_round=row["attempts_in_round"] + 1,
                last_attempt_on=event.occurred_on,
                last_touched_on=event.occurred_on,
                last_outcome=event.outcome,
                last_attempt_user_id=event.user_id,
                next_follow_up=event.next_follow_up,
            )
            return
        pending = self._advances.get(event.company_id)
        if pending and pending["b_round"] == event.round and event.occurred_on >= pending["b_occurred_on"]:
            # A run of newer attempts of one company in one batch becomes one update at the end of the batch.
            pending.update(b_count=pending["b_count"] + 1, **latest)
            return
        with self.transaction(commit=True) as session:
            self._advance(session, event.company_id)
        self._advances[event.company_id] = dict(
            b_company_id=event.company_id, b_round=event.round, b_first_on=event.occurred_on, b_count=1, **latest
        )

    def _advance(self, session: Session, company_id: UUID) -> None:
        """Apply a company's pending run of attempts: the common case, newer attempts of the current round,
        is one update; anything else (an attempt dated before the last one, another round) recomputes."""
        pending = self._advances.pop(company_id, None)
        if pending and not rows_changed(session.execute(ADVANCE_NEXT_STEP, pending)):
            self._refresh_next_step(session, company_id)

    def flush(self, session: Session) -> None:
        """Write the batch's rows and changes, and move the counters with them in the same transaction."""
        deltas = Counter(count_key(row) for row in self._new_companies.values())
        changes, self._company_changes = self._company_changes, {}
        before = counted_before(session, [i for i, values in changes.items() if not COUNTED_SET.isdisjoint(values)])
        deltas.update(moves(before, changes))
        super().flush(session)
        self._new_companies = {}
        shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for company_id, values in changes.items():
            shapes.setdefault(tuple(sorted(values)), []).append({"b_company_id": company_id, **values})
        for rows in shapes.values():
            session.execute(UPDATE_COMPANY, rows)
        for company_id in list(self._advances):
            self._advance(session, company_id)
        recount(session, deltas)

    def discard_buffer(self) -> None:
        super().discard_buffer()
        self._advances = {}
        self._new_companies = {}
        self._company_changes = {}

    def update_attempt(self, event: Any, **values: Any) -> None:
        with self.transaction(commit=True) as session:
            self.flush(session)  # the attempt may still be waiting in this batch's buffer
            session.execute(attempts.update().where(attempts.c.attempt_id == event.originator_id).values(**values))
            self._refresh_next_step(session, event.company_id)

    def _refresh_next_step(self, session: Session, company_id: UUID) -> None:
        """The company's next step is the latest valid attempt of its current round."""
        self.flush(session)  # attempts of this batch may still be waiting in the buffer
        round_ = select(companies.c.round).where(companies.c.company_id == company_id).scalar_subquery()
        in_round = and_(attempts.c.company_id == company_id, attempts.c.round == round_, attempts.c.voided.is_(False))
        latest = session.execute(
            select(attempts.c.occurred_on, attempts.c.outcome, attempts.c.user_id, attempts.c.next_follow_up)
            .where(in_round)
            .order_by(attempts.c.occurred_on.desc(), attempts.c.recorded_at.desc())
            .limit(1)
        ).first()
        count = session.execute(select(func.count()).select_from(attempts).where(in_round)).scalar_one()
        started = select(companies.c.round_started_on).where(companies.c.company_id == company_id).scalar_subquery()
        session.execute(
            companies.update()
            .where(companies.c.company_id == company_id)
            .values(
                last_touched_on=latest.occurred_on if latest else started,
                attempts_in_round=count,
                last_attempt_on=latest.occurred_on if latest else None,
                last_outcome=latest.outcome if latest else None,
                last_attempt_user_id=latest.user_id if latest else None,
                next_follow_up=latest.next_follow_up if latest else None,
            )
        )

    # --- partners ----------------------------------------------------------------------------
    def add_partner(self, event: ChannelPartner.Registered) -> None:
        with self.transaction(commit=True) as session:
            session.execute(
                partners.insert().values(
                    partner_id=event.originator_id, name=event.name, kind=event.kind, archived=False
                )
            )

    def rename_partner(self, event: ChannelPartner.Renamed) -> None:
        with self.transaction(commit=True) as session:
            session.execute(
                partners.update().where(partners.c.partner_id == event.originator_id).values(name=event.name)
            )

    def archive_partner(self, event: ChannelPartner.Archived) -> None:
        with self.transaction(commit=True) as session:
            session.execute(partners.update().where(partners.c.partner_id == event.originator_id).values(archived=True))
