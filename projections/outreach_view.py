"""The outreach read model's writes: each event's change to the companies, contacts, attempts and partners.

A batch is applied to rows held in memory: the rows its events touch are read first, one statement per
table (a company's attempts only when its next step must be worked out again), every event then changes
those rows in order, and `flush` writes them back at the batch's end, one statement per table (COPY on
PostgreSQL for a large batch), with the counters moved in the same transaction. Applied one event at a
time (the runner's search for an event a view cannot apply) the same code reads and writes per event.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from uuid import UUID

import sqlalchemy.exc
from sqlalchemy import Table, select, text
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
from projections.bulk import update_changed
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
from projections.schema import utc_naive

CountKey = tuple[Any, ...]
Row = dict[str, Any]
# Keys named in one statement: well within every database's parameter limit.
KEYS_PER_READ = 500
# Up to this many stored rows of a table a batch changes are updated in place; more are deleted and inserted again.
UPDATE_IN_PLACE_ROWS = 50
# A company's lead_rank without a live lead: after every urgency.
NO_LEAD = len(URGENCY_RANK)

# The attempts' events (besides a new round) whose companies' attempts are read with the batch's rows: each
# works out the company's next step again.
RECOUNTING = (OutreachAttempt.Corrected, OutreachAttempt.Voided)
CREATING = (Company.Registered, Contact.Registered, OutreachAttempt.Logged)
# Events of a contact or a lead that move the call list's order on their company's row.
ORDERING = (Lead.Shared, Lead.Declined)


def count_key(values: Mapping[str, Any]) -> CountKey:
    """A company row's combination of the counted values, whether a follow-up is planned last."""
    return (*(values[name] for name in COUNTED), values["next_follow_up"] is not None)


def joined_key(key: CountKey) -> str:
    return "|".join("" if value is None else str(value) for value in key)


def chunks(keys: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(keys), KEYS_PER_READ):
        yield keys[start : start + KEYS_PER_READ]


def recount(session: Session, deltas: Mapping[CountKey, int]) -> None:
    """Add each combination's change to its counter, and drop the counters that reach zero (as a rebuild,
    which never makes them, would not have them): the counters read, deleted and written back in one
    statement each."""
    moved = {joined_key(key): (key, delta) for key, delta in deltas.items() if delta}
    stored: dict[str, int] = {}
    for keys in chunks(list(moved)):
        query = select(company_counts.c.count_key, company_counts.c.companies)
        stored.update(
            {row.count_key: row.companies for row in session.execute(query.where(company_counts.c.count_key.in_(keys)))}
        )
    for keys in chunks(list(stored)):
        session.execute(company_counts.delete().where(company_counts.c.count_key.in_(keys)))
    rows = [
        dict(count_key=joined, companies=total, **dict(zip((*COUNTED, "planned"), key, strict=True)))
        for joined, (key, delta) in moved.items()
        if (total := stored.get(joined, 0) + delta)
    ]
    if rows:
        session.execute(company_counts.insert(), rows)


def read_rows(session: Session, table: Table, column: str, keys: Iterable[Any]) -> list[Row]:
    """The table's rows whose `column` is one of `keys`, as plain dicts."""
    found: list[Row] = []
    for chunk in chunks(list(keys)):
        rows = session.execute(select(table).where(table.c[column].in_(chunk)))
        found.extend(dict(row._mapping) for row in rows)
    return found


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


class Rows:
    """One table's rows a batch touches, by key: those stored before it (with what they were) and new ones."""

    def __init__(self, table: Table, key: str) -> None:
        self.table, self.key = table, key
        self.rows: dict[Any, Row] = {}
        self.stored: dict[Any, Row] = {}  # the rows as read, before the batch changed them
        self.looked_up: set[Any] = set()
        self.changed: dict[Any, None] = {}  # ordered: written back in the order first changed
        self.removed: dict[Any, None] = {}

    def missing(self, keys: Iterable[Any]) -> set[Any]:
        return {key for key in keys if key not in self.looked_up}

    def load(self, session: Session, keys: Iterable[Any]) -> None:
        wanted = self.missing(keys)
        self.looked_up |= wanted
        self.found(read_rows(session, self.table, self.key, wanted))

    def found(self, rows: Iterable[Row]) -> None:
        for row in rows:
            key = row[self.key]
            if key not in self.rows:
                self.rows[key], self.stored[key] = row, dict(row)
                self.looked_up.add(key)

    def add(self, row: Row) -> None:
        key = row[self.key]
        self.rows[key] = row
        if key not in self.removed:
            self.stored.pop(key, None)  # a key made twice is inserted, not replaced: refused, as one at a time
        self.looked_up.add(key)
        self.changed[key] = None

    def remove(self, key: Any) -> None:
        """The row gone: deleted at the batch's end if it was stored, forgotten if made in the batch."""
        self.rows.pop(key, None)
        self.changed.pop(key, None)
        self.removed[key] = None

    def change(self, key: Any, values: Mapping[str, Any]) -> Row | None:
        """The row with the values applied; None (and nothing changed) when the view has no such row."""
        row = self.rows.get(key)
        if row is not None:
            row.update(values)
            self.changed[key] = None
        return row

    def write(self, session: Session, view: View) -> None:
        """Write the batch's changes back: rows made in the batch buffered for the view's insert, stored rows
        removed deleted, and stored rows changed updated in place when few (the catch-up after a command), else
        deleted and inserted again with the new ones (one COPY costs less than many UPDATEs in a rebuild)."""
        changed_stored = [key for key in self.changed if key in self.stored]
        gone = [key for key in self.removed if key in self.stored and key not in self.changed]
        in_place = len(changed_stored) <= UPDATE_IN_PLACE_ROWS
        for keys in chunks(gone if in_place else gone + changed_stored):
            session.execute(self.table.delete().where(self.table.c[self.key].in_(keys)))
        if in_place:
            update_changed(session, self.table, (self.key,), ((self.rows[k], self.stored[k]) for k in changed_stored))
        view.buffer_many(self.table, [self.rows[key] for key in self.changed if not (in_place and key in self.stored)])


class OutreachView(View):
    name = "outreach"
    # 2: closed_attempt_id; 3: what the CVR register says; 4: search_folded, a trigram index on PostgreSQL;
    # 5: archived channel partners; 6: counters of companies per stage and dimensions, indexes of the board and
    # the stalled list; 7: the call list's order on the company's row (lead_rank, decision_maker_known, live leads);
    # 8: indexes of the queue's sections by the user whose queue a company is on, counted from rm_companies_queue;
    # 9: the counters keep whether a follow-up is planned
    version = 9
    view_tables = (companies, company_counts, workplaces, contacts, attempts, partners, live_leads)
    # Read by the screens only, never while applying (which finds rows by their keys): a rebuild fills its
    # generation without them and makes them in one go when it goes live.
    deferred_indexes = frozenset(str(index.name) for index in companies.indexes)
    # The department overlap names the users' departments; the call list and the follow-ups join leads and agreements.
    reads_also = ("users", "leads", "agreements")

    def __init__(self, datastore: Any) -> None:
        super().__init__(datastore)
        self._start_batch()

    def _start_batch(self) -> None:
        self._companies = Rows(companies, "company_id")
        self._contacts = Rows(contacts, "contact_id")
        self._attempts = Rows(attempts, "attempt_id")
        self._live_leads = Rows(live_leads, "lead_id")
        self._contacts_read: set[UUID] = set()  # the companies whose stored contacts have been read
        self._leads_read: set[UUID] = set()  # the companies whose stored live leads have been read
        self._attempts_of: dict[UUID, dict[UUID, None]] = {}  # each company's attempts held here
        self._attempts_read: set[UUID] = set()  # the companies whose stored attempts have been read
        self._workplaces_added: dict[str, Row] = {}
        self._workplaces_removed: set[str] = set()

    def _bind(self, generation: int) -> None:
        if self.engine.dialect.name == "postgresql":
            trigram_extension(self.engine)
        super()._bind(generation)

    # --- the batch's rows ---------------------------------------------------------------------
    def read_rows_for(self, events: Iterable[Any]) -> None:
        """Read the stored rows the events change (those made earlier in the batch are held already)."""
        company_ids: set[UUID] = set()
        contact_ids: set[UUID] = set()
        recounted: set[UUID] = set()
        for event in events:
            if isinstance(event, CREATING):
                if isinstance(event, OutreachAttempt.Logged) or (
                    isinstance(event, Contact.Registered) and event.is_decision_maker
                ):
                    company_ids.add(event.company_id)
            elif isinstance(event, Company.Event):
                company_ids.add(event.originator_id)
                if isinstance(event, Company.Reapproached):
                    recounted.add(event.originator_id)
            elif isinstance(event, Contact.Event):
                contact_ids.add(event.originator_id)
            elif isinstance(event, RECOUNTING):
                company_ids.add(event.company_id)
                recounted.add(event.company_id)
            elif isinstance(event, ORDERING):
                company_ids.add(event.company_id)
        company_ids = self._companies.missing(company_ids)
        contact_ids = self._contacts.missing(contact_ids)
        recounted -= self._attempts_read
        if not (company_ids or contact_ids or recounted):
            return
        with self.transaction(commit=True) as session:
            self._companies.load(session, company_ids)
            self._contacts.load(session, contact_ids)
            self._read_attempts(session, recounted)

    def _read_attempts(self, session: Session, company_ids: set[UUID]) -> None:
        self._attempts_read |= company_ids
        stored = read_rows(session, attempts, "company_id", company_ids)
        self._attempts.found(stored)
        for row in stored:
            self._attempts_of.setdefault(row["company_id"], {})[row["attempt_id"]] = None

    def _attempts_of_company(self, company_id: UUID) -> list[Row]:
        if company_id not in self._attempts_read:
            with self.transaction(commit=True) as session:
                self._read_attempts(session, {company_id})
        rows = self._attempts.rows
        return [rows[attempt_id] for attempt_id in self._attempts_of.get(company_id, ())]

    def flush(self, session: Session) -> None:
        """Write the batch's rows back, one statement per table, and move the counters in the same transaction."""
        deltas: Counter[CountKey] = Counter()
        held = self._companies
        for company_id in held.changed:
            before = held.stored.get(company_id)
            if before is not None:
                deltas[count_key(before)] -= 1
            deltas[count_key(held.rows[company_id])] += 1
        removed = sorted(self._workplaces_removed)
        for keys in chunks(removed):
            session.execute(workplaces.delete().where(workplaces.c.workplace_id.in_(keys)))
        self.buffer_many(workplaces, list(self._workplaces_added.values()))
        for table in (self._companies, self._contacts, self._attempts, self._live_leads):
            table.write(session, self)
        super().flush(session)
        recount(session, deltas)
        self._start_batch()

    def discard_buffer(self) -> None:
        super().discard_buffer()
        self._start_batch()

    # --- companies -----------------------------------------------------------------
    def add_company(self, event: Company.Registered) -> None:
        moment = utc_naive(event.timestamp)
        row = dict.fromkeys(companies.c.keys())
        row.update(
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
            register_ceased=False,
            register_protected=False,
            lead_rank=NO_LEAD,
            decision_maker_known=False,
        )
        self._companies.add(row)

    def update_company(self, event: Any, **values: Any) -> Row | None:
        """Apply changed columns and the aggregate's new version (forms send it back as expected_version)."""
        if "name" in values and "search_name" not in values:
            values["search_name"] = search_key(values["name"])
            values["search_folded"] = fold(values["name"])
        values["version"] = event.originator_version
        return self._companies.change(event.originator_id, values)

    def change_stage(self, event: Any, stage: str, **values: Any) -> None:
        self.update_company(event, stage=stage, stage_since=utc_naive(event.timestamp), **values)

    def start_round(self, event: Company.Reapproached) -> None:
        row = self.update_company(
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
        if row is not None:
            self._refresh_next_step(row)

    def add_workplace(self, event: Company.WorkplaceAdded) -> None:
        self._workplaces_added[event.workplace_id] = dict(
            workplace_id=event.workplace_id,
            company_id=event.originator_id,
            p_number=event.p_number,
            name=event.name,
            address=event.address,
        )
        self.update_company(event)

    def remove_workplace(self, event: Company.WorkplaceRemoved) -> None:
        # Deleted before the batch's new workplaces are inserted: one removed and added again stays.
        self._workplaces_added.pop(event.workplace_id, None)
        self._workplaces_removed.add(event.workplace_id)
        self.update_company(event)

    # --- contacts ----------------------------------------------------------------------
    def add_contact(self, event: Contact.Registered) -> None:
        self._contacts.add(
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
            )
        )
        if event.is_decision_maker:
            self._change_call_order(event.company_id, decision_maker_known=True)

    def update_contact(self, event: Any, **values: Any) -> None:
        if "name" in values:
            values["search_name"] = search_key(values["name"])
            values["search_folded"] = fold(values["name"])
        row = self._contacts.change(event.originator_id, {**values, "version": event.originator_version})
        if row is not None and ("is_decision_maker" in values or "archived" in values):
            self._refresh_decision_maker(row["company_id"])

    def erase_contact(self, event: Contact.Erased) -> None:
        """The person's row stays, so lists show "slettet person" where they stood; nothing of them is left in it."""
        self.update_contact(event, name=ERASED_PERSON, search_name="", phone=None, email=None, archived=True)

    # --- the call list's order (projections/call_list.py) ---------------------------------------
    def _company_row(self, company_id: UUID) -> Row | None:
        if company_id not in self._companies.looked_up:
            with self.transaction(commit=True) as session:
                self._companies.load(session, {company_id})
        return self._companies.rows.get(company_id)

    def _change_call_order(self, company_id: UUID, **values: Any) -> None:
        """Change columns of the call list's order, which no other write touches. Not the company's version:
        the event is a contact's or a lead's."""
        if self._company_row(company_id) is not None:
            self._companies.change(company_id, values)

    def _held_of_company(self, held: Rows, read: set[UUID], company_id: UUID) -> list[Row]:
        """Every row of `held` (contacts or live leads) about the company: those stored, read once, and the batch's."""
        if company_id not in read:
            read.add(company_id)
            with self.transaction(commit=True) as session:
                held.found(
                    row
                    for row in read_rows(session, held.table, "company_id", {company_id})
                    if row[held.key] not in held.removed
                )
        return [row for row in held.rows.values() if row["company_id"] == company_id]

    def _refresh_decision_maker(self, company_id: UUID) -> None:
        """Whether the company has a current decision maker, after one of its contacts changed."""
        people = self._held_of_company(self._contacts, self._contacts_read, company_id)
        known = any(person["is_decision_maker"] and not person["archived"] for person in people)
        self._change_call_order(company_id, decision_maker_known=known)

    def share_lead(self, event: Lead.Shared) -> None:
        """A live lead: the company's lead_rank becomes its urgency's when that is more urgent."""
        rank = URGENCY_RANK.get(event.urgency, NO_LEAD)
        self._live_leads.add(dict(lead_id=event.originator_id, company_id=event.company_id, urgency_rank=rank))
        row = self._company_row(event.company_id)
        if row is not None and row["lead_rank"] > rank:
            self._companies.change(event.company_id, {"lead_rank": rank})

    def decline_lead(self, event: Lead.Declined) -> None:
        """No longer live: the company's lead_rank is that of its most urgent lead still live."""
        live = self._held_of_company(self._live_leads, self._leads_read, event.company_id)
        self._live_leads.remove(event.originator_id)
        rest = [lead["urgency_rank"] for lead in live if lead["lead_id"] != event.originator_id]
        self._change_call_order(event.company_id, lead_rank=min(rest, default=NO_LEAD))

    # --- attempts ------------------------------------------------------------------------
    def add_attempt(self, event: OutreachAttempt.Logged) -> None:
        self._attempts.add(
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
            )
        )
        self._attempts_of.setdefault(event.company_id, {})[event.originator_id] = None
        row = self._companies.rows.get(event.company_id)
        if row is None:
            return
        if row["round"] == event.round and (
            row["last_attempt_on"] is None or row["last_attempt_on"] <= event.occurred_on
        ):
            # The common case, the newest attempt of the current round: the next step is this attempt's.
            self._companies.change(
                event.company_id,
                dict(
                    attempts_in_round=row["attempts_in_round"] + 1,
                    last_attempt_on=event.occurred_on,
                    last_touched_on=event.occurred_on,
                    last_outcome=event.outcome,
                    last_attempt_user_id=event.user_id,
                    next_follow_up=event.next_follow_up,
                ),
            )
        else:
            self._refresh_next_step(row)

    def update_attempt(self, event: Any, **values: Any) -> None:
        self._attempts.change(event.originator_id, values)
        row = self._companies.rows.get(event.company_id)
        if row is not None:
            self._refresh_next_step(row)

    def _refresh_next_step(self, row: Row) -> None:
        """The company's next step is the latest valid attempt of its current round (the latest recorded of a
        day, then the greatest id, so it never depends on the order rows are read in)."""
        in_round = [
            a for a in self._attempts_of_company(row["company_id"]) if a["round"] == row["round"] and not a["voided"]
        ]
        latest = max(in_round, key=lambda a: (a["occurred_on"], a["recorded_at"], a["attempt_id"]), default=None)
        self._companies.change(
            row["company_id"],
            dict(
                last_touched_on=latest["occurred_on"] if latest else row["round_started_on"],
                attempts_in_round=len(in_round),
                last_attempt_on=latest["occurred_on"] if latest else None,
                last_outcome=latest["outcome"] if latest else None,
                last_attempt_user_id=latest["user_id"] if latest else None,
                next_follow_up=latest["next_follow_up"] if latest else None,
            ),
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
