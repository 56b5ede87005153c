"""What an import compares its rows with: every company's details, contacts and workplaces, in three queries."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select

from projections.outreach_tables import companies, contacts, workplaces
from projections.outreach_view import OutreachView
from projections.reading import fetch


def import_reference(view: OutreachView) -> list[dict[str, Any]]:
    """Each company with company_id, name, cvr, address, industry, size_band, sector, its current
    contacts (contact_id, name, phone, email) and its workplaces (p_number, name)."""
    c = companies.c
    found: dict[UUID, dict[str, Any]] = {
        row["company_id"]: {**row, "contacts": [], "workplaces": []}
        for row in fetch(view, select(c.company_id, c.name, c.cvr, c.address, c.industry, c.size_band, c.sector))
    }
    people = select(contacts.c.company_id, contacts.c.contact_id, contacts.c.name, contacts.c.phone, contacts.c.email)
    for person in fetch(view, people.where(contacts.c.archived.is_(False))):
        if person["company_id"] in found:
            found[person["company_id"]]["contacts"].append(person)
    for site in fetch(view, select(workplaces.c.company_id, workplaces.c.p_number, workplaces.c.name)):
        if site["company_id"] in found:
            found[site["company_id"]]["workplaces"].append(site)
    return list(found.values())
