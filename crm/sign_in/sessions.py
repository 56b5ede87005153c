"""Ending every session of a user: a generation number kept with the user, carried in each session.

A session names the generation it was opened in; sign-out and a password change
count the generation up, and the web's user loader refuses a session of an older
one. A cookie copied before sign-out is then worth nothing, on every server process.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Column, Integer, MetaData, Table, Uuid, select

from storage.sql import upsert

# Created by the migrations in storage/migrations/ (0002); this is the shape the queries use.
metadata = MetaData()
session_generations = Table(
    "crm_session_generations",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("generation", Integer, nullable=False),
)


class SessionGenerations:
    """Generations in the application's database; a user with no row is in generation 0."""

    def __init__(self, datastore: Any) -> None:
        self.datastore = datastore
        self.dialect = datastore.engine.dialect.name

    def current(self, user_id: UUID) -> int:
        with self.datastore.transaction(commit=False) as session:
            generation = session.execute(
                select(session_generations.c.generation).where(session_generations.c.user_id == user_id)
            ).scalar()
        return generation or 0

    def end_all(self, user_id: UUID) -> None:
        """Every session opened so far stops working; inside a command's transaction, with it."""
        statement = upsert(session_generations, self.dialect).values(user_id=user_id, generation=1)
        statement = statement.on_conflict_do_update(
            index_elements=[session_generations.c.user_id],
            set_={"generation": session_generations.c.generation + 1},
        )
        with self.datastore.transaction(commit=True) as session:
            session.execute(statement)
