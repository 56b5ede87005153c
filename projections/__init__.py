"""The read side: read models built only from events, and the queries the screens, the CLI and the API read.

Everything a caller needs is re-exported here; the modules behind it (tables, views,
projections) are this package's own business. A query takes the view it reads
(`projector["outreach"]`, or the same view of a past moment from `as_of`) and
returns plain data: dicts typed as the TypedDicts below, or frozen dataclasses.
The views' own query methods are reached through the projector too:
`projector["leads"].inbox(...)`, `projector["agreements"].agreement(...)`,
`projector["timeline"].for_company(...)`, `projector["users"].owners()`,
`projector["audit_events"].page(...)`.
"""

from __future__ import annotations

from projections.agreement_queries import (
    AgreementRow,
    CommitmentRow,
    RequirementRow,
    agreement_companies,
    commitment_status,
)
from projections.as_of import as_of
from projections.companies import (
    AttemptRow,
    CompanyName,
    CompanyRow,
    PartnerRow,
    WorkplaceRow,
    attempt_at,
    attempts_of,
    companies_named,
    company,
    company_names,
    partner_names,
    partners_list,
    workplaces_of,
)
from projections.company_list import MAX_PAGE, SORT_KEYS, ListedCompany, Page, search_companies
from projections.contacts import (
    ContactRow,
    FoundContact,
    contact_at,
    contacts_by_id,
    contacts_named,
    contacts_of,
    current_contacts,
)
from projections.event_log import EventFilters, PositionPage
from projections.leads import LeadRow
from projections.overlap import Overlap, department_overlap
from projections.pipeline import (
    DIMENSIONS,
    BoardColumn,
    Card,
    Count,
    StalledRow,
    board,
    card,
    count_stalled,
    counts_by,
    stage_counts,
    stalled,
)
from projections.queue import SECTIONS as QUEUE_SECTIONS
from projections.queue import QueueRow, my_day, queue_counts, queue_page, queue_row
from projections.reading import SEARCH_MAX, fold, search_term
from projections.runner import Progress, Projector
from projections.timeline import TimelineEntry
from projections.upstream import Upstream
from projections.users import UserRow
from projections.verify import ProjectionCheck, verify_projections

__all__ = [
    "DIMENSIONS",
    "MAX_PAGE",
    "QUEUE_SECTIONS",
    "SEARCH_MAX",
    "SORT_KEYS",
    "AgreementRow",
    "AttemptRow",
    "BoardColumn",
    "Card",
    "CommitmentRow",
    "CompanyName",
    "CompanyRow",
    "ContactRow",
    "Count",
    "EventFilters",
    "FoundContact",
    "LeadRow",
    "ListedCompany",
    "Overlap",
    "Page",
    "PartnerRow",
    "PositionPage",
    "Progress",
    "ProjectionCheck",
    "Projector",
    "QueueRow",
    "RequirementRow",
    "StalledRow",
    "TimelineEntry",
    "Upstream",
    "UserRow",
    "WorkplaceRow",
    "agreement_companies",
    "as_of",
    "attempt_at",
    "attempts_of",
    "board",
    "card",
    "commitment_status",
    "companies_named",
    "company",
    "company_names",
    "contact_at",
    "contacts_by_id",
    "contacts_named",
    "contacts_of",
    "count_stalled",
    "counts_by",
    "current_contacts",
    "department_overlap",
    "fold",
    "my_day",
    "partner_names",
    "partners_list",
    "queue_counts",
    "queue_page",
    "queue_row",
    "search_companies",
    "search_term",
    "stage_counts",
    "stalled",
    "verify_projections",
    "workplaces_of",
]
