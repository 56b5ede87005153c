"""The reports as they stood at a past moment: only the read models the reports read are replayed."""

from __future__ import annotations

from datetime import datetime

from projections.agreements import AgreementsProjection
from projections.as_of import as_of
from projections.base import CrmProjection
from projections.leads import LeadsProjection
from projections.outreach import OutreachProjection
from projections.reports.view import ReportsProjection
from projections.runner import Projector
from projections.upstream import Upstream
from projections.users import UsersProjection

# The timeline (a row per event) is left out: no report reads it, and it is the costliest to replay.
REPORT_MODELS: tuple[type[CrmProjection], ...] = (
    UsersProjection,
    OutreachProjection,
    LeadsProjection,
    AgreementsProjection,
    ReportsProjection,
)


def reports_as_of(app: Upstream, moment: datetime) -> Projector:
    """A projector over the reports' read models holding every event up to `moment` (close it when done)."""
    return as_of(app, moment, REPORT_MODELS)
