"""Every read model of the CRM, in the order they are caught up."""

from __future__ import annotations

from projections.agreements import AgreementsProjection
from projections.base import CrmProjection
from projections.event_log import EventIndexProjection
from projections.leads import LeadsProjection
from projections.outreach import OutreachProjection
from projections.reports.view import ReportsProjection
from projections.timeline import TimelineProjection
from projections.users import UsersProjection

# The read models built from decoded events: what the screens show, and what a past moment is replayed into.
READ_MODELS: tuple[type[CrmProjection], ...] = (
    UsersProjection,
    OutreachProjection,
    LeadsProjection,
    AgreementsProjection,
    TimelineProjection,
    ReportsProjection,
)
# ... and the event log's index, built from the stored rows themselves.
ALL: tuple[type[CrmProjection], ...] = (*READ_MODELS, EventIndexProjection)
