"""The read models as they stood at a past moment: the log replayed up to then into a temporary store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore

from projections.base import CrmProjection
from projections.registry import READ_MODELS
from projections.runner import Progress, Projector
from projections.upstream import Upstream


def as_of(
    app: Upstream,
    moment: datetime,
    projection_classes: Sequence[type[CrmProjection]] | None = None,
    progress: Progress | None = None,
) -> Projector:
    """A projector whose views hold every event recorded at or before `moment`, and nothing after.

    The temporary store is an in-memory SQLite database owned by the returned
    projector; the live read models are not touched. The read models built from
    events are replayed (not the event log's index, which the past does not need).
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    projector = Projector(
        app,
        datastore=SQLAlchemyDatastore(url="sqlite:///:memory:"),
        projection_classes=projection_classes or READ_MODELS,
    )
    projector.catch_up(progress=progress, include=lambda event: event.timestamp <= moment)
    return projector
