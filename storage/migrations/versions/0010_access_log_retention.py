"""The access log's retention: expired rows may be deleted; a purpose for exports and bulk searches.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

The triggers of 0001 refused every DELETE. They are replaced by ones that still
refuse every UPDATE, and refuse deleting a row younger than RETENTION_FLOOR_DAYS
by the database's own clock (UTC, as the rows are stamped).

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

# Keep equal to crm/access_log.py: MINIMUM_RETENTION_DAYS (the migrations import nothing of ours).
RETENTION_FLOOR_DAYS = 30

RETENTION_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS crm_access_log_no_delete",
        # The rows' times are stored as 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC, as datetime() writes them.
        "CREATE TRIGGER crm_access_log_no_delete BEFORE DELETE ON crm_access_log "
        f"WHEN OLD.at > datetime('now', '-{RETENTION_FLOOR_DAYS} days') "
        "BEGIN SELECT RAISE(ABORT, 'the access log is append-only: "
        f"a row younger than {RETENTION_FLOOR_DAYS} days cannot be deleted'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION crm_access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'DELETE' AND OLD.at <= (now() AT TIME ZONE 'UTC') - "
        f"interval '{RETENTION_FLOOR_DAYS} days' THEN RETURN OLD; END IF; "
        "IF TG_OP = 'DELETE' THEN RAISE EXCEPTION "
        f"'the access log is append-only: a row younger than {RETENTION_FLOOR_DAYS} days cannot be deleted'; "
        "END IF; RAISE EXCEPTION 'the access log is append-only'; END $$",
        "DROP TRIGGER IF EXISTS crm_access_log_append_only ON crm_access_log",
        "CREATE TRIGGER crm_access_log_append_only BEFORE UPDATE OR DELETE ON crm_access_log "
        "FOR EACH ROW EXECUTE FUNCTION crm_access_log_append_only()",
    ],
}


def upgrade() -> None:
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
