"""Timeline read model: everything that happened to a company, newest first, with who and why.

Only some events name their company (Contact.Registered, OutreachAttempt.Logged,
PartnershipAgreement.Drafted and Lead.Shared do; Contact.RoleChanged does not),
so the view remembers the company of each contact, attempt, agreement and lead
from the event that created it, and files the later events under that company.

A contact's name, phone and e-mail are not copied into the rows: they live in
the Contact's events and in the contacts read model, keyed by contact id, so
erasing a person touches one place. The entry of a contact's registration
carries the name from there when it is read.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import fields
from datetime import date, datetime
from functools import singledispatchmethod
from typing import Any, TypedDict, cast
from uuid import UUID

import orjson
from eventsourcing.persistence import Tracking
from eventsourcing.utils import get_topic
from sqlalchemy import BigInteger, Column, DateTime, Index, String, Table, Text, Uuid, and_, bindparam, func, select
from sqlalchemy.orm import Session

from crm.aggregate import CrmAggregate
from crm.agreements import PartnershipAgreement
from crm.attempts import OutreachAttempt
from crm.companies import Company
from crm.contacts import Contact
from crm.leads import Lead
from crm.vocabulary import aggregate_slug
from projections.base import CrmProjection, View
from projections.outreach_tables import contacts
from projections.reading import fetch
from projections.schema import metadata, utc_naive

timeline = Table(
    "rm_timeline",
    metadata,
    Column("notification_id", BigInteger, primary_key=True, autoincrement=False),
    Column("company_id", Uuid, nullable=False),
    Column("originator_id", Uuid, nullable=False),
    Column("aggregate", String(16), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("occurred_at", DateTime, nullable=False),
    Column("actor_id", Uuid),
    Column("reason", Text),
    Column("data", Text, nullable=False),
    Index("rm_timeline_company", "company_id", "notification_id"),
)

subjects = Table(
    "rm_timeline_subjects",
    metadata,
    Column("originator_id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
)

# Every event carries these; the row has its own columns for the ones worth showing.
ENVELOPE = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic", "actor_id", "reason"})
# A contact's personal data: kept by contact id in the contacts read model, never in a timeline row.
PERSONAL = frozenset({"name", "phone", "email"})


class TimelineEntry(TypedDict):
    """One event on a company's timeline; `data` holds the event's own fields (dates and ids as text),
    and on the entry of a contact's registration the contact's name as the contacts read model has it."""

    notification_id: int
    company_id: UUID
    originator_id: UUID
    aggregate: str
    event_type: str
    occurred_at: datetime
    actor_id: UUID | None
    reason: str | None
    data: dict[str, Any]


def event_data(event: Any) -> str:
    """The event's own fields as JSON text, with dates and ids as strings and sorted keys.

    A contact's name, phone and e-mail are left out; of a change to them, only which fields changed.
    """
    values: dict[str, Any] = {}
    plain = True
    for name in _own_fields(type(event)):
        value = getattr(event, name)  # a field missing from an older event reads its class default
        kind = type(value)
        if kind is float or kind is dict or kind is list or kind is tuple:
            plain = plain and _finite(value)
        values[name] = value
    if aggregate_of(type(event)) == "contact" and isinstance(values.get("changes"), dict):
        values["changes"] = sorted(values["changes"])
    if plain:
        try:
            return orjson.dumps(values, default=_plain, option=_ORJSON).decode()
        except orjson.JSONEncodeError:
            pass  # an integer beyond 64 bits, a key that is not text, a value of another type: as the json module
    return _ENCODE(values)


# orjson writes ids as str() does; dates, datetimes and subclasses of the JSON types go to `_plain`, as with
# the json module, and a dataclass too (which it refuses, as the json module does).
_ORJSON = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


def _finite(value: Any) -> bool:
    """False when a float that is NaN or infinite is in the value: orjson writes it as null, json as NaN."""
    pending = [value]
    while pending:
        item = pending.pop()
        kind = type(item)
        if kind is float and not math.isfinite(item):
            return False
        if kind is dict:
            pending.extend(item.values())
        elif kind is list or kind is tuple:
            pending.extend(item)
    return True


_FIELDS: dict[type, tuple[str, ...]] = {}
_AGGREGATES: dict[type, str] = {}


def _own_fields(cls: type) -> tuple[str, ...]:
    """The fields of an event class that go into `data` (a contact's personal fields never do)."""
    found = _FIELDS.get(cls)
    if found is None:
        left_out = ENVELOPE | PERSONAL if aggregate_of(cls) == "contact" else ENVELOPE
        found = _FIELDS[cls] = tuple(f.name for f in fields(cls) if f.name not in left_out)
    return found


def aggregate_of(cls: type) -> str:
    found = _AGGREGATES.get(cls)
    if found is None:
        found = _AGGREGATES[cls] = aggregate_slug(cls.__qualname__)
    return found


def _plain(value: Any) -> str:
    if isinstance(value, UUID):  # the most frequent: tested first
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# json.dumps with these options builds an encoder per call; one built once encodes the same text.
_ENCODE = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=_plain).encode


SUBJECT_COMPANY = select(subjects.c.company_id).where(subjects.c.originator_id == bindparam("originator_id"))


class TimelineView(View):
    name = "timeline"
    # 2: a contact's name, phone and e-mail are no longer copied into `data`.
    version = 2
    view_tables = (subjects, timeline)
    reads_also = ("outreach",)  # a contact's name beside the entry of their registration
    deferred_indexes = frozenset({"rm_timeline_company"})  # read by the screens, never while applying
    # Free text: searched as lower(reason) and lower(data) (projections/free_texts.py), never compared as stored.
    unanalysed_columns = frozenset({"data", "reason"})

    def __init__(self, datastore: Any) -> None:
        super().__init__(datastore)
        self._subjects_in_batch: dict[UUID, UUID] = {}

    def discard_buffer(self) -> None:
        super().discard_buffer()
        # Subjects first seen in this batch are only inserted at its end; until then they are read from here.
        self._subjects_in_batch = {}

    def add_entry(self, event: Any, tracking: Tracking) -> None:
        aggregate = aggregate_of(type(event))
        with self.transaction(commit=True) as session:
            self.buffer(
                timeline,
                dict(
                    notification_id=tracking.notification_id,
                    company_id=self._company_of(session, aggregate, event),
                    originator_id=event.originator_id,
                    aggregate=aggregate,
                    event_type=type(event).__name__,
                    occurred_at=utc_naive(event.timestamp),
                    actor_id=event.actor_id,
                    reason=event.reason,
                    data=event_data(event),
                ),
            )

    def add_entries(self, events: Sequence[tuple[int, Any]]) -> None:
        """A batch's entries, as `add_entry` (and `erase_reasons` after an erasure) would write them one by one:
        the companies of subjects created before the batch are read in one statement, not one per event."""
        rows: list[dict[str, Any]] = []
        looked_up: list[dict[str, Any]] = []  # entries of subjects created before this batch
        erased: set[UUID] = set()
        in_batch = self._subjects_in_batch
        for position, event in events:
            cls = type(event)
            aggregate = aggregate_of(cls)
            originator_id = event.originator_id
            row = dict(
                notification_id=position,
                company_id=None,
                originator_id=originator_id,
                aggregate=aggregate,
                event_type=cls.__name__,
                occurred_at=utc_naive(event.timestamp),
                actor_id=event.actor_id,
                reason=event.reason,
                data=event_data(event),
            )
            if aggregate == "company":
                row["company_id"] = originator_id
            elif isinstance(event, CrmAggregate.Created):
                company_id: UUID = getattr(event, "company_id")  # noqa: B009
                self.buffer(subjects, dict(originator_id=originator_id, company_id=company_id))
                in_batch[originator_id] = company_id
                row["company_id"] = company_id
            elif originator_id in in_batch:
                row["company_id"] = in_batch[originator_id]
            else:
                looked_up.append(row)
            rows.append(row)
            if isinstance(event, Contact.Erased):
                # The erased person's entries so far, this one included; later ones keep their reasons.
                for entry in rows:
                    if entry["originator_id"] == originator_id:
                        entry["reason"] = None
                erased.add(originator_id)
        with self.transaction(commit=True) as session:
            if looked_up:
                stored = self._stored_companies(session, {row["originator_id"] for row in looked_up})
                for row in looked_up:
                    company = stored.get(row["originator_id"])
                    if company is None:
                        raise LookupError(
                            f"the timeline has not seen the {row['aggregate']} {row['originator_id']} created"
                        )
                    row["company_id"] = company
            if erased:
                # The entries of earlier batches; this batch's are inserted after, with their reasons set above.
                self.flush(session)
                session.execute(timeline.update().where(timeline.c.originator_id.in_(erased)).values(reason=None))
        self.buffer_many(timeline, rows)

    @staticmethod
    def _stored_companies(session: Session, originator_ids: set[UUID]) -> dict[UUID, UUID]:
        wanted = sorted(originator_ids)
        found: dict[UUID, UUID] = {}
        for start in range(0, len(wanted), 1000):
            query = select(subjects.c.originator_id, subjects.c.company_id).where(
                subjects.c.originator_id.in_(wanted[start : start + 1000])
            )
            found.update((row[0], row[1]) for row in session.execute(query))
        return found

    def erase_reasons(self, contact_id: UUID) -> None:
        """The reasons typed on an erased person's events were sealed with their data: gone from here too."""
        with self.transaction(commit=True) as session:
            self.flush(session)
            session.execute(timeline.update().where(timeline.c.originator_id == contact_id).values(reason=None))

    def _company_of(self, session: Session, aggregate: str, event: Any) -> UUID:
        if aggregate == "company":
            company: UUID = event.originator_id
            return company
        if isinstance(event, CrmAggregate.Created):
            # Every subject of a company (contact, workplace, attempt, lead, agreement) is created naming it.
            company_id: UUID = getattr(event, "company_id")  # noqa: B009
            self.buffer(subjects, dict(originator_id=event.originator_id, company_id=company_id))
            self._subjects_in_batch[event.originator_id] = company_id
            return company_id
        if event.originator_id in self._subjects_in_batch:
            return self._subjects_in_batch[event.originator_id]
        stored: UUID | None = session.execute(SUBJECT_COMPANY, {"originator_id": event.originator_id}).scalar()
        if stored is None:
            raise LookupError(f"the timeline has not seen the {aggregate} {event.originator_id} created")
        return stored

    def for_company(self, company_id: UUID, limit: int = 50, before: int | None = None) -> list[TimelineEntry]:
        """The company's events newest first; pass the last row's notification_id as `before` for the next page."""
        # The entry of the event that carried the name shows it, as the contacts read model has it now.
        person = and_(
            timeline.c.aggregate == "contact",
            timeline.c.event_type == "Registered",
            contacts.c.contact_id == timeline.c.originator_id,
        )
        query = (
            select(timeline, contacts.c.name.label("contact_name"))
            .select_from(timeline.outerjoin(contacts, person))
            .where(timeline.c.company_id == company_id)
        )
        if before is not None:
            query = query.where(timeline.c.notification_id < before)
        query = query.order_by(timeline.c.notification_id.desc()).limit(limit)
        entries = []
        for row in fetch(self, query):
            name = row.pop("contact_name")
            data = json.loads(row["data"])
            if name is not None:
                data["name"] = name
            entries.append(cast(TimelineEntry, {**row, "data": data}))
        return entries

    def count_for_company(self, company_id: UUID) -> int:
        with self.transaction(commit=False) as session:
            return session.execute(
                select(func.count()).select_from(timeline).where(timeline.c.company_id == company_id)
            ).scalar_one()


CONSUMED = (
    Company.Registered,
    Company.DetailsChanged,
    Company.OwnerAssigned,
    Company.RegisterStatusNoted,
    Company.WorkplaceAdded,
    Company.WorkplaceRemoved,
    Company.StageChanged,
    Company.NegotiationOpened,
    Company.BecamePartner,
    Company.PartnershipClosed,
    Company.Declined,
    Company.Parked,
    Company.Reapproached,
    Company.NoteAdded,
    Contact.Registered,
    Contact.DetailsChanged,
    Contact.RoleChanged,
    Contact.Archived,
    Contact.Erased,
    OutreachAttempt.Logged,
    OutreachAttempt.Corrected,
    OutreachAttempt.Voided,
    PartnershipAgreement.Drafted,
    PartnershipAgreement.RequirementAdded,
    PartnershipAgreement.RequirementConfirmed,
    PartnershipAgreement.RequirementWithdrawn,
    PartnershipAgreement.Signed,
    PartnershipAgreement.ServicesPlanned,
    PartnershipAgreement.DeliveryRecorded,
    PartnershipAgreement.FeedbackDelivered,
    PartnershipAgreement.FollowUpHeld,
    PartnershipAgreement.CommitmentAdded,
    PartnershipAgreement.CommitmentFulfilled,
    PartnershipAgreement.CommitmentAbandoned,
    PartnershipAgreement.Completed,
    PartnershipAgreement.Terminated,
    Lead.Shared,
    Lead.Claimed,
    Lead.Declined,
    Lead.OutreachStarted,
    # A free text redacted on request (crm/aggregate.py), on the timeline of the company it was about.
    Company.TextRedacted,
    Contact.TextRedacted,
    OutreachAttempt.TextRedacted,
    PartnershipAgreement.TextRedacted,
    Lead.TextRedacted,
)


# The events the handlers below file (each aggregate's own `Event` base): the batch files the same.
_FILED = (Company.Event, Contact.Event, OutreachAttempt.Event, PartnershipAgreement.Event, Lead.Event)


class TimelineProjection(CrmProjection[TimelineView]):
    """Files every event of a company and of its contacts, attempts, agreements and leads under the company."""

    name = "timeline"
    view_class = TimelineView
    topics = tuple(get_topic(cls) for cls in CONSUMED)

    def process_batch(self, events: Sequence[tuple[int, Any]]) -> None:
        self.view.add_entries([(position, event) for position, event in events if isinstance(event, _FILED)])

    # eventsourcing gives each aggregate class its own `Event` base, which all its nested
    # event classes subclass, so one handler per aggregate receives exactly that aggregate's events.
    @singledispatchmethod
    def process_event(self, event: Any, tracking: Tracking) -> None:
        """Not ours: the runner advances the position."""

    @process_event.register
    def company_event(self, event: Company.Event, tracking: Tracking) -> None:
        self.view.add_entry(event, tracking)

    @process_event.register
    def contact_event(self, event: Contact.Event, tracking: Tracking) -> None:
        self.view.add_entry(event, tracking)

    @process_event.register
    def contact_erased(self, event: Contact.Erased, tracking: Tracking) -> None:
        self.view.add_entry(event, tracking)
        self.view.erase_reasons(event.originator_id)

    @process_event.register
    def attempt_event(self, event: OutreachAttempt.Event, tracking: Tracking) -> None:
        self.view.add_entry(event, tracking)

    @process_event.register
    def agreement_event(self, event: PartnershipAgreement.Event, tracking: Tracking) -> None:
        self.view.add_entry(event, tracking)

    @process_event.register
    def lead_event(self, event: Lead.Event, tracking: Tracking) -> None:
        self.view.add_entry(event, tracking)
