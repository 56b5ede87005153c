"""The agreements read model's tables: each cooperation agreement, its buy-in requirements, its commitments."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Index, Integer, String, Table, Text, Uuid

from projections.schema import metadata

agreements = Table(
    "rm_agreements",
    metadata,
    Column("agreement_id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("opened_at", DateTime, nullable=False),
    Column("signed_on", Date),
    Column("planned_health_checks", Integer, nullable=False),
    Column("planned_conversations", Integer, nullable=False),
    Column("delivered_health_checks", Integer, nullable=False),
    Column("delivered_conversations", Integer, nullable=False),
    Column("delivered_referrals", Integer, nullable=False),
    Column("feedback_on", Date),
    Column("focus_points", Text),
    Column("follow_up_on", Date),
    Column("follow_up_note", Text),
    Column("closed_on", Date),
    Column("termination_reason", Text),
)

requirements = Table(
    "rm_requirements",
    metadata,
    Column("agreement_id", Uuid, primary_key=True),
    Column("key", String(500), primary_key=True),
    Column("label", Text),
    Column("met", Boolean, nullable=False),
    Column("confirmed_by", Uuid),
    Column("confirmed_on", Date),
    Column("contact_id", Uuid),
    Column("position", Integer, nullable=False),
)

# Commitment ids are unique only within their agreement (the aggregate keys them so).
commitments = Table(
    "rm_commitments",
    metadata,
    Column("agreement_id", Uuid, primary_key=True),
    Column("commitment_id", String(64), primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("description", Text, nullable=False),
    Column("owner_contact_id", Uuid),
    Column("due_on", Date),
    Column("state", String(16), nullable=False),
    Column("closed_on", Date),
    Column("abandon_reason", Text),
    Index("rm_commitments_state_due", "state", "due_on"),
)
