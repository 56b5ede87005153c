"""Delivery and RE-AIM at the workplace level: checks and conversations planned against delivered,
feedback and follow-ups, and adoption, reach, implementation and maintenance."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import select

from projections.agreement_tables import agreements
from projections.base import View
from projections.reading import fetch
from projections.reports.buy_in import commitments_report
from projections.reports.funnel import funnel, reach_by
from projections.reports.scope import ReportCriteria, within_scope
from projections.reports.tables import deliveries


@dataclass(frozen=True)
class CompanyDelivery:
    """A signed agreement's plan (as it stands) and what was delivered on it in the period."""

    company_id: UUID
    planned_health_checks: int
    planned_conversations: int
    health_checks: int
    conversations: int
    referrals: int


@dataclass(frozen=True)
class MonthDelivery:
    month: str  # 2026-04
    health_checks: int
    conversations: int
    referrals: int


@dataclass(frozen=True)
class Delivery:
    companies: list[CompanyDelivery]
    months: list[MonthDelivery]
    feedback_given: int
    follow_ups_held: int


@dataclass(frozen=True)
class Adoption:
    """Of one value (an industry, a size band): companies approached (contacted) and adopting (signed)."""

    value: str
    approached: int
    adopted: int


@dataclass(frozen=True)
class ReAim:
    """RE-AIM at the workplace level for the period. Reach counts people in checks and conversations;
    the companies' employee counts are not recorded (only a size band), so no share of employees is given."""

    approached: int
    adopted: int
    adoption: float | None
    by_industry: list[Adoption]
    by_size: list[Adoption]
    reached_health_checks: int
    reached_conversations: int
    planned: int
    delivered: int
    implementation: float | None
    commitments_made: int
    commitments_fulfilled: int
    after_six_months: int
    active_after_six_months: int
    maintenance: float | None


def delivery(view: View, criteria: ReportCriteria) -> Delivery:
    """Per company and per month, the checks, conversations and referrals delivered in the period."""
    query = select(agreements).where(
        agreements.c.signed_on.is_not(None), within_scope(agreements.c.company_id, criteria)
    )
    signed = {row["agreement_id"]: row for row in fetch(view, query)}
    per_agreement = {aid: Counter[str]() for aid in signed}
    per_month: dict[str, Counter[str]] = {}
    in_period = deliveries.c.delivered_on.between(criteria.start, criteria.end)
    for row in fetch(view, select(deliveries).where(in_period)):
        if row["agreement_id"] not in signed:
            continue
        for counts in (
            per_agreement[row["agreement_id"]],
            per_month.setdefault(row["delivered_on"].strftime("%Y-%m"), Counter()),
        ):
            counts.update({k: row[k] for k in ("health_checks", "conversations", "referrals")})
    companies = [
        CompanyDelivery(
            a["company_id"],
            a["planned_health_checks"],
            a["planned_conversations"],
            per_agreement[aid]["health_checks"],
            per_agreement[aid]["conversations"],
            per_agreement[aid]["referrals"],
        )
        for aid, a in sorted(signed.items(), key=lambda item: item[1]["signed_on"])
    ]
    months = [
        MonthDelivery(month, c["health_checks"], c["conversations"], c["referrals"])
        for month, c in sorted(per_month.items())
    ]
    return Delivery(
        companies,
        months,
        sum(criteria.within(a["feedback_on"]) for a in signed.values()),
        sum(criteria.within(a["follow_up_on"]) for a in signed.values()),
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def re_aim(view: View, criteria: ReportCriteria) -> ReAim:
    """Adoption, reach, implementation and maintenance of the companies in scope, for the period."""
    stages = {stage.stage: stage.companies for stage in funnel(view, criteria)}
    done = delivery(view, criteria)
    checks = sum(c.health_checks for c in done.companies)
    conversations = sum(c.conversations for c in done.companies)
    planned = sum(c.planned_health_checks + c.planned_conversations for c in done.companies)
    kept = commitments_report(view, criteria)
    made = sum(k.made for k in kept.by_kind)
    fulfilled = sum(k.fulfilled for k in kept.by_kind)
    return ReAim(
        approached=stages["contacted"],
        adopted=stages["partner"],
        adoption=_share(stages["partner"], stages["contacted"]),
        by_industry=[Adoption(*found) for found in reach_by(view, criteria, "industry")],
        by_size=[Adoption(*found) for found in reach_by(view, criteria, "size_band")],
        reached_health_checks=checks,
        reached_conversations=conversations,
        planned=planned,
        delivered=checks + conversations,
        implementation=_share(checks + conversations, planned),
        commitments_made=made,
        commitments_fulfilled=fulfilled,
        after_six_months=kept.after_six_months,
        active_after_six_months=kept.active_after_six_months,
        maintenance=_share(kept.active_after_six_months, kept.after_six_months),
    )
