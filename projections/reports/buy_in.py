"""Buy-in and structural commitments: what holds agreements up, who was lost without top management,
and what the companies committed to, kept, let slip or gave up."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import select

from crm.clock import local_date
from crm.vocabulary import COMMITMENT_KINDS
from projections.agreement_tables import agreements, commitments, requirements
from projections.base import View
from projections.reading import fetch
from projections.reports.scope import ReportCriteria, Spread, spread, within_scope
from projections.reports.tables import commitments_made

SPONSOR = "top_management_sponsor"


@dataclass(frozen=True)
class RequirementHold:
    """One requirement over the agreements opened in the period: days from opening to its confirmation,
    how often it was the last one met before signing, and how many negotiations still lack it."""

    key: str
    label: str | None
    agreements: int
    days_to_confirm: Spread | None
    last_before_signing: int
    still_missing: int


@dataclass(frozen=True)
class BuyIn:
    requirements: list[RequirementHold]
    ended_in_negotiation: int  # agreements terminated before signing, in the period
    ended_without_sponsor: int  # ... of them, with no top-management sponsor confirmed


@dataclass(frozen=True)
class KindCommitments:
    kind: str
    made: int
    fulfilled: int
    abandoned: int
    overdue: int


@dataclass(frozen=True)
class Commitments:
    """Made, fulfilled and abandoned in the period and overdue on `today`, by kind; companies with one
    fulfilled by the period's end; of the commitments of agreements signed six months or more before
    `today`, those made by then and still active (not abandoned) six months after the signing."""

    by_kind: list[KindCommitments]
    companies_with_fulfilled: int
    after_six_months: int
    active_after_six_months: int


def six_months_after(day: date) -> date:
    month = day.month + 6
    year, month = day.year + (month - 1) // 12, (month - 1) % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _agreements(view: View, criteria: ReportCriteria) -> dict[UUID, dict]:
    query = select(
        agreements.c.agreement_id,
        agreements.c.company_id,
        agreements.c.status,
        agreements.c.opened_at,
        agreements.c.signed_on,
        agreements.c.closed_on,
    ).where(within_scope(agreements.c.company_id, criteria))
    return {row["agreement_id"]: row for row in fetch(view, query)}


def buy_in(view: View, criteria: ReportCriteria) -> BuyIn:
    """Which requirements hold agreements up longest, and the negotiations lost without top management."""
    found = _agreements(view, criteria)
    opened = {aid: a for aid, a in found.items() if criteria.within(local_date(a["opened_at"]))}
    checklists: dict[UUID, list[dict]] = {}
    for row in fetch(view, select(requirements).order_by(requirements.c.agreement_id, requirements.c.position)):
        if row["agreement_id"] in found:
            checklists.setdefault(row["agreement_id"], []).append(row)
    days: dict[str, list[int]] = {}
    labels: dict[str, str | None] = {}
    counted, last, missing = Counter[str](), Counter[str](), Counter[str]()
    for agreement_id, agreement in opened.items():
        checklist = checklists.get(agreement_id, [])
        start = local_date(agreement["opened_at"])
        for requirement in checklist:
            key = requirement["key"]
            labels.setdefault(key, requirement["label"])
            counted[key] += 1
            if requirement["met"]:
                days.setdefault(key, []).append((requirement["confirmed_on"] - start).days)
            elif agreement["status"] == "negotiating":
                missing[key] += 1
        met = [r for r in checklist if r["met"]]
        if agreement["signed_on"] is not None and met:
            last[max(met, key=lambda r: (r["confirmed_on"], r["position"]))["key"]] += 1
    holds = [
        RequirementHold(key, labels[key], counted[key], spread(days.get(key, [])), last[key], missing[key])
        for key in counted
    ]
    holds.sort(key=lambda h: (-(h.days_to_confirm.median if h.days_to_confirm else 0), -h.still_missing, h.key))
    ended = [
        aid
        for aid, a in found.items()
        if a["status"] == "terminated" and a["signed_on"] is None and criteria.within(a["closed_on"])
    ]
    without_sponsor = [
        aid for aid in ended if not any(r["key"] == SPONSOR and r["met"] for r in checklists.get(aid, []))
    ]
    return BuyIn(holds, len(ended), len(without_sponsor))


def commitments_report(view: View, criteria: ReportCriteria) -> Commitments:
    """The structural commitments of the companies in scope, by kind, with the six-month test of maintenance."""
    found = _agreements(view, criteria)
    query = select(
        commitments.c.agreement_id,
        commitments.c.company_id,
        commitments.c.kind,
        commitments.c.due_on,
        commitments.c.state,
        commitments.c.closed_on,
        commitments_made.c.made_on,
    ).select_from(
        commitments.join(
            commitments_made,
            (commitments_made.c.agreement_id == commitments.c.agreement_id)
            & (commitments_made.c.commitment_id == commitments.c.commitment_id),
        )
    )
    tally = {kind: Counter[str]() for kind in COMMITMENT_KINDS}
    fulfilled_at: set[UUID] = set()
    considered = active = 0
    for row in fetch(view, query):
        agreement = found.get(row["agreement_id"])
        if agreement is None:
            continue
        counts = tally[row["kind"]]
        counts["made"] += criteria.within(row["made_on"])
        closed_in_period = criteria.within(row["closed_on"])
        counts["fulfilled"] += row["state"] == "fulfilled" and closed_in_period
        counts["abandoned"] += row["state"] == "abandoned" and closed_in_period
        counts["overdue"] += row["state"] == "open" and row["due_on"] is not None and row["due_on"] < criteria.today
        if row["state"] == "fulfilled" and row["closed_on"] <= criteria.end:
            fulfilled_at.add(row["company_id"])
        signed = agreement["signed_on"]
        if signed is not None and six_months_after(signed) <= criteria.today:
            mark = six_months_after(signed)
            if row["made_on"] <= mark:
                considered += 1
                active += not (row["state"] == "abandoned" and row["closed_on"] <= mark)
    by_kind = [
        KindCommitments(kind, c["made"], c["fulfilled"], c["abandoned"], c["overdue"]) for kind, c in tally.items()
    ]
    return Commitments(by_kind, len(fulfilled_at), considered, active)
