"""The three stores every persistence path is tested on: in-memory, a SQLite file, PostgreSQL."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy

from crm.application import CrmApplication
from crm.persistence import sqlalchemy_env

POSTGRES_URL_VAR = "CRM_TEST_POSTGRES_URL"


def postgres_url() -> str:
    """The PostgreSQL URL, or a skip with the reason; in CI an unreachable server fails the test."""
    url = os.environ.get(POSTGRES_URL_VAR)
    if not url:
        pytest.skip(f"{POSTGRES_URL_VAR} is not set: no PostgreSQL server to test against")
    return url


def private_schema_url(url: str) -> str:
    """The server's URL with this test process's own, empty schema first on the search path.

    Test runs that share the server (a developer's and CI's, or parallel runs)
    then never drop each other's tables.
    """
    schema = f"crm_test_{os.getpid()}"
    engine = sqlalchemy.create_engine(sqlalchemy_env(url)["SQLALCHEMY_URL"])
    try:
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))
    finally:
        engine.dispose()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


@dataclass
class Database:
    """Makes applications that share one store, and disposes of their connections afterwards."""

    kind: str
    url: str | None
    apps: list[CrmApplication] = field(default_factory=list)

    def app(self, **kwargs: Any) -> CrmApplication:
        env = dict(kwargs.pop("env", {}))
        if self.url is not None:
            env.update(sqlalchemy_env(self.url))
        app = CrmApplication(env=env, **kwargs)
        self.apps.append(app)
        return app

    def close(self) -> None:
        for app in self.apps:
            datastore = getattr(app.factory, "datastore", None)
            if datastore is not None and datastore.engine is not None:
                datastore.engine.dispose()


def open_database(kind: str, tmp_path: Path) -> Database:
    if kind == "memory":
        return Database(kind, None)
    if kind == "sqlite":
        return Database(kind, f"sqlite:///{tmp_path / 'crm.sqlite3'}")
    return Database(kind, private_schema_url(postgres_url()))
