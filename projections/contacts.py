"""Queries about contacts: a company's people, people by id or by name.

These rows are a contact's personal data (name, phone, e-mail), keyed by the
contact's id, and the one place the read side keeps them: every other read
model names a person by id, and queries join here to show a name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, TypedDict, cast
from uuid import UUID

from sqlalchemy import Select, select

from projections.outreach_tables import companies, contacts
from projections.outreach_view import OutreachView
from projections.reading import fetch, fetch_one, fold, search_term


class ContactRow(TypedDict):
    contact_id: UUID
    company_id: UUID
    version: int
    name: str
    search_name: str
    role: str
    phone: str | None
    email: str | None
    is_decision_maker: bool
    archived: bool


class FoundContact(ContactRow):
    """A contact with the name of the company they work at (None while the company is unknown)."""

    company_name: str | None


# How a list of people is ordered: where they are listed beside each other, or who is offered first.
Order = Literal["page", "deciders", "sponsors", "name"]
ORDERS = {
    # The company page: current people before archived ones, those who decide first.
    "page": (contacts.c.archived, contacts.c.is_decision_maker.desc(), contacts.c.name),
    # A choice of whom an attempt was with: those who decide first.
    "deciders": (contacts.c.is_decision_maker.desc(), contacts.c.name),
    # A choice of the sponsor of an agreement: top management first.
    "sponsors": (contacts.c.role != "top_management", contacts.c.search_name),
    "name": (contacts.c.search_name,),
}


def contacts_of(
    view: OutreachView, company_id: UUID, current_only: bool = False, order: Order = "page"
) -> list[ContactRow]:
    """The people at a company: every one, or only those not archived."""
    return current_contacts(view, [company_id], current_only, order).get(company_id, [])


def current_contacts(
    view: OutreachView, company_ids: Iterable[UUID], current_only: bool = True, order: Order = "deciders"
) -> dict[UUID, list[ContactRow]]:
    """The people at each of these companies (every company listed, an empty list when it has none)."""
    found: dict[UUID, list[ContactRow]] = {company_id: [] for company_id in company_ids}
    if not found:
        return found
    query = select(contacts).where(contacts.c.company_id.in_(found))
    if current_only:
        query = query.where(contacts.c.archived.is_(False))
    for row in fetch(view, query.order_by(*ORDERS[order], contacts.c.contact_id)):
        found[row["company_id"]].append(cast(ContactRow, row))
    return found


def contact_at(view: OutreachView, company_id: UUID, contact_id: UUID) -> ContactRow | None:
    """One contact, only when they are at this company (ids in URLs are not trusted)."""
    query = select(contacts).where(contacts.c.contact_id == contact_id, contacts.c.company_id == company_id)
    return cast(ContactRow | None, fetch_one(view, query))


def _with_company() -> Select:
    return select(contacts, companies.c.name.label("company_name")).select_from(
        contacts.outerjoin(companies, companies.c.company_id == contacts.c.company_id)
    )


def contacts_by_id(view: OutreachView, contact_ids: Iterable[UUID | None]) -> dict[UUID, FoundContact]:
    """These contacts with their company's name, by id (None and unknown ids are left out)."""
    wanted = {contact_id for contact_id in contact_ids if contact_id is not None}
    if not wanted:
        return {}
    rows = fetch(view, _with_company().where(contacts.c.contact_id.in_(wanted)))
    return {row["contact_id"]: cast(FoundContact, row) for row in rows}


def contacts_named(
    view: OutreachView, text: str, company_ids: Iterable[UUID] | None = None, limit: int | None = 50
) -> list[FoundContact]:
    """Contacts whose name contains the text, by name: anywhere, or at the listed companies only."""
    term = search_term(text)
    if not term:
        return []
    query = _with_company().where(contacts.c.search_folded.contains(fold(term), autoescape=True))
    if company_ids is not None:
        query = query.where(contacts.c.company_id.in_(list(company_ids)))
    query = query.order_by(contacts.c.search_name, contacts.c.contact_id).limit(limit)
    return cast(list[FoundContact], fetch(view, query))
