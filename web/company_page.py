"""The company page: everything about one company, a part at a time for htmx, and its timeline."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import abort, request, url_for
from flask_login import current_user

import projections
from crm.companies import next_steps
from crm.vocabulary import CLOSED, IN_OUTREACH, SIZE_BANDS
from web import params
from web.attempt_form import classification, form_options
from web.companies import bp, log_people
from web.i18n import as_datetime
from web.logged_events import LoggedEvent, logged_events
from web.overlap_warning import overlap_context
from web.rendering import page_or_fragment, wants_fragment
from web.services import crm, owners, today, user_names, views

TIMELINE_PAGE = 20
# The newest attempts of the round the page shows; the rest on asking (a persistent recruiter's round can be long).
ATTEMPTS_SHOWN = 20
# Sections of the company page that htmx swaps in place, by their element id.
SECTIONS = {
    "details": "company-details",
    "workplaces": "company-workplaces",
    "contacts": "company-contacts",
    "attempts": "company-attempts",
}
# Parts that show no person, and refresh themselves when another part changed the company.
SELF_REFRESHING = {"head": "company-head", "path": "company-path"}
PEOPLE_FREE = ("details", "workplaces", "head", "path")
# Free text worth showing under a timeline entry's sentence, by event field.
TIMELINE_DETAIL = ("note", "focus_points", "description")


def company_or_404(company_id: UUID) -> projections.CompanyRow:
    found = projections.company(views()["outreach"], company_id)
    if found is None:
        abort(404)
    return found


def timeline_line(entry: projections.TimelineEntry, logged: LoggedEvent) -> dict[str, Any]:
    """One timeline entry: the event's sentence, and the free text beneath it."""
    data = entry["data"]
    return {
        "id": entry["notification_id"],
        "sentence": logged.sentence,
        "at": as_datetime(entry["occurred_at"]),
        "occurred_at": entry["occurred_at"],
        "details": [str(data[f]) for f in TIMELINE_DETAIL if data.get(f)],
        "reason": entry["reason"],
        "kind": entry["aggregate"],
    }


def timeline_lines(company_id: UUID, before: int | None) -> tuple[list[dict[str, Any]], int | None]:
    """One page of the timeline as plain sentences, and the position to show more from (None at the end)."""
    entries = views()["timeline"].for_company(company_id, limit=TIMELINE_PAGE + 1, before=before)
    more = entries[TIMELINE_PAGE - 1]["notification_id"] if len(entries) > TIMELINE_PAGE else None
    entries = entries[:TIMELINE_PAGE]
    logged, _people = logged_events(crm(), views(), [entry["notification_id"] for entry in entries])
    return [timeline_line(entry, each) for entry, each in zip(entries, logged, strict=True)], more


def round_attempts(company: projections.CompanyRow, opened: str | None) -> tuple[list[Any], bool]:
    """The round's attempts the page shows, newest first, and whether there are more: the newest ATTEMPTS_SHOWN,
    or all of them when asked (?attempts=all) or when the attempt whose form is open is older than those."""
    outreach, company_id, round_ = views()["outreach"], company["company_id"], company["round"]
    if params.choice(request.args, "attempts", ("all",)):
        return projections.attempts_of(outreach, company_id, round_), False
    rows = projections.attempts_of(outreach, company_id, round_, limit=ATTEMPTS_SHOWN + 1)
    if len(rows) <= ATTEMPTS_SHOWN:
        return rows, False
    if opened and all(str(row["attempt_id"]) != opened for row in rows[:ATTEMPTS_SHOWN]):
        return projections.attempts_of(outreach, company_id, round_), False
    return rows[:ATTEMPTS_SHOWN], True


def company_context(company_id: UUID, *, timeline: bool = True, **extra: Any) -> dict[str, Any]:
    """Everything the company page shows; sections re-render from the same context.

    Without `timeline` its lines are left out: a part of the page swapped in alone (htmx) never shows them, and
    reading and wording the timeline's events is the dearest part of the page."""
    company = company_or_404(company_id)
    projector, day = views(), today()
    outreach = projector["outreach"]
    people = projections.contacts_of(outreach, company_id)
    lines, more = timeline_lines(company_id, None) if timeline else ([], None)
    source = company["source_partner_id"]
    steps = next_steps(company["stage"])
    answered_id = projections.answered_lead(outreach, company_id)
    answered = projector["leads"].lead(answered_id) if answered_id else None
    shown, more_attempts = round_attempts(company, extra.get("correcting") or extra.get("voiding"))
    return {
        "company": company,
        "names": user_names(),
        "people": people,
        "person_names": {p["contact_id"]: p["name"] for p in people},
        "current_people": [p for p in people if not p["archived"]],
        "workplaces": projections.workplaces_of(outreach, company_id),
        "attempts": shown,
        "more_attempts": more_attempts,
        "company_leads": projector["leads"].of_company(company_id),
        "agreement": projector["agreements"].agreement_for_company(company_id, day),
        "partner_name": projections.partner_names(outreach, [source]).get(source) if source else None,
        "lines": lines,
        "more": more,
        "owners": owners(projector),
        "size_bands": SIZE_BANDS,
        "moves": [stage for stage, how in steps.items() if how == "move"],
        "in_outreach": company["stage"] in IN_OUTREACH,
        "closed": company["stage"] in CLOSED,
        "may_reapproach": "reapproach" in steps.values()
        and (company["approach_again_after"] is None or company["approach_again_after"] <= day),
        "may_open_agreement": "open_agreement" in steps.values(),
        "may_close": "decline" in steps.values(),
        "editing": params.filter_text(request.args, "edit"),
        "errors": {},
        "form": {},
        "conflict": None,
        "done": {},
        "logging": False,
        "correcting": None,
        "voiding": None,
        "adding": False,
        "removing": None,
        "may_edit": current_user.may("outreach"),
        "may_negotiate": current_user.may("negotiate"),
        "attempt_form": {
            "form_action": url_for(".log_attempt", company_id=company_id),
            "form_target": SECTIONS["attempts"],
            "form_key": "company",
        },
        **form_options(day, list(projections.partner_choices(outreach).items())),
        "lead": answered,
        "classified": classification(company, answered),
        **overlap_context(company_id),
        **extra,
    }


def opened_attempt(name: str) -> str | None:
    """The attempt whose correction or void form a link opens, as the template compares ids; None when none."""
    found = params.identifier(request.args, name)
    return str(found) if found else None


@bp.get("/<uuid:company_id>")
def show(company_id: UUID):
    """The company page; ?edit=details or ?edit=<contact id> opens that part for editing, ?correct=<attempt id> or
    ?void=<attempt id> that attempt's form (the links for browsers without JavaScript); htmx gets one part."""
    parts = {**SECTIONS, **SELF_REFRESHING}
    editing = params.filter_text(request.args, "edit")
    section = next(
        (name for name, target in parts.items() if wants_fragment(target)),
        "contacts" if editing and editing != "details" else "details",
    )
    context = company_context(
        company_id,
        timeline=not wants_fragment(parts[section]),
        correcting=opened_attempt("correct"),
        voiding=opened_attempt("void"),
    )
    if not wants_fragment(parts[section]) or section not in PEOPLE_FREE:
        log_people("page", [p["contact_id"] for p in context["people"]])
    return page_or_fragment("companies/show.html", f"companies/_{section}.html", parts[section], **context)


@bp.get("/<uuid:company_id>/timeline")
def timeline(company_id: UUID):
    """More of the company's timeline (the "show more" button), or the timeline's first page."""
    company = company_or_404(company_id)
    lines, more = timeline_lines(company_id, params.position(request.args, "before"))
    log_people("page", [p["contact_id"] for p in projections.contacts_of(views()["outreach"], company_id)])
    if wants_fragment("company-timeline"):
        return page_or_fragment(
            "companies/timeline.html",
            "companies/_timeline.html",
            "company-timeline",
            company=company,
            lines=lines,
            more=more,
            may_edit=current_user.may("outreach"),
        )
    return page_or_fragment(
        "companies/timeline.html",
        "companies/_timeline_more.html",
        "timeline-more",
        company=company,
        lines=lines,
        more=more,
    )
