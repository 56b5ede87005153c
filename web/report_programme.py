"""The programme's reports as tables with charts: buy-in, structural commitments, delivery and RE-AIM."""

from __future__ import annotations

from typing import Any

import projections
from web.labels import label
from web.report_tables import Chart, ReportTable, Series, percent
from web.translating import gettext as _


def buy_in_tables(view: Any, criteria: projections.ReportCriteria) -> list[ReportTable]:
    found = projections.buy_in(view, criteria)
    holds = ReportTable(
        "buy_in",
        _("Buy-in: the requirements that hold agreements up"),
        _(
            "For agreements opened in the period: days from opening until each requirement was confirmed, how "
            "often it was the last one met before signing, and how many negotiations still lack it."
        ),
        [
            _("Requirement"),
            _("Agreements"),
            _("Median days to confirm"),
            _("Last met before signing"),
            _("Still missing"),
        ],
    )
    for hold in found.requirements:
        name = hold.label or label("requirement", hold.key)
        median = hold.days_to_confirm.median if hold.days_to_confirm else None
        holds.rows.append([name, hold.agreements, median, hold.last_before_signing, hold.still_missing])
    holds.chart = Chart(
        [row[0] for row in holds.rows],
        [
            Series(_("Median days to confirm"), [row[2] or 0 for row in holds.rows]),
            Series(_("Still missing"), [row[4] for row in holds.rows]),
        ],
    )
    lost = ReportTable(
        "buy_in_lost",
        _("Negotiations lost for lack of top-management buy-in"),
        _("Agreements terminated before signing in the period, and those of them with no top-management sponsor."),
        [_("Ended before signing"), _("Without a top-management sponsor")],
        [[found.ended_in_negotiation, found.ended_without_sponsor]],
    )
    return [holds, lost]


def commitment_tables(view: Any, criteria: projections.ReportCriteria) -> list[ReportTable]:
    found = projections.commitments_report(view, criteria)
    headers = [_("Made"), _("Fulfilled"), _("Abandoned"), _("Overdue")]
    kinds = ReportTable(
        "commitments",
        _("Structural commitments by kind"),
        _("Made, fulfilled and abandoned in the period; overdue on the report's day."),
        [_("Kind"), *headers],
    )
    for kind in found.by_kind:
        kinds.rows.append(
            [label("commitment_kind", kind.kind), kind.made, kind.fulfilled, kind.abandoned, kind.overdue]
        )
    used = [row for row in kinds.rows if any(row[1:])]
    kinds.chart = Chart(
        [row[0] for row in used], [Series(h, [row[1 + i] for row in used]) for i, h in enumerate(headers)]
    )
    summary = ReportTable(
        "commitments_kept",
        _("Companies with a fulfilled commitment, and commitments six months on"),
        _(
            "Commitments of agreements signed at least six months ago: those still active (not abandoned) "
            "six months after signing."
        ),
        [
            _("Companies with one fulfilled"),
            _("Commitments six months after signing"),
            _("Still active"),
            _("Share (%)"),
        ],
        [
            [
                found.companies_with_fulfilled,
                found.after_six_months,
                found.active_after_six_months,
                percent(found.active_after_six_months / found.after_six_months if found.after_six_months else None),
            ]
        ],
    )
    return [kinds, summary]


def delivery_tables(projector: Any, criteria: projections.ReportCriteria) -> list[ReportTable]:
    found = projections.delivery(projector["reports"], criteria)
    names = projections.company_names(projector["outreach"], [c.company_id for c in found.companies])
    months = ReportTable(
        "delivery_months",
        _("Delivery per month"),
        _("Health checks, health conversations and referrals delivered in each month of the period."),
        [_("Month"), _("Health checks"), _("Conversations"), _("Referrals")],
        [[m.month, m.health_checks, m.conversations, m.referrals] for m in found.months],
    )
    months.chart = Chart(
        [row[0] for row in months.rows],
        [Series(h, [row[1 + i] for row in months.rows]) for i, h in enumerate(months.headers[1:])],
    )
    companies = ReportTable(
        "delivery_companies",
        _("Planned against delivered per company"),
        _(
            "Signed agreements: the plan as it stands, and what was delivered in the period; feedback and "
            "follow-ups below."
        ),
        [
            _("Company"),
            _("Planned checks"),
            _("Delivered checks"),
            _("Planned conversations"),
            _("Delivered conversations"),
            _("Referrals"),
        ],
    )
    for c in found.companies:
        companies.rows.append(
            [
                names.get(c.company_id, _("Unknown company")),
                c.planned_health_checks,
                c.health_checks,
                c.planned_conversations,
                c.conversations,
                c.referrals,
            ]
        )
    companies.chart = Chart(
        [row[0] for row in companies.rows],
        [Series(companies.headers[i], [row[i] for row in companies.rows]) for i in (1, 2, 3, 4)],
    )
    feedback = ReportTable(
        "feedback",
        _("Written feedback and one-month follow-ups"),
        _("Written feedback delivered and follow-ups held in the period."),
        [_("Written feedback delivered"), _("Follow-ups held")],
        [[found.feedback_given, found.follow_ups_held]],
    )
    return [months, companies, feedback]


def re_aim_tables(view: Any, criteria: projections.ReportCriteria) -> list[ReportTable]:
    found = projections.re_aim(view, criteria)
    figures = ReportTable(
        "re_aim",
        _("RE-AIM at the workplace level"),
        _(
            "Adoption: companies that signed of those approached. Reach: people in health checks and "
            "conversations (employee counts are not recorded, only a size band). Implementation: delivered "
            "against planned, commitments fulfilled of those made. Maintenance: commitments still active six "
            "months after signing."
        ),
        [_("Measure"), _("Count"), _("Of"), _("Share (%)")],
        [
            [_("Adoption"), found.adopted, found.approached, percent(found.adoption)],
            [_("Reach: health checks"), found.reached_health_checks, None, None],
            [_("Reach: conversations"), found.reached_conversations, None, None],
            [_("Implementation: delivered of planned"), found.delivered, found.planned, percent(found.implementation)],
            [
                _("Implementation: commitments fulfilled"),
                found.commitments_fulfilled,
                found.commitments_made,
                percent(found.commitments_fulfilled / found.commitments_made if found.commitments_made else None),
            ],
            [_("Maintenance"), found.active_after_six_months, found.after_six_months, percent(found.maintenance)],
        ],
    )
    shares = [row for row in figures.rows if row[3] is not None]
    figures.chart = Chart([row[0] for row in shares], [Series(_("Share (%)"), [row[3] for row in shares])], unit=" %")
    return [
        figures,
        _adoption("adoption_industry", _("Adoption by industry"), "industry", found.by_industry, found),
        _adoption("adoption_size", _("Adoption by size"), "size_band", found.by_size, found),
    ]


def _adoption(
    key: str, title: str, vocabulary: str, rows: list[projections.Adoption], found: projections.ReAim
) -> ReportTable:
    table = ReportTable(
        key,
        title,
        _(
            "Companies approached and companies that signed, and each value's share of all approached and of "
            "all that signed."
        ),
        [_("Value"), _("Approached"), _("Signed"), _("Share of approached (%)"), _("Share of those who signed (%)")],
    )
    for row in rows:
        name = label(vocabulary, row.value) if row.value != "none" else _("Not recorded")
        table.rows.append(
            [
                name,
                row.approached,
                row.adopted,
                percent(row.approached / found.approached if found.approached else None),
                percent(row.adopted / found.adopted if found.adopted else None),
            ]
        )
    table.chart = Chart(
        [row[0] for row in table.rows],
        [
            Series(table.headers[3], [row[3] or 0 for row in table.rows]),
            Series(table.headers[4], [row[4] or 0 for row in table.rows]),
        ],
        unit=" %",
    )
    return table
