from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from crm.clock import SimulatedClock
from tests.databases import open_database

# Production hashes passwords with scrypt (about 0.1 s each); the tests create users by the hundred.
os.environ.setdefault("CRM_PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")

STORES = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=STORES)
def database(request, tmp_path):
    """One store per test, in-memory, a SQLite file and (when configured) PostgreSQL."""
    db = open_database(request.param, tmp_path)
    yield db
    db.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sql_database(request, tmp_path):
    """A real SQL store shared by several application instances."""
    db = open_database(request.param, tmp_path)
    yield db
    db.close()


@pytest.fixture
def clock():
    # A Monday morning in Copenhagen.
    return SimulatedClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))


@pytest.fixture
def app(database, clock):
    return database.app(clock=clock)
