"""The reports read model's tables: every stage a company entered, every delivery, every commitment made.

The outreach read model keeps only where a company stands now; the funnel needs when it got there.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Index, Integer, String, Table, Uuid

from projections.schema import metadata

# One row per stage a company entered: registering and re-approaching enter "identified" and so begin a round.
stage_entries = Table(
    "rm_stage_entries",
    metadata,
    Column("company_id", Uuid, primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("stage", String(16), nullable=False),
    Column("entered_at", DateTime, nullable=False),
    Column("entered_on", Date, nullable=False),
    Index("rm_stage_entries_on", "entered_on"),
)

# One row per delivery recorded on an agreement (the agreements read model keeps only the totals).
deliveries = Table(
    "rm_deliveries",
    metadata,
    Column("agreement_id", Uuid, primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("delivered_on", Date, nullable=False),
    Column("health_checks", Integer, nullable=False),
    Column("conversations", Integer, nullable=False),
    Column("referrals", Integer, nullable=False),
)

# The day each structural commitment was made (the agreements read model keeps its state, not its start).
commitments_made = Table(
    "rm_commitments_made",
    metadata,
    Column("agreement_id", Uuid, primary_key=True),
    Column("commitment_id", String(64), primary_key=True),
    Column("made_on", Date, nullable=False),
)
