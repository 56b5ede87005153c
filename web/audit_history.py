"""Record history: find a company or person by name (or any record by id), see every version and what changed.

Names are found through the folded search the read side publishes (æ/ø/å and ae/oe/aa alike),
so an auditor types "bogely" and finds "Bøgely". Finding people is itself recorded in the
access log as a search, as on the access-log page.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import request

import projections
from crm.audit.log import Version, diff, state_at, versions
from crm.vocabulary import aggregate_slug
from web import params
from web.audit import bp, record_shown
from web.event_names import Names, aggregate_label, event_name, names_for
from web.event_sentences import sentence
from web.field_values import field_title, shown_value
from web.rendering import page_or_fragment
from web.services import crm, views
from web.translating import gettext as _


@bp.get("/history")
def history():
    """Any company, contact, agreement, attempt or lead at any of its versions, and what changed between two."""
    text = params.search_text(request.args, "q" if request.args.get("q") else "id")
    errors: list[str] = []
    entity_id, matches = _chosen(text, errors)
    context: dict[str, Any] = {"rows": [], "changes": [], "a": None, "b": None, "title": "", "company_id": None}
    if entity_id is not None:
        found = versions(crm(), entity_id)
        if found:
            context = _history_of(entity_id, found, errors)
        else:
            errors.append(_("Nothing has been recorded with this id."))
    return page_or_fragment(
        "audit/history.html",
        "audit/_history.html",
        "audit-history",
        entity_id=entity_id,
        text=text,
        matches=matches,
        errors=errors,
        **context,
    )


def _chosen(text: str, errors: list[str]) -> tuple[UUID | None, list[dict[str, Any]]]:
    """The record asked for: by id, or the one record whose name matches; else the records to choose from."""
    if not text:
        return None, []
    try:
        return UUID(text), []
    except ValueError:
        pass
    outreach = views()["outreach"]
    matches: list[dict[str, Any]] = [
        {"id": c["company_id"], "name": c["name"], "kind": aggregate_label("company").capitalize(), "where": None}
        for c in projections.companies_named(outreach, text)
    ]
    people = projections.contacts_named(outreach, text)
    record_shown({p["contact_id"] for p in people}, "search", criterion=text)
    person = aggregate_label("contact").capitalize()
    matches += [{"id": p["contact_id"], "name": p["name"], "kind": person, "where": p["company_name"]} for p in people]
    if len(matches) == 1:
        return matches[0]["id"], matches
    if not matches:
        errors.append(_("No company or person is called “%(text)s”.", text=text))
    return None, matches


def _history_of(entity_id: UUID, found: list[Version], errors: list[str]) -> dict[str, Any]:
    last = found[-1].number
    chosen_b = params.whole_number(request.args, "b", 0, params.MAX_VERSION)
    chosen_a = params.whole_number(request.args, "a", 0, params.MAX_VERSION)
    b = min(max(chosen_b or last, 1), last)
    a = min(max(chosen_a if chosen_a is not None else b - 1, 0), last)
    kind = aggregate_slug(found[0].topic)
    names = names_for([v.event for v in found], views())
    if kind == "contact":
        record_shown({entity_id})
    changes: list[dict[str, str]] = []
    try:
        differences = diff(state_at(crm(), entity_id, a), state_at(crm(), entity_id, b))
        changes = [
            {
                "field": field_title(c.field),
                "old": shown_value(c.old, names, c.field),
                "new": shown_value(c.new, names, c.field),
            }
            for c in differences
        ]
        # A person named in the diff (a requirement's or a lead's contact) is personal data shown.
        record_shown({v for c in differences for v in (c.old, c.new) if isinstance(v, UUID) and v in names.contacts})
    except Exception:  # noqa: BLE001 - an edited row may no longer decode; the page says so
        errors.append(_("A stored event of this record can no longer be read; run the chain check."))
    rows = [
        {
            "number": v.number,
            "sentence": sentence(v.event, names),
            "raw": v.raw,
            "at": getattr(v.event, "timestamp", None),
            "reason": getattr(v.event, "reason", None),
            "name": event_name(v.topic.partition(":")[2]),
        }
        for v in reversed(found)  # newest first, like the event log
    ]
    first = next((v.event for v in found if v.event is not None), None)
    company_id = names.company_of(first) if first is not None else None
    return {
        "rows": rows,
        "changes": changes,
        "a": a,
        "b": b,
        "title": _(
            "%(kind)s: %(name)s",
            kind=aggregate_label(kind).capitalize(),
            name=_name(kind, entity_id, names, company_id),
        ),
        "company_id": company_id,
    }


def _name(kind: str, entity_id: UUID, names: Names, company_id: UUID | None) -> str:
    """What the record is called: its own name, or for an agreement, attempt or lead its company's."""
    if kind == "company":
        return names.company(entity_id)
    if kind == "contact":
        person = names.contact(entity_id)
        return f"{person} ({names.company(company_id)})" if company_id else person
    if kind == "partner":
        return names.partners.get(entity_id) or str(entity_id)
    if kind == "user":
        return names.user(entity_id)
    return names.company(company_id) if company_id else str(entity_id)
