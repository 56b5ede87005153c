"""Each company's path as rounds of stage entries, read from the reports read model."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import select

from crm.vocabulary import COMPLETED, CONTACTED, IDENTIFIED, MEETING, NEGOTIATING, PARTNER
from projections.base import View
from projections.reading import fetch
from projections.reports.scope import ReportCriteria, companies_in_scope, shared
from projections.reports.tables import stage_entries

# The stages of the funnel, in the order a company reaches them; reaching one means having reached those before.
FUNNEL_STAGES = (CONTACTED, MEETING, NEGOTIATING, PARTNER, COMPLETED)


@dataclass(frozen=True)
class Entry:
    stage: str
    entered_on: date
    entered_at: datetime


@dataclass
class Round:
    """One round of a company's path: from registering (or re-approaching) to the next re-approach."""

    number: int
    entries: list[Entry] = field(default_factory=list)

    def first(self, stage: str, after: int = 0) -> tuple[int, Entry] | None:
        """The first entry into `stage` at or after position `after` in the round, with its position."""
        for position in range(after, len(self.entries)):
            if self.entries[position].stage == stage:
                return position, self.entries[position]
        return None

    def reached_on(self, stage: str) -> date | None:
        """The day the round first reached `stage` or a funnel stage beyond it (skipping counts as passing)."""
        later = FUNNEL_STAGES[FUNNEL_STAGES.index(stage) :]
        days = [entry.entered_on for entry in self.entries if entry.stage in later]
        return min(days) if days else None

    def closed_as(self, stages: Collection[str]) -> Entry | None:
        """The entry that closed the round in one of `stages` (declined, parked...), if it did."""
        return next((entry for entry in self.entries if entry.stage in stages), None)


def company_rounds(view: View, company_ids: Collection[UUID]) -> dict[UUID, list[Round]]:
    """The rounds of each of these companies, from the stages they entered, in the order they entered them."""
    query = select(
        stage_entries.c.company_id, stage_entries.c.stage, stage_entries.c.entered_on, stage_entries.c.entered_at
    ).order_by(stage_entries.c.company_id, stage_entries.c.version)
    found: dict[UUID, list[Round]] = {}
    for row in fetch(view, query):
        company_id = row["company_id"]
        if company_id not in company_ids:
            continue
        rounds = found.setdefault(company_id, [])
        if row["stage"] == IDENTIFIED or not rounds:
            rounds.append(Round(len(rounds) + 1))
        rounds[-1].entries.append(Entry(row["stage"], row["entered_on"], row["entered_at"]))
    return found


def rounds_in_scope(view: View, criteria: ReportCriteria) -> dict[UUID, list[Round]]:
    """The rounds of every company the criteria select (read once per `read_once` block)."""
    return shared("rounds", view, criteria, lambda: company_rounds(view, companies_in_scope(view, criteria)))
