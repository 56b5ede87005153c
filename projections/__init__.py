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

from projections.absences import AbsenceRow, absences_of
from projections.agreement_queries import (
    AgreementRow,
    CommitmentRow,
    RequirementRow,
    agreement_companies,
    commitment_status,
)
from projections.as_of import as_of
from projections.calendar import CalendarDates, calendar_dates
from projections.call_list import TO_CALL, CallRow, answered_lead, call_list, call_row, counted_call_list, to_call
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
    partner_choices,
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
from projections.follow_ups import WaitingFollowUp, waiting_follow_ups
from projections.free_texts import FreeTextHit, person_terms, texts_naming
from projections.import_reference import import_reference
from projections.leads import LeadRow
from projections.overlap import OtherTouch, Overlap, department_overlap, others_touching
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
from projections.reading import COUNT_CAP, SEARCH_MAX, fold, search_term
from projections.replays import Replays
from projections.reports.buy_in import (
    BuyIn,
    Commitments,
    KindCommitments,
    RequirementHold,
    buy_in,
    commitments_report,
)
from projections.reports.delivery import Adoption, CompanyDelivery, Delivery, MonthDelivery, ReAim, delivery, re_aim
from projections.reports.funnel import FunnelGroup, FunnelStage, funnel, funnel_by
from projections.reports.past import reports_as_of
from projections.reports.paths import FUNNEL_STAGES
from projections.reports.persistence import (
    FOLLOW_UP_STATES,
    MILESTONES,
    AttemptsUntil,
    ChannelOutcomes,
    FollowUps,
    NextStepShare,
    attempts_until,
    follow_ups,
    outcomes_by_channel,
    without_next_step,
)
from projections.reports.scope import DIMENSIONS as REPORT_DIMENSIONS
from projections.reports.scope import ReportCriteria, Spread
from projections.reports.scope import read_once as reports_read_once
from projections.retention_review import ReviewRow, retention_review
from projections.runner import Progress, Projector
from projections.subject_reads import SubjectReads
from projections.timeline import TimelineEntry
from projections.upstream import Upstream, head_position
from projections.users import UserRow, owners_among
from projections.verify import ProjectionCheck, verify_projections

__all__ = [
    "COUNT_CAP",
    "DIMENSIONS",
    "FOLLOW_UP_STATES",
    "FUNNEL_STAGES",
    "MAX_PAGE",
    "MILESTONES",
    "QUEUE_SECTIONS",
    "REPORT_DIMENSIONS",
    "SEARCH_MAX",
    "SORT_KEYS",
    "TO_CALL",
    "AbsenceRow",
    "Adoption",
    "AgreementRow",
    "AttemptRow",
    "AttemptsUntil",
    "BoardColumn",
    "BuyIn",
    "CalendarDates",
    "CallRow",
    "Card",
    "ChannelOutcomes",
    "CommitmentRow",
    "Commitments",
    "CompanyDelivery",
    "CompanyName",
    "CompanyRow",
    "ContactRow",
    "Count",
    "Delivery",
    "EventFilters",
    "FollowUps",
    "FoundContact",
    "FreeTextHit",
    "FunnelGroup",
    "FunnelStage",
    "KindCommitments",
    "LeadRow",
    "ListedCompany",
    "MonthDelivery",
    "NextStepShare",
    "OtherTouch",
    "Overlap",
    "Page",
    "PartnerRow",
    "PositionPage",
    "Progress",
    "ProjectionCheck",
    "Projector",
    "QueueRow",
    "ReAim",
    "Replays",
    "ReportCriteria",
    "RequirementHold",
    "RequirementRow",
    "ReviewRow",
    "Spread",
    "StalledRow",
    "SubjectReads",
    "TimelineEntry",
    "Upstream",
    "UserRow",
    "WaitingFollowUp",
    "WorkplaceRow",
    "absences_of",
    "agreement_companies",
    "answered_lead",
    "as_of",
    "attempt_at",
    "attempts_of",
    "attempts_until",
    "board",
    "buy_in",
    "calendar_dates",
    "call_list",
    "call_row",
    "card",
    "commitment_status",
    "commitments_report",
    "companies_named",
    "company",
    "company_names",
    "contact_at",
    "contacts_by_id",
    "contacts_named",
    "contacts_of",
    "count_stalled",
    "counted_call_list",
    "counts_by",
    "current_contacts",
    "delivery",
    "department_overlap",
    "fold",
    "follow_ups",
    "funnel",
    "funnel_by",
    "head_position",
    "import_reference",
    "my_day",
    "others_touching",
    "outcomes_by_channel",
    "owners_among",
    "partner_choices",
    "partner_names",
    "partners_list",
    "person_terms",
    "queue_counts",
    "queue_page",
    "queue_row",
    "re_aim",
    "reports_as_of",
    "reports_read_once",
    "retention_review",
    "search_companies",
    "search_term",
    "stage_counts",
    "stalled",
    "texts_naming",
    "to_call",
    "verify_projections",
    "waiting_follow_ups",
    "without_next_step",
    "workplaces_of",
]
