"""The access log's retention: expired rows may be deleted; the people a row showed; a purpose.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

The triggers of 0001 refused every DELETE. They are replaced by ones that still
refuse every UPDATE, and refuse deleting a row younger than RETENTION_FLOOR_DAYS
by the database's own clock (UTC, as the rows are stamped).

A new table lists the people each row showed, so that one page view is one row
(before, a page of fifty names wrote fifty rows); rows written before keep their
one person in `crm_access_log.contact_id`. It is append-only the same way: a
person is deleted from a row only when the row's own retention floor has passed.
A new column holds the purpose the user gave for an export or a bulk search.

Why a fixed floor, not the configured retention in a settings table the trigger
reads: the trigger guards against the application's own connection deleting
rows that must be kept (a bug, a wrong setting, someone at the application's
credentials). A settings table would be writable by that same connection, so it
would add no protection, only a second place the retention lives. The floor is
below any legitimate retention (the application refuses a configured retention
under it, crm/access_log.py: MINIMUM_RETENTION_DAYS), so a purge never meets
the trigger, while a DELETE of the last month's rows always does.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Keep equal to crm/access_log.py: MINIMUM_RETENTION_DAYS (the migrations import nothing of ours). The
# statements below spell it out as a literal: a SQL text built from values is what a reviewer should never see.
RETENTION_FLOOR_DAYS = 30

RETENTION_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS crm_access_log_no_delete",
        # The rows' times are stored as 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC, as datetime() writes them.
        "CREATE TRIGGER crm_access_log_no_delete BEFORE DELETE ON crm_access_log "
        "WHEN OLD.at > datetime('now', '-30 days') "
        "BEGIN SELECT RAISE(ABORT, 'the access log is append-only: "
        "a row younger than 30 days cannot be deleted'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION crm_access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'DELETE' AND OLD.at <= (now() AT TIME ZONE 'UTC') - "
        "interval '30 days' THEN RETURN OLD; END IF; "
        "IF TG_OP = 'DELETE' THEN RAISE EXCEPTION "
        "'the access log is append-only: a row younger than 30 days cannot be deleted'; "
        "END IF; RAISE EXCEPTION 'the access log is append-only'; END $$",
        "DROP TRIGGER IF EXISTS crm_access_log_append_only ON crm_access_log",
        "CREATE TRIGGER crm_access_log_append_only BEFORE UPDATE OR DELETE ON crm_access_log "
        "FOR EACH ROW EXECUTE FUNCTION crm_access_log_append_only()",
    ],
}

PEOPLE_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS crm_access_log_people_no_update BEFORE UPDATE ON crm_access_log_people "
        "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS crm_access_log_people_no_delete BEFORE DELETE ON crm_access_log_people "
        "WHEN EXISTS (SELECT 1 FROM crm_access_log WHERE id = OLD.entry_id "
        "AND at > datetime('now', '-30 days')) "
        "BEGIN SELECT RAISE(ABORT, 'the access log is append-only: "
        "a row younger than 30 days cannot be deleted'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION crm_access_log_people_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM crm_access_log WHERE id = OLD.entry_id "
        "AND at > (now() AT TIME ZONE 'UTC') - interval '30 days') THEN RETURN OLD; END IF; "
        "IF TG_OP = 'DELETE' THEN RAISE EXCEPTION "
        "'the access log is append-only: a row younger than 30 days cannot be deleted'; "
        "END IF; RAISE EXCEPTION 'the access log is append-only'; END $$",
        "DROP TRIGGER IF EXISTS crm_access_log_people_append_only ON crm_access_log_people",
        "CREATE TRIGGER crm_access_log_people_append_only BEFORE UPDATE OR DELETE ON crm_access_log_people "
        "FOR EACH ROW EXECUTE FUNCTION crm_access_log_people_append_only()",
    ],
}


def big_id() -> sa.types.TypeEngine[int]:
    # As crm_access_log.id.
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    if "crm_access_log_people" not in set(sa.inspect(op.get_bind()).get_table_names()):
        op.create_table(
            "crm_access_log_people",
            sa.Column("entry_id", big_id(), primary_key=True, autoincrement=False),
            sa.Column("contact_id", sa.Uuid, primary_key=True),
        )
        op.create_index("crm_access_log_people_contact", "crm_access_log_people", ["contact_id"])
    for statement in PEOPLE_TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("crm_access_log")}
    if "purpose" not in columns:
        op.add_column("crm_access_log", sa.Column("purpose", sa.String(300)))
    for statement in RETENTION_TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    # The purge deletes by time: without this index it would read the whole log every day.
    indexes = {i["name"] for i in sa.inspect(op.get_bind()).get_indexes("crm_access_log")}
    if "crm_access_log_at" not in indexes:
        op.create_index("crm_access_log_at", "crm_access_log", ["at"])


def downgrade() -> None:
    raise NotImplementedError("the access log is kept: it records who consulted whom, and cannot be rebuilt")
