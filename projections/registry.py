"""Every read model of the CRM, in the order they are caught up."""

from __future__ import annotations

from projections.agreements import AgreementsProjection
from projections.base import CrmProjection
from projections.leads import LeadsProjection
from projections.outreach import OutreachProjection
from projections.timeline import TimelineProjection
from projections.users import UsersProjection

ALL: tuple[type[CrmProjection], ...] = (
    UsersProjection,
    OutreachProjection,
    LeadsProjection,
    AgreementsProjection,
    TimelineProjection,
)
