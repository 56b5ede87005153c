"""The composition root of the command line: the application and its read models on the configured database."""

from __future__ import annotations

from crm.application import CrmApplication
from crm.clock import Clock
from projections.runner import Projector
from storage.location import database_url


def open_app(clock: Clock | None = None) -> CrmApplication:
    return CrmApplication.for_database(database_url(), clock=clock)


def open_projector(app: CrmApplication | None = None) -> Projector:
    return Projector(app or open_app())
