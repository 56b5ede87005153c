"""A large batch's rows go to the driver (COPY on PostgreSQL, sqlite3's executemany on SQLite) and are the rows
SQLAlchemy's INSERT writes; the driver's errors are raised as SQLAlchemy raises them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import pytest
from sqlalchemy import BigInteger, Column, DateTime, MetaData, Table, Text, Uuid, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from projections import bulk
from projections.upstream import datastore_of
from tests.support import statements_on

probe = Table(
    "bulk_probe",
    MetaData(),
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("subject", Uuid, nullable=False),
    Column("at", DateTime, nullable=False),
    Column("note", Text),
)


def rows(count: int, first: int = 1) -> list[dict]:
    return [
        dict(
            position=first + i,
            subject=UUID(int=i),
            at=datetime(2026, 3, 2, 8, 0, i % 60, i),
            note=None if i % 3 == 0 else f'Kjærgaard\t"{i}"\n\\ ✓',
        )
        for i in range(count)
    ]


@pytest.fixture
def engine(sql_database, clock):
    engine = datastore_of(sql_database.app(clock=clock)).engine
    probe.create(engine)
    yield engine
    probe.drop(engine)


def inserted(engine, batch: list[dict]) -> tuple[list[dict], list[str]]:
    """The rows read back after inserting the batch, and the INSERT statements SQLAlchemy sent for it."""
    with statements_on(engine) as statements, Session(engine) as session, session.begin():
        bulk.insert_rows(session, probe, batch)
    with engine.connect() as connection:
        found = [dict(row._mapping) for row in connection.execute(select(probe).order_by(probe.c.position))]
    return found, [s for s in statements if "bulk_probe" in s]


def test_a_large_batch_goes_to_the_driver_and_writes_the_rows_an_insert_writes(engine):
    batch = rows(bulk.COPY_FROM_ROWS)

    found, statements = inserted(engine, batch)

    assert found == batch
    assert statements == []  # past SQLAlchemy: COPY, or sqlite3's executemany


def test_a_small_batch_is_inserted_by_sqlalchemy(engine):
    batch = rows(bulk.COPY_FROM_ROWS - 1)

    found, statements = inserted(engine, batch)

    assert found == batch
    assert len(statements) == 1 and statements[0].lstrip().upper().startswith("INSERT")


def test_the_drivers_error_is_raised_as_sqlalchemy_raises_it(engine):
    inserted(engine, rows(1))

    with pytest.raises(IntegrityError):  # the first row's position is taken
        inserted(engine, rows(bulk.COPY_FROM_ROWS))
