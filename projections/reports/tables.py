"""The reports read model's tables: every stage a company entered, each company round summed up, every
delivery, every commitment made.

The outreach read model keeps only where a company stands now; the funnel needs when it got there.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Index, Integer, String, Table, Uuid

from crm.vocabulary import COMPLETED, CONTACTED, DECLINED, MEETING, NEGOTIATING, PARKED, PARTNER
from projections.schema import metadata

# The stages of the funnel, in the order a company reaches them; reaching one means having reached those before.
FUNNEL_STAGES = (CONTACTED, MEETING, NEGOTIATING, PARTNER, COMPLETED)
# The stages that give a round up.
GIVEN_UP = (DECLINED, PARKED)
# The steps of the funnel, by the position of the stage they lead into (1 to 4).
STEPS = range(1, len(FUNNEL_STAGES))
# The milestones counted in attempts: the first answer, a meeting, an agreement, and giving up.
MILESTONES = ("answer", "meeting", "agreement", "given_up")
# The column of a round's row holding the day it reached each milestone.
MILESTONE_DAYS = {
    "answer": "answered",
    "meeting": f"reached_{MEETING}",
    "agreement": f"reached_{PARTNER}",
    "given_up": "given_up",
}

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

# One row per company round, kept as its stage entries come in (see view.py): a round runs from registering
# (or re-approaching, both entering "identified") to the next re-approach, and the figures need of it only
# a few days, so they read a row per round instead of ordering every entry. `reached_<stage>`: the first
# day the round entered the funnel stage or one beyond it (skipping counts as passing); `given_up`: the
# day of its first entry into a stage that gives it up; for each step i of the funnel, `from_<i>`: the
# day of the round's first entry into the stage before, and `to_<i>`: of its first entry into the stage
# after that (None when it entered that stage only before). Of its attempts (not voided): `answered`, the
# day of the first answered one (an outcome other than "no answer"), and for each milestone,
# `<milestone>_made`, how many were made by the day it was reached (on that day too; 0 when not reached).
report_rounds = Table(
    "rm_report_rounds",
    metadata,
    Column("company_id", Uuid, primary_key=True),
    Column("number", Integer, primary_key=True, autoincrement=False),
    *(Column(f"reached_{stage}", Date) for stage in FUNNEL_STAGES),
    Column("given_up", Date),
    *(Column(f"{end}_{i}", Date) for i in STEPS for end in ("from", "to")),
    Column("answered", Date),
    *(Column(f"{milestone}_made", Integer, nullable=False) for milestone in MILESTONES),
)

# Each attempt's round and day, whether it was answered, whether it was voided, who made it when and the
# follow-up it planned, as logged and corrected: what the rounds' attempt counts and the follow-ups kept are
# worked out from (the outreach view's attempts are another view's, at another position in the log).
report_attempts = Table(
    "rm_report_attempts",
    metadata,
    Column("attempt_id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("round", Integer, nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("answered", Boolean, nullable=False),
    Column("voided", Boolean, nullable=False),
    Column("user_id", Uuid, nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("next_follow_up", Date),
    Index("rm_report_attempts_round", "company_id", "round"),
    Index("rm_report_attempts_due", "next_follow_up"),
    Index("rm_report_attempts_on", "occurred_on"),
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
