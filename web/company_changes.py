"""What the company page changes: details, workplaces, contacts, attempts, and the step on the path."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import abort, flash, make_response, redirect, render_template, request, url_for

import projections
from crm.errors import ConcurrentChange, CrmError
from web import params
from web.attempt_form import attempt_values
from web.companies import bp, log_people
from web.company_page import SECTIONS, company_context, company_or_404
from web.labels import choices, label
from web.messages import describe
from web.rendering import page_or_fragment, varies_by_htmx, wants_fragment
from web.services import crm, perform, today, views
from web.translating import gettext as _

DETAIL_FIELDS = ("name", "cvr", "industry", "size_band", "address", "sector", "target_group_note")


def unsaved(form: Any, current: Any, fields: tuple[str, ...]) -> list[tuple[str, str]]:
    """What the user typed that differs from the current values: shown beside them after a conflict."""
    return [
        (label("field", field), form.get(field, ""))
        for field in fields
        if (form.get(field) or "").strip() != str(current[field] or "")
    ]


def respond(company_id: UUID, section: str, error: CrmError | None = None, done: str | None = None, **extra: Any):
    """After a POST: the section's fragment for htmx; a plain form goes back to the page (with an error, shows it)."""
    target = SECTIONS[section]
    if error is None and not wants_fragment(target):
        flash(done or _("Saved."), "success")
        return redirect(url_for(".show", company_id=company_id, _anchor=target), 303)
    context = company_context(company_id, timeline=not wants_fragment(target), **extra)
    if error is not None:
        context["errors"] = {section: describe(error)}
        context["form"] = request.form
    else:
        context["done"] = {section: done}
    log_people("page", [p["contact_id"] for p in context["people"]])
    response = page_or_fragment("companies/show.html", f"companies/_{section}.html", target, **context)
    if error is None:
        response.headers["HX-Trigger"] = "company-changed"
    return response


def contact_of(company_id: UUID, contact_id: UUID) -> projections.ContactRow:
    """The contact, 404 unless they are at this company (ids in URLs are not trusted)."""
    found = projections.contact_at(views()["outreach"], company_id, contact_id)
    if found is None:
        abort(404)
    return found


def attempt_of(company_id: UUID, attempt_id: UUID) -> projections.AttemptRow:
    """The attempt, 404 unless it was made to this company."""
    found = projections.attempt_at(views()["outreach"], company_id, attempt_id)
    if found is None:
        abort(404)
    return found


# --- details and workplaces ------------------------------------------------------------------------------
@bp.post("/<uuid:company_id>/details")
def change_details(company_id: UUID):
    """Correct the company's details and owner; a stale form shows the conflict and the current values."""
    form = request.form
    current = company_or_404(company_id)
    values: dict[str, Any] = {field: form.get(field, "") for field in DETAIL_FIELDS}
    values["size_band"] = values["size_band"] or None
    version = params.version(form, required=True)
    try:
        owner_id = params.form_id(form, "owner_id", "owner")
        perform(crm().change_company_details, company_id, expected_version=version, **values)
        if owner_id != current["owner_id"]:
            perform(crm().assign_company_owner, company_id, owner_id)
    except ConcurrentChange as error:
        return respond(
            company_id,
            "details",
            error,
            editing="details",
            conflict=unsaved(form, company_or_404(company_id), DETAIL_FIELDS),
        )
    except CrmError as error:
        return respond(company_id, "details", error, editing="details")
    return respond(company_id, "details", done=_("The details are saved."))


@bp.post("/<uuid:company_id>/workplaces")
def add_workplace(company_id: UUID):
    """Add a workplace (site, P-number) of the company."""
    form = request.form
    try:
        perform(
            crm().add_workplace,
            company_id,
            form.get("name", ""),
            form.get("p_number") or None,
            form.get("address") or None,
        )
    except CrmError as error:
        return respond(company_id, "workplaces", error)
    return respond(company_id, "workplaces", done=_("The workplace is added."))


@bp.post("/<uuid:company_id>/workplaces/<workplace_id>/remove")
def remove_workplace(company_id: UUID, workplace_id: str):
    """Remove a workplace, with the reason."""
    try:
        perform(crm().remove_workplace, company_id, workplace_id, reason=request.form.get("reason"))
    except CrmError as error:
        return respond(company_id, "workplaces", error, removing=workplace_id)
    return respond(company_id, "workplaces", done=_("The workplace is removed."))


# --- contacts ------------------------------------------------------------------------------------------
@bp.post("/<uuid:company_id>/contacts")
def add_contact(company_id: UUID):
    """Add a person at the company, with their role."""
    form = request.form
    try:
        perform(
            crm().register_contact,
            company_id,
            form.get("name", ""),
            form.get("role", ""),
            form.get("phone"),
            form.get("email"),
            is_decision_maker=bool(form.get("is_decision_maker")),
        )
    except CrmError as error:
        return respond(company_id, "contacts", error, adding=True)
    return respond(company_id, "contacts", done=_("The contact is added."))


@bp.post("/<uuid:company_id>/contacts/<uuid:contact_id>")
def change_contact(company_id: UUID, contact_id: UUID):
    """Correct a contact's name, phone and e-mail; a stale form shows the conflict and the current values."""
    contact_of(company_id, contact_id)
    form = request.form
    version = params.version(form, required=True)
    try:
        perform(
            crm().change_contact_details,
            contact_id,
            form.get("name", ""),
            form.get("phone"),
            form.get("email"),
            expected_version=version,
        )
    except ConcurrentChange as error:
        return respond(
            company_id,
            "contacts",
            error,
            editing=str(contact_id),
            conflict=unsaved(form, contact_of(company_id, contact_id), ("name", "phone", "email")),
        )
    except CrmError as error:
        return respond(company_id, "contacts", error, editing=str(contact_id))
    return respond(company_id, "contacts", done=_("The contact is saved."))


@bp.post("/<uuid:company_id>/contacts/<uuid:contact_id>/role")
def change_contact_role(company_id: UUID, contact_id: UUID):
    """Record a contact's new role (and whether they decide)."""
    contact_of(company_id, contact_id)
    try:
        perform(
            crm().change_contact_role,
            contact_id,
            request.form.get("role", ""),
            bool(request.form.get("is_decision_maker")),
        )
    except CrmError as error:
        return respond(company_id, "contacts", error)
    return respond(company_id, "contacts", done=_("The role is saved."))


@bp.post("/<uuid:company_id>/contacts/<uuid:contact_id>/archive")
def archive_contact(company_id: UUID, contact_id: UUID):
    """The person has left the company: kept for the history, no longer offered."""
    contact_of(company_id, contact_id)
    try:
        perform(crm().archive_contact, contact_id)
    except CrmError as error:
        return respond(company_id, "contacts", error)
    return respond(company_id, "contacts", done=_("The contact is archived."))


# --- notes -------------------------------------------------------------------------------------------
@bp.post("/<uuid:company_id>/notes")
def add_note(company_id: UUID):
    """A note about the company outside an attempt; back to the page, where the timeline shows it."""
    company_or_404(company_id)
    try:
        perform(crm().add_company_note, company_id, request.form.get("note", ""))
    except CrmError as error:
        flash(describe(error), "error")
    else:
        flash(_("The note is saved."), "success")
    return redirect(url_for(".show", company_id=company_id, _anchor="company-timeline"), 303)


# --- attempts ------------------------------------------------------------------------------------------
@bp.post("/<uuid:company_id>/attempts")
def log_attempt(company_id: UUID):
    """Log a call, e-mail or visit from the company page."""
    company_or_404(company_id)
    try:
        answered = projections.answered_lead(views()["outreach"], company_id)
        perform(crm().log_attempt, company_id, **attempt_values(request.form, answered))
    except CrmError as error:
        return respond(company_id, "attempts", error, logging=True)
    return respond(company_id, "attempts", done=_("The attempt is logged."))


# The page renders an attempt's correction and void forms only for the attempt being corrected or voided; the
# others come from these routes when their details are first opened, so a long round costs what it shows.
def attempt_to_fix(company_id: UUID, attempt_id: UUID) -> projections.AttemptRow:
    """The attempt a correction or void form is for: 404 unless it is this company's and not voided."""
    attempt = attempt_of(company_id, attempt_id)
    if attempt["voided"]:
        abort(404)
    return attempt


def form_fragment(template: str, **context: Any):
    return varies_by_htmx(make_response(render_template(template, **context)))


def page_with_form_open(company_id: UUID, attempt_id: UUID, form: str):
    """Opened without htmx (a copied address): the company page with that attempt's form open, as its link does."""
    opens: dict[str, Any] = {form: attempt_id}  # ?correct= or ?void=
    address = url_for(".show", company_id=company_id, _anchor=f"attempt-{attempt_id.hex}", **opens)
    return varies_by_htmx(redirect(address, 303))


@bp.get("/<uuid:company_id>/attempts/<uuid:attempt_id>/correct")
def correction_form(company_id: UUID, attempt_id: UUID):
    """The form that corrects one attempt, filled in with what it says now."""
    attempt = attempt_to_fix(company_id, attempt_id)
    if not wants_fragment(f"fix-{attempt_id.hex}-slot"):
        return page_with_form_open(company_id, attempt_id, "correct")
    people = projections.contacts_of(views()["outreach"], company_id)
    log_people("page", [p["contact_id"] for p in people])  # their names are the form's choices of contact
    return form_fragment(
        "companies/_attempt_correction.html",
        attempt=attempt,
        company_id=company_id,
        error=None,
        values=attempt,
        people=people,
        channels=choices("channel"),
        outcomes=choices("outcome"),
        today=today(),
    )


@bp.get("/<uuid:company_id>/attempts/<uuid:attempt_id>/void")
def void_form(company_id: UUID, attempt_id: UUID):
    """The form that voids one attempt logged in error."""
    attempt = attempt_to_fix(company_id, attempt_id)
    if not wants_fragment(f"void-{attempt_id.hex}-slot"):
        return page_with_form_open(company_id, attempt_id, "void")
    return form_fragment("companies/_attempt_void.html", attempt=attempt, company_id=company_id, error=None)


@bp.post("/<uuid:company_id>/attempts/<uuid:attempt_id>/correct")
def correct_attempt(company_id: UUID, attempt_id: UUID):
    """Correct a logged attempt, with the reason; the original stays in the history."""
    attempt_of(company_id, attempt_id)
    form = request.form
    try:
        perform(
            crm().correct_attempt,
            attempt_id,
            reason=form.get("reason"),
            channel=form.get("channel", ""),
            outcome=form.get("outcome", ""),
            note=form.get("note"),
            occurred_on=params.form_date(form, "occurred_on"),
            next_follow_up=params.form_date(form, "next_follow_up"),
            contact_id=params.form_id(form, "contact_id", "contact"),
        )
    except CrmError as error:
        return respond(company_id, "attempts", error, correcting=str(attempt_id))
    return respond(company_id, "attempts", done=_("The attempt is corrected."))


@bp.post("/<uuid:company_id>/attempts/<uuid:attempt_id>/void")
def void_attempt(company_id: UUID, attempt_id: UUID):
    """Void an attempt logged in error, with the reason."""
    attempt_of(company_id, attempt_id)
    try:
        perform(crm().void_attempt, attempt_id, reason=request.form.get("reason"))
    except CrmError as error:
        return respond(company_id, "attempts", error, voiding=str(attempt_id))
    return respond(company_id, "attempts", done=_("The attempt is voided."))
