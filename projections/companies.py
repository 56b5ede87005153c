"""Queries about companies: one company, its workplaces and attempts, companies by name, channel partners."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TypedDict, cast
from uuid import UUID

from sqlalchemy import select

from projections.outreach_tables import COMPANY_ROW, attempts, companies, partners, workplaces
from projections.outreach_view import OutreachView
from projections.reading import fetch, fetch_one, fold, search_term


class CompanyRow(TypedDict):
    """A company as the outreach read model keeps it; `version` is what forms send back as expected_version."""

    company_id: UUID
    version: int
    name: str
    search_name: str
    cvr: str | None
    industry: str
    size_band: str | None
    address: str | None
    sector: str
    target_group_note: str | None
    owner_id: UUID | None
    arena: str | None
    strategy: str | None
    source_partner_id: UUID | None
    registered_at: datetime
    stage: str
    stage_since: datetime
    round: int
    closed_reason: str | None  # given when it closed, or the note of the attempt in which it declined
    closed_attempt_id: UUID | None
    approach_again_after: date | None
    agreement_id: UUID | None
    round_started_on: date
    attempts_in_round: int
    last_touched_on: date
    last_attempt_on: date | None
    last_outcome: str | None
    last_attempt_user_id: UUID | None
    next_follow_up: date | None


class CompanyName(TypedDict):
    company_id: UUID
    name: str


class WorkplaceRow(TypedDict):
    workplace_id: str
    company_id: UUID
    p_number: str | None
    name: str
    address: str | None


class AttemptRow(TypedDict):
    attempt_id: UUID
    company_id: UUID
    contact_id: UUID | None
    user_id: UUID
    channel: str
    outcome: str
    note: str | None
    occurred_on: date
    next_follow_up: date | None
    lead_id: UUID | None
    source_partner_id: UUID | None
    arena: str | None
    strategy: str | None
    round: int
    recorded_at: datetime
    corrected: bool
    voided: bool


class PartnerRow(TypedDict):
    partner_id: UUID
    name: str
    kind: str
    archived: bool


def company(view: OutreachView, company_id: UUID) -> CompanyRow | None:
    """One company, or None when the read model does not know it."""
    return cast(CompanyRow | None, fetch_one(view, select(*COMPANY_ROW).where(companies.c.company_id == company_id)))


def company_names(view: OutreachView, company_ids: Iterable[UUID]) -> dict[UUID, str]:
    """The names of these companies (an unknown id is simply missing)."""
    rows = fetch(view, select(companies.c.company_id, companies.c.name).where(companies.c.company_id.in_(company_ids)))
    return {row["company_id"]: row["name"] for row in rows}


def companies_named(view: OutreachView, text: str, limit: int = 50) -> list[CompanyName]:
    """Companies whose name contains the text, by name; nothing for an empty text."""
    term = search_term(text)
    if not term:
        return []
    query = (
        select(companies.c.company_id, companies.c.name)
        .where(companies.c.search_folded.contains(fold(term), autoescape=True))
        .order_by(companies.c.search_name, companies.c.company_id)
        .limit(limit)
    )
    return cast(list[CompanyName], fetch(view, query))


def workplaces_of(view: OutreachView, company_id: UUID) -> list[WorkplaceRow]:
    """The company's workplaces (sites, P-numbers) by name."""
    query = select(workplaces).where(workplaces.c.company_id == company_id).order_by(workplaces.c.name)
    return cast(list[WorkplaceRow], fetch(view, query))


def attempts_of(
    view: OutreachView, company_id: UUID, round_: int | None = None, limit: int | None = None
) -> list[AttemptRow]:
    """The company's attempts, newest first: of one round, or of every round when `round_` is None; at most
    `limit` of them when given."""
    query = select(attempts).where(attempts.c.company_id == company_id)
    if round_ is not None:
        query = query.where(attempts.c.round == round_)
    query = query.order_by(attempts.c.occurred_on.desc(), attempts.c.recorded_at.desc(), attempts.c.attempt_id)
    return cast(list[AttemptRow], fetch(view, query.limit(limit)))


def attempt_at(view: OutreachView, company_id: UUID, attempt_id: UUID) -> AttemptRow | None:
    """One attempt, only when it was made to this company (ids in URLs are not trusted)."""
    query = select(attempts).where(attempts.c.attempt_id == attempt_id, attempts.c.company_id == company_id)
    return cast(AttemptRow | None, fetch_one(view, query))


def partners_list(view: OutreachView) -> list[PartnerRow]:
    """Every channel partner, by name."""
    return cast(list[PartnerRow], fetch(view, select(partners).order_by(partners.c.name, partners.c.partner_id)))


def partner_choices(view: OutreachView) -> dict[UUID, str]:
    """The channel partners offered for a new lead, attempt or company: those not archived, by name."""
    query = (
        select(partners.c.partner_id, partners.c.name)
        .where(partners.c.archived.is_(False))
        .order_by(partners.c.name, partners.c.partner_id)
    )
    return {row["partner_id"]: row["name"] for row in fetch(view, query)}


def partner_names(view: OutreachView, partner_ids: Iterable[UUID] | None = None) -> dict[UUID, str]:
    """Channel partners' names by id, in name order: the named ones, or all of them."""
    query = select(partners.c.partner_id, partners.c.name).order_by(partners.c.name, partners.c.partner_id)
    if partner_ids is not None:
        wanted = list(partner_ids)
        if not wanted:
            return {}  # no round trip for a page that names no partner
        query = query.where(partners.c.partner_id.in_(wanted))
    return {row["partner_id"]: row["name"] for row in fetch(view, query)}
