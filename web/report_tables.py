"""Each report as a table of numbers with a chart over them: what the screen shows, and what is downloaded.

One home for the numbers behind every chart, so the picture, the table beside it and the CSV/XLSX
files cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import projections
from web.labels import label
from web.translating import gettext as _
from web.translating import lazy_gettext as _l

# The reports of the screen, in order, with their titles (each is also a download).
TITLES = {
    "funnel": _l("Funnel: companies reaching each stage"),
    "funnel_by": _l("Funnel by dimension"),
    "attempts": _l("Attempts before each milestone"),
    "attempts_distribution": _l("Attempts before each milestone: distribution"),
    "channels": _l("Outcomes by channel"),
    "next_step": _l("Companies in outreach without a next step"),
    "follow_ups": _l("Follow-ups per recruiter"),
}
MILESTONE_TITLES = {
    "answer": _l("First answer"),
    "meeting": _l("Meeting"),
    "agreement": _l("Agreement"),
    "given_up": _l("Given up"),
}
FOLLOW_UP_TITLES = {
    "on_time": _l("On time"),
    "late": _l("Late"),
    "missed": _l("Missed"),
    "pending": _l("Not yet due"),
}


@dataclass
class Series:
    name: str
    values: list[float]


@dataclass
class Chart:
    """A bar chart: one group of bars per category, one bar per series; `unit` follows each value."""

    categories: list[str]
    series: list[Series]
    unit: str = ""


@dataclass
class ReportTable:
    key: str
    title: str
    description: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    chart: Chart | None = None


def percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _spread_cells(spread: projections.Spread | None) -> list[Any]:
    if spread is None:
        return [0, None, None, None, None, None]
    return [spread.count, spread.median, spread.lower_quartile, spread.upper_quartile, spread.minimum, spread.maximum]


SPREAD_HEADERS = (_l("Count"), _l("Median"), _l("Lower quartile"), _l("Upper quartile"), _l("Least"), _l("Most"))


def funnel_table(view: Any, criteria: projections.ReportCriteria) -> ReportTable:
    stages = projections.funnel(view, criteria)
    table = ReportTable(
        "funnel",
        str(TITLES["funnel"]),
        _("Companies that reached each stage in the period, the share of the stage before, and the days it took."),
        [
            _("Stage"),
            _("Companies"),
            _("Conversion (%)"),
            *(f"{_('Days from the stage before')}: {h}" for h in SPREAD_HEADERS),
        ],
    )
    for stage in stages:
        table.rows.append(
            [label("stage", stage.stage), stage.companies, percent(stage.conversion), *_spread_cells(stage.days)]
        )
    table.chart = Chart([row[0] for row in table.rows], [Series(_("Companies"), [s.companies for s in stages])])
    return table


def funnel_by_table(
    view: Any, criteria: projections.ReportCriteria, dimension: str, names: Callable[[str], str]
) -> ReportTable:
    groups = projections.funnel_by(view, criteria, dimension)
    stage_names = [label("stage", stage) for stage in projections.FUNNEL_STAGES]
    table = ReportTable(
        "funnel_by",
        f"{TITLES['funnel_by']}: {label('field', dimension) if dimension != 'source' else _('Source')}",
        _("Companies that reached each stage in the period, for each value of the dimension."),
        [_("Value"), *stage_names, _("Contacted to partner (%)")],
    )
    for group in groups:
        counts = [stage.companies for stage in group.stages]
        contacted, partners = counts[0], counts[3]
        table.rows.append([names(group.value), *counts, percent(partners / contacted if contacted else None)])
    table.chart = Chart(
        [row[0] for row in table.rows],
        [Series(stage_names[i], [row[1 + i] for row in table.rows]) for i in (0, 1, 3)],
    )
    return table


def attempts_tables(view: Any, criteria: projections.ReportCriteria) -> list[ReportTable]:
    found = projections.attempts_until(view, criteria)
    summary = ReportTable(
        "attempts",
        str(TITLES["attempts"]),
        _(
            "Attempts made in a company's round up to its first answer, its meeting, its agreement, or until it "
            "was given up (declined or parked), for milestones reached in the period."
        ),
        [_("Milestone"), *SPREAD_HEADERS],
    )
    for milestone in found:
        summary.rows.append([str(MILESTONE_TITLES[milestone.milestone]), *_spread_cells(milestone.spread)])
    summary.chart = Chart(
        [row[0] for row in summary.rows], [Series(_("Median attempts"), [row[2] or 0 for row in summary.rows])]
    )
    numbers = sorted({n for milestone in found for n in milestone.rounds_by_attempts})
    distribution = ReportTable(
        "attempts_distribution",
        str(TITLES["attempts_distribution"]),
        _("How many company rounds reached each milestone after each number of attempts."),
        [_("Attempts"), *(str(MILESTONE_TITLES[m.milestone]) for m in found)],
    )
    for n in numbers:
        distribution.rows.append([n, *(m.rounds_by_attempts.get(n, 0) for m in found)])
    distribution.chart = Chart(
        [str(row[0]) for row in distribution.rows],
        [
            Series(str(MILESTONE_TITLES[m.milestone]), [row[1 + i] for row in distribution.rows])
            for i, m in enumerate(found)
        ],
    )
    return [summary, distribution]


def channels_table(view: Any, criteria: projections.ReportCriteria) -> ReportTable:
    found = projections.outcomes_by_channel(view, criteria)
    outcomes = list(found[0].outcomes) if found else []
    table = ReportTable(
        "channels",
        str(TITLES["channels"]),
        _("Attempts made in the period, by channel and outcome."),
        [_("Channel"), *(label("outcome", o) for o in outcomes), _("Total")],
    )
    for row in found:
        table.rows.append([label("channel", row.channel), *row.outcomes.values(), row.total])
    used = [row for row in found if row.total]
    table.chart = Chart(
        [label("channel", row.channel) for row in used],
        [Series(label("outcome", o), [row.outcomes[o] for row in used]) for o in outcomes],
    )
    return table


def next_step_table(view: Any, criteria: projections.ReportCriteria) -> ReportTable:
    share = projections.without_next_step(view, criteria)
    return ReportTable(
        "next_step",
        str(TITLES["next_step"]),
        _("Companies from identified to negotiating, and those whose latest attempt planned no follow-up."),
        [_("In outreach"), _("Without a next step"), _("Share (%)")],
        [[share.active, share.without_next_step, percent(share.share)]],
    )


def follow_ups_table(view: Any, criteria: projections.ReportCriteria, names: Callable[[str], str]) -> ReportTable:
    found = projections.follow_ups(view, criteria)
    states = list(projections.FOLLOW_UP_STATES)
    table = ReportTable(
        "follow_ups",
        str(TITLES["follow_ups"]),
        _(
            "Follow-ups planned for a day in the period: kept by that day, later, never (and the day has "
            "passed), or not yet due."
        ),
        [_("Recruiter"), *(str(FOLLOW_UP_TITLES[s]) for s in states)],
    )
    for row in found:
        table.rows.append([names(f"user:{row.recruiter_id}"), row.on_time, row.late, row.missed, row.pending])
    table.rows.sort(key=lambda row: row[0])
    table.chart = Chart(
        [row[0] for row in table.rows],
        [Series(str(FOLLOW_UP_TITLES[s]), [row[1 + i] for row in table.rows]) for i, s in enumerate(states)],
    )
    return table
