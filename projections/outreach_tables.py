"""The outreach read model's tables: companies with their stage and next step, workplaces, contacts, attempts,
partners. Written by projections/outreach_view.py, read by the queries (companies.py, contacts.py, pipeline.py,
queue.py, company_list.py, overlap.py)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Index, Integer, String, Table, Text, Uuid, func, select

from projections.schema import metadata

companies = Table(
    "rm_companies",
    metadata,
    Column("company_id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("search_name", String(200), nullable=False),
    Column("search_folded", String(400), nullable=False),
    Column("cvr", String(8)),
    Column("industry", String(32), nullable=False),
    Column("size_band", String(16)),
    Column("address", String(300)),
    Column("sector", String(16), nullable=False),
    Column("target_group_note", Text),
    Column("owner_id", Uuid),
    Column("arena", String(32)),
    Column("strategy", String(16)),
    Column("source_partner_id", Uuid),
    Column("registered_at", DateTime, nullable=False),
    Column("stage", String(16), nullable=False),
    Column("stage_since", DateTime, nullable=False),
    Column("round", Integer, nullable=False),
    Column("closed_reason", Text),
    Column("closed_attempt_id", Uuid),
    Column("approach_again_after", Date),
    Column("agreement_id", Uuid),
    Column("round_started_on", Date, nullable=False),
    Column("attempts_in_round", Integer, nullable=False),
    Column("last_touched_on", Date, nullable=False),
    Column("last_attempt_on", Date),
    Column("last_outcome", String(16)),
    Column("last_attempt_user_id", Uuid),
    Column("next_follow_up", Date),
    Column("register_ceased", Boolean, nullable=False),
    Column("register_protected", Boolean, nullable=False),
    # What the call list orders by, kept on the row so a section sorts plain columns (projections/call_list.py):
    # the rank of the most urgent live lead (URGENCY_RANK, one past the last without one), from rm_live_leads,
    # and whether a current decision maker is among the contacts.
    Column("lead_rank", Integer, nullable=False),
    Column("decision_maker_known", Boolean, nullable=False),
    Index("rm_companies_stage", "stage", "owner_id"),
    # A user's queue: their companies, and those without an owner whose last attempt they made; with the
    # columns the queue's sections and the stalled list are conditions on, so My day counts from the index alone.
    Index(
        "rm_companies_queue",
        "owner_id",
        "last_attempt_user_id",
        "stage",
        "next_follow_up",
        "approach_again_after",
        "last_touched_on",
    ),
    # The board's first cards of a stage, longest there first, read in order instead of sorting the whole stage.
    Index("rm_companies_board", "stage", "stage_since", "name", "company_id"),
    # The stalled list, longest without an attempt first: read in order, stopping at its limit.
    Index("rm_companies_stalled", "last_touched_on", "name", "company_id"),
    Index("rm_companies_follow_up", "next_follow_up"),
    Index("rm_companies_search_name", "search_name"),
    # On PostgreSQL a trigram index answers "contains" (LIKE '%...%') without reading every row.
    Index(
        "rm_companies_search_folded",
        "search_folded",
        postgresql_using="gin",
        postgresql_ops={"search_folded": "public.gin_trgm_ops"},
    ),
)

# Whose queue a company is on: its owner, or with no owner whoever made its last attempt (projections/queue.py
# reads a user's sections as parts, one per person, each on one of these indexes in its order, up to the page's end).
queue_user = func.coalesce(companies.c.owner_id, companies.c.last_attempt_user_id)
# Overdue, one stage at a time, in the call list's order: read in order, stopping at the section's limit.
Index(
    "rm_companies_calls",
    queue_user,
    companies.c.stage,
    companies.c.lead_rank,
    companies.c.decision_maker_known.desc(),
    companies.c.next_follow_up,
    companies.c.name,
    companies.c.company_id,
)
# Due on a day, with no next step, or within an absence: the user's rows with those follow-ups only.
Index("rm_companies_due", queue_user, companies.c.next_follow_up, companies.c.name, companies.c.company_id)
# Ready to approach again, the longest ready first.
Index("rm_companies_reapproach", queue_user, companies.c.approach_again_after, companies.c.name, companies.c.company_id)

# The dimensions the board and the list count companies by, without a search.
COUNTED = ("stage", "owner_id", "industry", "arena", "strategy", "sector")

# How many companies stand in each combination of COUNTED, with a follow-up planned or not: kept by the
# outreach view in the transaction that writes the companies, so counts read a few hundred rows (as many as
# the vocabularies and owners combine into) instead of every company. `count_key` joins the values, a key
# without the NULLs a primary key refuses.
company_counts = Table(
    "rm_company_counts",
    metadata,
    Column("count_key", String(400), primary_key=True),
    Column("stage", String(16), nullable=False),
    Column("owner_id", Uuid),
    Column("industry", String(32), nullable=False),
    Column("arena", String(32)),
    Column("strategy", String(16)),
    Column("sector", String(16), nullable=False),
    # Whether the companies have a follow-up planned (the reports count those in outreach without one).
    Column("planned", Boolean, nullable=False),
    Column("companies", Integer, nullable=False),
)

workplaces = Table(
    "rm_workplaces",
    metadata,
    Column("workplace_id", String(32), primary_key=True),
    Column("company_id", Uuid, nullable=False, index=True),
    Column("p_number", String(10)),
    Column("name", String(200), nullable=False),
    Column("address", String(300)),
)

contacts = Table(
    "rm_contacts",
    metadata,
    Column("contact_id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("name", String(120), nullable=False),
    Column("search_name", String(120), nullable=False, index=True),
    Column("search_folded", String(240), nullable=False),
    Column("role", String(40), nullable=False),
    Column("phone", String(20)),
    Column("email", String(200)),
    Column("is_decision_maker", Boolean, nullable=False),
    Column("archived", Boolean, nullable=False),
    Index(
        "rm_contacts_search_folded",
        "search_folded",
        postgresql_using="gin",
        postgresql_ops={"search_folded": "public.gin_trgm_ops"},
    ),
)

attempts = Table(
    "rm_attempts",
    metadata,
    Column("attempt_id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("contact_id", Uuid),
    Column("user_id", Uuid, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("note", Text),
    Column("occurred_on", Date, nullable=False),
    Column("next_follow_up", Date),
    Column("lead_id", Uuid),
    Column("source_partner_id", Uuid),
    Column("arena", String(32)),
    Column("strategy", String(16)),
    Column("round", Integer, nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("corrected", Boolean, nullable=False),
    Column("voided", Boolean, nullable=False),
    Index("rm_attempts_company", "company_id", "round", "occurred_on"),
    Index("rm_attempts_occurred", "occurred_on"),
)

# The leads about a company that are not declined (shared, or claimed): what its lead_rank is the least of.
live_leads = Table(
    "rm_live_leads",
    metadata,
    Column("lead_id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False, index=True),
    Column("urgency_rank", Integer, nullable=False),
)

partners = Table(
    "rm_partners",
    metadata,
    Column("partner_id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("archived", Boolean, nullable=False, default=False),
)


# A company declined in a logged attempt names the attempt; what was said stays in the attempt's note,
# its one home, and is read from there (older declines carry their own copy of it).
closed_reason = func.coalesce(
    companies.c.closed_reason,
    select(attempts.c.note).where(attempts.c.attempt_id == companies.c.closed_attempt_id).scalar_subquery(),
).label("closed_reason")
# A company's row as the queries read it: the reason it closed, wherever that is kept.
COMPANY_ROW = (*(column for column in companies.c if column.name != "closed_reason"), closed_reason)
