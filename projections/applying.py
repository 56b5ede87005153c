"""Applying one batch of events to the views, exactly once, and containing an event a view cannot apply.

The policy is in the docstring of projections/runner.py; this module carries it out.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy.exc
from eventsourcing import persistence
from eventsourcing.persistence import Notification, Tracking
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore

from projections.base import UPSTREAM, CrmProjection, claim_positions
from projections.generations import writing
from projections.schema import utc_naive
from projections.upstream import EventMapper

Include = Callable[[Any], bool] | None
logger = logging.getLogger("projections.runner")


@dataclass(frozen=True)
class Delivery:
    """One stored event for the views: as stored, decoded when a view of the batch reads its topic,
    or with the error that kept it from decoding."""

    notification: Notification
    event: Any = None
    error: Exception | None = None

    @property
    def id(self) -> int:
        return self.notification.id

    @property
    def topic(self) -> str:
        return self.notification.topic


def decode(mapper: EventMapper, notification: Notification, wanted: bool) -> Delivery:
    if not wanted:
        return Delivery(notification)
    try:
        return Delivery(notification, mapper.to_domain_event(notification))
    except Exception as error:  # noqa: BLE001 - an event that does not decode stops only the views that read it
        return Delivery(notification, None, error)


def is_transient(error: BaseException) -> bool:
    """True for errors of the database or the connection, which say nothing about an event."""
    if isinstance(
        error, (sqlalchemy.exc.DisconnectionError, sqlalchemy.exc.TimeoutError, sqlalchemy.exc.InterfaceError)
    ):
        return True
    if isinstance(error, (persistence.OperationalError, persistence.InterfaceError)):
        return True
    if isinstance(error, sqlalchemy.exc.OperationalError):
        original = getattr(error, "orig", None)
        if isinstance(original, sqlite3.OperationalError):
            # SQLite raises OperationalError for a missing column too: only these say "try again".
            message = str(original).lower()
            return any(word in message for word in ("locked", "busy", "disk i/o", "unable to open", "interrupt"))
        return True
    return False


def describe(error: BaseException) -> str:
    """The error's kind and first line: never the statement or its parameters, which may hold personal data."""
    original = getattr(error, "orig", None)
    shown = original if isinstance(original, BaseException) else error
    first_line = (str(shown).strip().splitlines() or [""])[0]
    return f"{type(shown).__name__}: {first_line}"[:500]


class Overtaken(Exception):
    """Another process moved a view's position since it was read: this transaction's claims are rolled back."""


def apply_batch(
    datastore: SQLAlchemyDatastore,
    in_batch: list[CrmProjection],
    deliveries: list[Delivery],
    positions: dict[CrmProjection, int],
    stop: int,
    include: Include,
) -> tuple[int, bool]:
    """Apply the batch to every view in one transaction; if some view cannot apply some event, view by view.

    Returns the events applied, and whether every view of the batch is now at `stop` (so the caller need not
    read their positions again)."""
    try:
        with writing_to(in_batch), datastore.transaction(commit=True) as session:
            if not claim_positions(session, {p.view: positions[p] for p in in_batch}, stop):
                raise Overtaken
            applied = 0
            for projection in in_batch:
                projection.view.discard_buffer()
                applied += apply(projection, deliveries, positions[projection], include)
                projection.view.flush(session)
        return applied, True
    except Overtaken:
        return 0, False  # another process applied some of this meanwhile: read on from where it stopped
    except Exception as error:
        if is_transient(error):
            raise
    # Some view cannot apply some event: view by view, the others go on and that one stops before it.
    return sum(apply_alone(datastore, p, deliveries, positions[p], stop, include) for p in in_batch), False


def apply_alone(
    datastore: SQLAlchemyDatastore,
    projection: CrmProjection,
    deliveries: list[Delivery],
    position: int,
    stop: int,
    include: Include,
) -> int:
    """One view, event by event: the first event it cannot apply is found, and it stops just before it."""
    view = projection.view
    culprit: tuple[Delivery, Exception] | None = None
    try:
        with writing_to([projection]), datastore.transaction(commit=True) as session:
            if view.lock_position(session) != position:
                return 0
            view.discard_buffer()
            applied = 0
            for delivery in relevant(projection, deliveries, position, include):
                try:
                    apply_one(projection, delivery)
                    view.flush(session)
                except Exception as raised:
                    if not is_transient(raised):
                        culprit = (delivery, raised)
                    raise
                applied += 1
            view.move_position(session, stop)
        return applied
    except Exception:
        if culprit is None:
            raise
    delivery, error = culprit
    with writing_to([projection]), datastore.transaction(commit=True) as session:
        if view.lock_position(session) != position:
            return 0
        view.discard_buffer()
        applied = apply(projection, [d for d in deliveries if d.id < delivery.id], position, include)
        view.flush(session)
        view.move_position(session, delivery.id - 1)
        now = utc_naive(datetime.now(UTC))
        happened = getattr(delivery.event, "timestamp", None)
        behind_since = utc_naive(happened) if happened else now
        view.mark_failed(session, delivery.id, delivery.topic, describe(error), now, behind_since)
    logger.error(
        "The %s view stopped before position %s (%s): %s",
        view.name,
        delivery.id,
        delivery.topic,
        describe(error),
        exc_info=error,
    )
    return applied


def apply(projection: CrmProjection, deliveries: list[Delivery], position: int, include: Include) -> int:
    """The view's events of the batch in one call of its `process_batch` (one statement per table for the views
    that write in batches); any error is met again event by event by `apply_alone`, which finds the event."""
    chosen = list(relevant(projection, deliveries, position, include))
    if projection.raw:
        projection.process_batch([(d.id, d.notification) for d in chosen])
        return len(chosen)
    for delivery in chosen:
        if delivery.error is not None:
            raise delivery.error
    projection.process_batch([(d.id, d.event) for d in chosen])
    return len(chosen)


def relevant(
    projection: CrmProjection, deliveries: list[Delivery], position: int, include: Include
) -> Iterable[Delivery]:
    """The events after the view's position that it reads (and that `include` lets through).

    A raw view (the event log's index) reads every notification as stored."""
    topics = set(projection.topics)
    for delivery in deliveries:
        if delivery.id <= position:
            continue
        if not projection.raw:
            if delivery.topic not in topics:
                continue
            if delivery.error is None and include is not None and not include(delivery.event):
                continue
        yield delivery


def apply_one(projection: CrmProjection, delivery: Delivery) -> None:
    tracking = Tracking(UPSTREAM, delivery.id)
    if projection.raw:
        projection.process_event(delivery.notification, tracking)
        return
    if delivery.error is not None:
        raise delivery.error
    projection.process_event(delivery.event, tracking)


def writing_to(projections: Iterable[CrmProjection]) -> AbstractContextManager[None]:
    """Statements within name the logical tables and write each view's own generation."""
    names: dict[str, str] = {}
    for projection in projections:
        names.update({t.name: p.name for t, p in projection.view.tables_of_generation.items()})
    return writing(names)
