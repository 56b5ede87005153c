"""Free texts that may name a person: notes, reasons, feedback and descriptions, found through the timeline.

The timeline keeps every event of a company (and of its contacts, attempts, agreements
and leads) with its reason and its own fields as JSON, so one table answers "which
texts mention Birthe, 29876543 or birthe@..." before the person is erased. A hit names
the stored event (its position) and the field, which is what a redaction needs.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TypedDict
from uuid import UUID

from sqlalchemy import func, or_, select

from crm.vocabulary import FREE_TEXT, REDACTED_TEXT
from projections.reading import fetch
from projections.timeline import TimelineView, timeline


class FreeTextHit(TypedDict):
    position: int
    company_id: UUID
    aggregate: str
    event_type: str
    occurred_at: datetime
    field: str
    text: str


def person_terms(name: str | None, phone: str | None, email: str | None) -> list[str]:
    """What a text naming this person would contain: the name, each part of it, the phone's digits, the e-mail."""
    terms = set()
    if name:
        terms.add(name.strip())
        terms.update(part for part in name.split() if len(part) >= 3)
    if phone:
        digits = "".join(ch for ch in phone if ch.isdigit())
        if len(digits) >= 8:
            terms.add(digits[-8:])
    if email:
        terms.add(email.strip())
    return sorted(term.casefold() for term in terms if term)


def _texts(row: dict[str, Any]) -> list[tuple[str, str]]:
    data = json.loads(row["data"])
    found = [(field, data[field]) for field in sorted(FREE_TEXT & data.keys()) if isinstance(data[field], str)]
    changes = data.get("changes")
    if isinstance(changes, dict):
        found += [
            (f"changes.{f}", changes[f]) for f in sorted(FREE_TEXT & changes.keys()) if isinstance(changes[f], str)
        ]
    if row["reason"]:
        found.append(("reason", row["reason"]))
    return [(field, text) for field, text in found if text != REDACTED_TEXT]


def texts_naming(view: TimelineView, terms: list[str], limit: int = 200) -> list[FreeTextHit]:
    """The free texts that contain any of the terms (case-folded), newest first."""
    if not terms:
        return []
    matches = [
        func.lower(column).contains(term, autoescape=True)
        for term in terms
        for column in (timeline.c.reason, timeline.c.data)
    ]
    query = select(timeline).where(or_(*matches)).order_by(timeline.c.notification_id.desc()).limit(limit)
    hits: list[FreeTextHit] = []
    for row in fetch(view, query):
        for field, text in _texts(row):
            if any(term in text.casefold() for term in terms):
                hits.append(
                    FreeTextHit(
                        position=row["notification_id"],
                        company_id=row["company_id"],
                        aggregate=row["aggregate"],
                        event_type=row["event_type"],
                        occurred_at=row["occurred_at"],
                        field=field,
                        text=text,
                    )
                )
    return hits
