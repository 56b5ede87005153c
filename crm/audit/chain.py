"""Tamper evidence: a hash chain over the notification log, written in the same transaction as the events.

Every stored event gets one link in the table `crm_event_chain` (position, link):

    link(event) = SHA-256( link(previous event) || canonical(event) )

The previous event is the one with the next lower notification id; the first
event's previous link is GENESIS, 32 zero bytes. Links are stored as 64
lower-case hex digits. canonical(event) is defined in crm/audit/auditor.py (the auditor's stand-alone file):
the position, originator id and version, topic and the state exactly as stored.

The timestamp is not a field of its own: the eventsourcing library stores it
inside the state (its "timestamp" entry), and the state is hashed byte for byte,
so a changed time, like any other changed field, changes the link.

Positions are notification ids and may have gaps (PostgreSQL's sequence skips
the ids of a rolled-back insert); the chain links the events that exist, in
notification order, so a gap is no break. The recorder inserts the links right
after the events are flushed, while it holds the events table's lock (LOCK
TABLE ... EXCLUSIVE on PostgreSQL; SQLite has one writer), so the previous link
it reads is the last one, and events and links commit or roll back together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder, SQLAlchemyRecorder
from sqlalchemy import BigInteger, Column, Integer, LargeBinary, MetaData, String, Table, bindparam, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from crm.audit.auditor import Frontier, canonical, leaf_hash
from crm.audit.tree import (
    FIRST_POSITION,
    StoredTree,
    append_leaf,
    clear,
    stored_frontier,
    tree_size,
    tree_table_for,
)
from storage.ddl import schema_lock
from storage.selecting import CoreEventSelection

GENESIS = bytes(32)


def next_link(
    previous: bytes, position: int, originator_id: UUID, originator_version: int, topic: str, state: bytes
) -> bytes:
    return link_after(previous, canonical(position, originator_id, originator_version, topic, state))


def link_after(previous: bytes, data: bytes) -> bytes:
    return hashlib.sha256(previous + data).digest()


def chain_table_for(events_table_name: str, schema_name: str | None = None) -> Table:
    """crm_events -> crm_event_chain, in its own MetaData so several recorders may each define it."""
    name = events_table_name.removesuffix("_events").removesuffix("_event") + "_event_chain"
    return Table(
        name,
        MetaData(),
        Column("position", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=False),
        Column("link", String(64), nullable=False),
        # The event's leaf in the Merkle tree (crm/audit/tree.py): its index and hash, in the link's row.
        Column("idx", BigInteger, nullable=True),
        Column("leaf", LargeBinary(32), nullable=True),
        schema=schema_name,
    )


class EventRow(NamedTuple):
    id: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes


def as_bytes(value: Any) -> bytes:
    return bytes(value) if isinstance(value, (memoryview, bytearray)) else value


def iter_events(
    datastore: SQLAlchemyDatastore,
    events: Table,
    after: int | None = None,
    stop: int | None = None,
    batch_size: int = 5000,
) -> Iterator[EventRow]:
    """Stored events in notification order, read in keyset batches (bounded memory, short transactions).

    Without `after` the walk starts at the lowest stored id, whatever it is: a row
    written at id 0 or below is loaded by the repository like any other, so
    whoever checks the log must see it too.
    """
    c = events.c
    while True:
        query = select(c.id, c.originator_id, c.originator_version, c.topic, c.state)
        if after is not None:
            query = query.where(c.id > after)
        if stop is not None:
            query = query.where(c.id <= stop)
        with datastore.transaction(commit=False) as session:
            rows = session.execute(query.order_by(c.id).limit(batch_size)).all()
        for row in rows:
            yield EventRow(row[0], row[1], row[2], row[3], as_bytes(row[4]))
        if len(rows) < batch_size:
            return
        after = rows[-1][0]


def iter_links(
    datastore: SQLAlchemyDatastore,
    chain: Table,
    after: int | None = None,
    stop: int | None = None,
    batch_size: int = 5000,
) -> Iterator[tuple[int, str]]:
    """Stored links in position order, in keyset batches (from the lowest stored position without `after`)."""
    c = chain.c
    while True:
        query = select(c.position, c.link)
        if after is not None:
            query = query.where(c.position > after)
        if stop is not None:
            query = query.where(c.position <= stop)
        with datastore.transaction(commit=False) as session:
            rows = session.execute(query.order_by(c.position).limit(batch_size)).all()
        for row in rows:
            yield row[0], row[1]
        if len(rows) < batch_size:
            return
        after = rows[-1][0]


def merged(
    events: Iterator[EventRow], links: Iterator[tuple[int, str]]
) -> Iterator[tuple[int, EventRow | None, str | None]]:
    """(position, event or None, link or None) in position order: a merge join of two sorted streams."""
    event = next(events, None)
    link = next(links, None)
    while event is not None or link is not None:
        if event is not None and (link is None or event.id < link[0]):
            yield event.id, event, None
            event = next(events, None)
        elif link is not None and (event is None or link[0] < event.id):
            yield link[0], None, link[1]
            link = next(links, None)
        elif event is not None and link is not None:
            yield event.id, event, link[1]
            event, link = next(events, None), next(links, None)


def create_library_tables(recorder: SQLAlchemyRecorder) -> None:
    """The library's tables of `recorder`, created under the schema lock.

    The library checks and creates each table on its own connection, so two
    processes starting at once on a new database can both decide to create it.
    """
    engine = recorder.datastore.engine
    assert isinstance(engine, Engine), "the recorder has its own engine (a URL), not a caller's connection"  # nosec B101  # narrows the type
    with schema_lock(engine) as connection:
        for table in recorder.tables:
            table.create(connection, checkfirst=True)


class ChainedApplicationRecorder(CoreEventSelection, SQLAlchemyApplicationRecorder):
    """The library's application recorder, which also writes one chain link per event in the same transaction."""

    def __init__(self, datastore: SQLAlchemyDatastore, *, events_table_name: str, schema_name: str | None = None):
        super().__init__(datastore, events_table_name=events_table_name, schema_name=schema_name)
        # Created by the migrations in storage/migrations/, not by the library's create_table().
        self.chain_table = chain_table_for(events_table_name, schema_name)
        self.tree_table = tree_table_for(events_table_name, schema_name)
        self.tree = StoredTree(leaves=self.chain_table, nodes=self.tree_table)
        # The tree's right edge after this recorder's last write, with the chain's last (position, link) then.
        # It is used only while the chain still ends there: another process's write, or a write of ours
        # that rolled back, changes the last link, and the edge is read from the tree again.
        self._edge: tuple[int, str, Frontier] | None = None

    def create_table(self) -> None:
        create_library_tables(self)

    @property
    def events_table(self) -> Table:
        table: Table = self.events_record_cls.__table__
        return table

    def _insert_stored_events(
        self, session: Session, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int]:
        # The library has locked the events table and flushed, so the ids are known and nobody else appends now.
        ids = super()._insert_stored_events(session, stored_events, **kwargs)
        last = self._last_row(session)
        previous = bytes.fromhex(last[1]) if last else GENESIS
        links = []
        for position, stored in sorted(zip(ids, stored_events, strict=False), key=lambda pair: pair[0]):
            originator_id = stored.originator_id
            if not isinstance(originator_id, UUID):  # the library types it UUID | str; ours are UUIDs
                originator_id = UUID(originator_id)
            data = canonical(position, originator_id, stored.originator_version, stored.topic, stored.state)
            previous = link_after(previous, data)
            links.append((position, previous.hex(), data))
        if links:
            session.execute(self.chain_table.insert(), self._with_leaves(session, last, links))
        return ids

    def _with_leaves(
        self, session: Session, last: tuple[int, str] | None, links: list[tuple[int, str, bytes]]
    ) -> list[dict[str, Any]]:
        """The chain rows of these links with their leaves; the subtrees they complete are stored."""
        kept = self._edge
        if kept is not None and last is not None and (kept[0], kept[1]) == last:
            frontier = Frontier(kept[2].size, kept[2].hashes)  # a copy: this write may yet roll back
        else:
            frontier = stored_frontier(session, self.tree)
        if frontier.size == 0 and self._older_than(session, links[0][0]):
            frontier = self._plant(session)  # events recorded before the tree existed come first
        rows, nodes = [], []
        for position, link, data in links:
            leaf = leaf_hash(data)
            rows.append({"position": position, "link": link, "idx": frontier.size, "leaf": leaf})
            nodes += append_leaf(frontier, leaf, position)
        if nodes:
            session.execute(self.tree_table.insert(), nodes)
        self._edge = (links[-1][0], links[-1][1], frontier)
        return rows

    def _older_than(self, session: Session, position: int) -> bool:
        c = self.events_table.c
        return session.execute(select(c.id).where(c.id >= FIRST_POSITION, c.id < position).limit(1)).first() is not None

    def _plant(self, session: Session, batch_size: int = 5000) -> Frontier:
        """The tree over every chained event, in this transaction (the tree is cleared first); its right edge."""
        clear(session, self.tree)
        events, chain = self.events_table.c, self.chain_table.c
        set_leaf = (
            self.chain_table.update()
            .where(chain.position == bindparam("at"))
            .values(idx=bindparam("index"), leaf=bindparam("hash"))
        )
        after = FIRST_POSITION - 1
        frontier = Frontier()
        while True:
            query = (
                select(events.id, events.originator_id, events.originator_version, events.topic, events.state)
                .join(self.chain_table, chain.position == events.id)
                .where(events.id > after)
            )
            batch = session.execute(query.order_by(events.id).limit(batch_size)).all()
            if not batch:
                return frontier
            leaves, nodes = [], []
            for row in batch:
                leaf = leaf_hash(canonical(row[0], row[1], row[2], row[3], as_bytes(row[4])))
                leaves.append({"at": row[0], "index": frontier.size, "hash": leaf})
                nodes += append_leaf(frontier, leaf, row[0])
            session.execute(set_leaf, leaves)
            if nodes:
                session.execute(self.tree_table.insert(), nodes)
            after = batch[-1][0]

    def _last_row(self, session: Session) -> tuple[int, str] | None:
        """The chain's last (position, link), under the events table's lock."""
        c = self.chain_table.c
        row = session.execute(select(c.position, c.link).order_by(c.position.desc()).limit(1)).first()
        return (int(row[0]), str(row[1])) if row else None

    def head(self) -> tuple[int, str] | None:
        """The last link: (position, hex hash), or None while nothing is recorded."""
        c = self.chain_table.c
        with self.transaction(commit=False) as session:
            row = session.execute(select(c.position, c.link).order_by(c.position.desc()).limit(1)).first()
        return (row[0], row[1]) if row else None

    def last_position(self) -> int:
        """The highest position holding an event or a link (0 for an empty log)."""
        with self.transaction(commit=False) as session:
            last_event = session.execute(select(func.max(self.events_table.c.id))).scalar() or 0
            last_link = session.execute(select(func.max(self.chain_table.c.position))).scalar() or 0
        return max(last_event, last_link)

    def link_before(self, position: int) -> str:
        """The stored link of the event before `position` (GENESIS before the first one)."""
        c = self.chain_table.c
        with self.transaction(commit=False) as session:
            link = session.execute(
                select(c.link).where(c.position < position).order_by(c.position.desc()).limit(1)
            ).scalar()
        return link or GENESIS.hex()

    def link_unchained_log(self, batch_size: int = 5000) -> None:
        """A log recorded before the chain existed gets its links once, from the first event (at start-up).

        Only a chain that is entirely empty is started this way: events recorded
        after the last link of an existing chain were not written through this
        recorder, and verify reports them as inserted.
        """
        assert self.datastore.engine is not None  # nosec B101  # narrows the type; a SQL recorder has an engine
        with self.transaction(commit=False) as session:
            has_links = session.execute(select(self.chain_table.c.position).limit(1)).first() is not None
            last_event = session.execute(select(func.max(self.events_table.c.id))).scalar()
        if has_links or not last_event:
            return
        try:
            with self.transaction(commit=True) as session:
                self._lock_table(session)
                if session.execute(select(self.chain_table.c.position).limit(1)).first() is not None:
                    return  # another process started the chain meanwhile
                previous = GENESIS
                rows: list[dict[str, Any]] = []
                for event in iter_events(
                    self.datastore, self.events_table, after=FIRST_POSITION - 1, batch_size=batch_size
                ):
                    previous = next_link(previous, *event)
                    rows.append({"position": event.id, "link": previous.hex()})
                    if len(rows) >= batch_size:
                        session.execute(self.chain_table.insert(), rows)
                        rows = []
                if rows:
                    session.execute(self.chain_table.insert(), rows)
        except IntegrityError:
            pass  # another process started the chain at the same moment

    def plant_tree(self) -> None:
        """A log recorded before the tree existed gets its leaves once (at start-up); later events add their own."""
        with self.transaction(commit=False) as session:
            if tree_size(session, self.tree) or not session.execute(select(func.max(self.events_table.c.id))).scalar():
                return
        try:
            with self.transaction(commit=True) as session:
                self._lock_table(session)
                if tree_size(session, self.tree) == 0:
                    self._plant(session)
        except IntegrityError:
            pass  # another process planted it at the same moment
