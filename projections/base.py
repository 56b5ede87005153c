"""What every read model shares: its tables in generations, its position, its version, its failure.

Why a position of its own and not the event store's transaction: on PostgreSQL
the event recorder locks the events table until commit, so updating seven read
models inside that transaction would hold every other writer back. Instead each
view writes its rows and its position in one transaction of its own; a replayed
event is then either fully applied with its position or not at all, so each event
is applied exactly once per view, also after a crash.

A view object is bound to one generation of its tables (projections/generations.py):
the live one, or one being built beside it after a version change or for a rebuild.
Its write transactions touch that generation's tables; every query reads the live one.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from typing import Any, ClassVar, Generic, Self, TypeVar

from eventsourcing.persistence import IntegrityError as StoreIntegrityError
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from eventsourcing_sqlalchemy.recorders import SQLAlchemyTrackingRecorder
from sqlalchemy import Table, bindparam, delete, func, insert, inspect, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SAWarning
from sqlalchemy.orm import Session

from projections import generations
from projections.bulk import insert_rows
from projections.generations import Failure, Generation, registry
from projections.schema import rows_changed
from storage.ddl import create_tables

UPSTREAM = "crm"

# Each view keeps the library's tracking record class (named alike for every view), though
# the position now lives in projection_generations; SQLAlchemy's warning about the name is expected.
warnings.filterwarnings("ignore", message=".*NotificationTrackingRecord.*", category=SAWarning)


class NewerReadModel(RuntimeError):
    """Raised when the database's live read model is of a newer version than this code knows."""


class View(SQLAlchemyTrackingRecorder):
    """A read model's tables in the event store's database, tracked by the position it has applied."""

    name: ClassVar[str]
    version: ClassVar[int] = 1
    view_tables: ClassVar[tuple[Table, ...]] = ()
    # The other views whose tables this view's queries join: reading this view reads them too,
    # so a request that brings this view up to date brings them up to date as well.
    reads_also: ClassVar[tuple[str, ...]] = ()
    # Indexes (by their names on the logical tables) that nothing reads while the view applies events:
    # a generation being built is filled without them, and they are made when it goes live (a bulk load
    # and then one sort per index costs less than keeping each index in order row by row).
    deferred_indexes: ClassVar[frozenset[str]] = frozenset()
    # Columns the planner needs no statistics of (long text no query compares as stored): not sampled on PostgreSQL.
    unanalysed_columns: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "tables" in cls.__dict__:
            # The library's recorder keeps its own `tables` list on each instance.
            raise TypeError(f"{cls.__name__}: name the read model's tables `view_tables`, not `tables`")

    def __init__(self, datastore: SQLAlchemyDatastore, generation: int | None = None) -> None:
        # The library's per-view tracking table is only named here: the name is that of the table
        # databases from before generations kept the position in, dropped when the view first switches.
        super().__init__(datastore, tracking_table_name=f"projection_{self.name}_tracking")
        self._buffered: dict[Table, list[dict[str, Any]]] = {}
        self.generation = generation
        generations.install(datastore.engine)

    # Rows that nothing reads back within a batch are inserted together at its end, one
    # executemany per table instead of one statement per event (rebuilds are several times faster).
    def buffer(self, table: Table, row: dict[str, Any]) -> None:
        self._buffered.setdefault(table, []).append(row)

    def buffer_many(self, table: Table, rows: list[dict[str, Any]]) -> None:
        self._buffered.setdefault(table, []).extend(rows)

    def flush(self, session: Session) -> None:
        """Insert the buffered rows; the runner calls it before it moves the position, in the same transaction."""
        buffered, self._buffered = self._buffered, {}
        for table, rows in buffered.items():
            # One executemany per shape: rows changed while buffered may carry more columns than others.
            shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for row in rows:
                shapes.setdefault(tuple(row), []).append(row)
            for same in shapes.values():
                insert_rows(session, table, same)

    def discard_buffer(self) -> None:
        self._buffered = {}

    @property
    def engine(self) -> Engine:
        """The view's engine; a view always lives in a SQL database (the in-memory store has none)."""
        engine = self.datastore.engine
        if not isinstance(engine, Engine):
            raise RuntimeError(f"the {self.name} view has no database engine")
        return engine

    # --- generations ----------------------------------------------------------------------------
    @property
    def bound_generation(self) -> int:
        """The generation this view is bound to."""
        if self.generation is None:
            raise RuntimeError(f"the {self.name} view is bound to no generation yet")
        return self.generation

    @property
    def tables_of_generation(self) -> dict[Table, Table]:
        """Each logical table and its physical table in this view's generation."""
        return generations.physical_tables(self.view_tables, self.bound_generation)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Statements within name the logical tables and write this generation's."""
        with generations.writing({t.name: p.name for t, p in self.tables_of_generation.items()}):
            yield

    @contextmanager
    def transaction(self, commit: bool = True) -> Iterator[Session]:  # type: ignore[override]
        """The library's transaction; a writing one touches this view's generation."""
        if commit and self.generation is not None:
            with self.writing(), super().transaction(commit=True) as session:
                yield session
        else:
            with super().transaction(commit=commit) as session:
                yield session

    def attach(self, beside: bool = True) -> None:
        """Bind to the live generation when it has this view's version, else to a new one.

        With `beside`, a new generation is built beside the live one (the runner switches when it
        has caught up); without, it replaces the live one at once, empty.
        """
        self._create_registry()
        found = self.generations()
        live = next((g for g in found if g.live), None)
        if live is not None and live.version > self.version:
            raise NewerReadModel(f"the {self.name} read model is version {live.version}; this code has {self.version}")
        if live is not None and live.version == self.version:
            self._bind(live.generation)
            return
        building = [g for g in found if not g.live and g.version == self.version]
        self._bind(building[-1].generation if building else self._new_generation())
        if not beside or (live is None and not self._served_from_before_generations()):
            # Nothing serves the screens yet: the new generation serves them at once, filling as it catches up.
            self.go_live()

    def _served_from_before_generations(self) -> bool:
        """True when the database keeps this read model in plain tables from before generations."""
        return inspect(self.engine).has_table(self.view_tables[0].name) if self.view_tables else False

    def start_generation(self) -> None:
        """Bind to a new, empty generation beside the live one (a rebuild)."""
        self._create_registry()
        self._bind(self._new_generation())

    def generations(self) -> list[Generation]:
        with self.datastore.transaction(commit=False) as session:
            rows = session.execute(select(registry).where(registry.c.name == self.name).order_by(registry.c.generation))
            return [Generation.from_row(row) for row in rows]

    def state(self) -> Generation | None:
        """This view's generation as stored, or None once another process has dropped it."""
        return next((g for g in self.generations() if g.generation == self.generation), None)

    def go_live(self) -> bool:
        """Make this generation the one every query reads, and drop the generations before it."""
        tables = self.tables_of_generation
        mine = self.bound_generation
        if self.deferred_indexes:
            generations.create_indexes(self.engine, tables.values(), self._deferred_in_generation())
        generations.analyze(self.engine, tables.values(), self.unanalysed_columns)
        with generations.not_writing(), self.datastore.transaction(commit=True) as session:
            if self.lock_position(session, even_if_failed=True) is None:
                return False  # dropped meanwhile: a newer generation went live
            connection = session.connection()
            generations.lock_for_ddl(connection)
            rows = session.execute(select(registry).where(registry.c.name == self.name))
            found = [Generation.from_row(row) for row in rows]
            if any(g.live and g.generation == mine for g in found):
                return True
            older = [g.generation for g in found if g.live or g.generation < mine]
            generations.point_views_at(connection, tables)
            generations.drop_tables(
                connection,
                [p.name for g in older for p in generations.physical_tables(self.view_tables, g).values()]
                + [self.tracking_table_name],  # the position's home before generations
            )
            session.execute(delete(registry).where(registry.c.name == self.name, registry.c.generation.in_(older)))
            session.execute(self._own_update().values(live=True))
        return True

    def discard(self) -> None:
        """Drop this generation (a rebuild that failed): only one that is not live."""
        with generations.not_writing(), self.datastore.transaction(commit=True) as session:
            deleted = rows_changed(session.execute(delete(registry).where(self._is_own(), registry.c.live.is_(False))))
            if deleted:
                connection = session.connection()
                generations.lock_for_ddl(connection)
                generations.drop_tables(connection, [p.name for p in self.tables_of_generation.values()])

    def _bind(self, generation: int) -> None:
        self.generation = generation
        state = self.state() if self.deferred_indexes else None
        deferred = self._deferred_in_generation() if state is not None and not state.live else frozenset()
        generations.create_generation_tables(self.engine, self.tables_of_generation, deferred)

    def _deferred_in_generation(self) -> frozenset[str]:
        """The deferred indexes by the names they have in this view's generation."""
        return frozenset(generations.physical_name(name, self.bound_generation) for name in self.deferred_indexes)

    def _new_generation(self) -> int:
        for _ in range(20):
            try:
                with self.datastore.transaction(commit=True) as session:
                    top = session.execute(
                        select(func.max(registry.c.generation)).where(registry.c.name == self.name)
                    ).scalar()
                    number = (top or 0) + 1
                    session.execute(
                        insert(registry).values(
                            name=self.name, generation=number, version=self.version, live=False, position=0
                        )
                    )
                return number
            except (IntegrityError, StoreIntegrityError):
                # A twin process started at the same moment and took the number: build that one together.
                twin = [g for g in self.generations() if not g.live and g.version == self.version]
                if twin:
                    return twin[-1].generation
        raise RuntimeError(f"could not start a generation of the {self.name} view")

    def _create_registry(self) -> None:
        create_tables(self.engine, generations.registry_metadata, [registry, generations.redactions])

    def create_table(self) -> None:
        """Bind to a generation (replacing one of another version at once) and create its tables."""
        if self.generation is None:
            self.attach(beside=False)
        else:
            self._bind(self.generation)

    def stored_version(self) -> int | None:
        """The version of the live generation, if any."""
        return next((g.version for g in self.generations() if g.live), None)

    def reset(self) -> None:
        """Empty this generation's tables and forget its position and failure, so the next catch-up replays it."""
        with self.transaction(commit=True) as session:
            for table in reversed(self.view_tables):
                session.execute(delete(table))
            session.execute(self._own_update().values(position=0, **_NO_FAILURE))

    # --- position and failure -----------------------------------------------------------------------
    def _is_own(self) -> Any:
        return (registry.c.name == self.name) & (registry.c.generation == self.generation)

    def _own_update(self) -> Any:
        return registry.update().where(self._is_own())

    def lock_position(self, session: Session, even_if_failed: bool = False) -> int | None:
        """Take this view's write lock, then read the position it has applied.

        Writing the generation's row first makes a concurrent catch-up of the same
        view wait (a row lock on PostgreSQL, the database write lock on SQLite)
        until this one commits, and then read the position this one wrote. None when
        the generation is gone (another process switched to a newer one) or has
        stopped at an event it cannot apply.
        """
        if not rows_changed(session.execute(self._own_update().values(position=registry.c.position))):
            return None
        row = session.execute(select(registry.c.position, registry.c.failed_position).where(self._is_own())).one()
        if row.failed_position is not None and not even_if_failed:
            return None
        return int(row.position)

    def move_position(self, session: Session, notification_id: int) -> None:
        session.execute(self._own_update().values(position=notification_id))

    def position(self) -> int:
        with self.datastore.transaction(commit=False) as session:
            return self.read_position(session)

    def read_position(self, session: Session) -> int:
        return session.execute(select(registry.c.position).where(self._is_own())).scalar() or 0

    def failure(self) -> Failure | None:
        state = self.state()
        return state.failure if state else None

    def mark_failed(
        self, session: Session, position: int, topic: str, error: str, at: datetime, behind_since: datetime
    ) -> None:
        session.execute(
            self._own_update().values(
                failed_position=position,
                failed_topic=topic[:255],
                failed_error=error,
                failed_at=at,
                behind_since=behind_since,
            )
        )

    def clear_failure(self) -> None:
        with self.datastore.transaction(commit=True) as session:
            session.execute(self._own_update().values(**_NO_FAILURE))

    def rows(self, table: Table, order_by: Any = None) -> list[dict[str, Any]]:
        """Every row of one of this view's tables (as every query reads them), for comparisons and exports."""
        with self.transaction(commit=False) as session:
            query = select(table)
            query = query.order_by(*(order_by if order_by is not None else table.primary_key.columns))
            return [dict(row._mapping) for row in session.execute(query)]


_NO_FAILURE = dict(failed_position=None, failed_topic=None, failed_error=None, failed_at=None, behind_since=None)


AnyView = TypeVar("AnyView", bound=View)


class CrmProjection(Projection[AnyView], Generic[AnyView]):
    """A projection of the CRM's events into one view; handlers only write, never load aggregates.

    Generic in its view, so a handler's call of a view method is checked against that view.
    """

    view_class: ClassVar[type[View]]
    # A raw projection receives every notification as stored, undecoded (the event log's index):
    # it needs no event class, and indexes a row that no longer decodes as well as any other.
    raw: ClassVar[bool] = False

    @classmethod
    def on(cls, datastore: SQLAlchemyDatastore) -> Self:
        """The projection on the view's live generation, or on a new one built beside it after a version change."""
        view = cls.view_class(datastore)
        view.attach(beside=True)
        return cls(view)  # type: ignore[arg-type]  # view_class is this projection's AnyView

    def process_batch(self, events: Sequence[tuple[int, Any]]) -> None:
        """Apply a batch's events (with their positions), in order, as `process_event` would one by one.

        A projection overrides it to write a batch with one statement per table rather than one per event.
        The runner calls it inside the batch's transaction, and after any error applies the batch again event
        by event through `process_event` to find the event it cannot apply, so both must write the same rows."""
        for position, event in events:
            self.process_event(event, Tracking(UPSTREAM, position))

    def fresh(self) -> Self:
        """The same projection on a new, empty generation beside this one (a rebuild)."""
        view = type(self.view)(self.view.datastore)
        view.start_generation()
        return type(self)(view)


def claim_positions(session: Session, positions: dict[View, int], stop: int) -> bool:
    """Move every view from the position it was read at to `stop` in one statement, taking their write locks
    (as `lock_position` does one by one); False when another process moved one meanwhile (a concurrent claim
    waits for this transaction, then finds the position changed), one has stopped at an event it cannot apply,
    or its generation is gone: the caller must then roll back, as some views may have moved. The caller applies
    the events in the same transaction."""
    values: dict[str, Any] = {"stop": stop}
    for i, (view, position) in enumerate(positions.items()):
        values.update({f"name_{i}": view.name, f"generation_{i}": view.bound_generation, f"position_{i}": position})
    return rows_changed(session.execute(_claim_statement(len(positions)), values)) == len(positions)


@lru_cache(maxsize=32)
def _claim_statement(views: int) -> Any:
    """The claim of `views` views, made once per count: built anew for each catch-up, its expression cost more
    than the statement's run."""
    r = registry.c
    matching = or_(
        *(
            (r.name == bindparam(f"name_{i}"))
            & (r.generation == bindparam(f"generation_{i}"))
            & (r.position == bindparam(f"position_{i}"))
            for i in range(views)
        )
    )
    return registry.update().where(matching, r.failed_position.is_(None)).values(position=bindparam("stop"))
