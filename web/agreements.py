"""Cooperation agreements: the buy-in and commitment trackers, and each agreement from buy-in to follow-up."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from crm.errors import AgreementNotReady, CrmError, InvalidInput
from projections.outreach import OutreachView, contacts
from web.labels import choices, label
from web.messages import describe
from web.rendering import page_or_fragment, wants_fragment
from web.services import crm, perform, today, views

bp = Blueprint("agreements", __name__, url_prefix="/agreements")

TARGET = "agreement"
STATUS_FILTERS = ("open", "overdue", "due_soon", "fulfilled", "abandoned")
BADGES = {"overdue": "bad", "due_soon": "warn", "fulfilled": "ok", "abandoned": "", "open": ""}


def company_contacts(view: OutreachView, company_id: UUID) -> list[dict[str, Any]]:
    """The company's current contacts (not archived), top management first."""
    query = (
        select(contacts.c.contact_id, contacts.c.name, contacts.c.role)
        .where(contacts.c.company_id == company_id, contacts.c.archived.is_(False))
        .order_by(contacts.c.role != "top_management", contacts.c.search_name)
    )
    with view.transaction(commit=False) as session:
        return [dict(row._mapping) for row in session.execute(query)]


def one_month_after(day: date) -> date:
    """The same day of the next month (the last day when the next month is shorter)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def requirement_title(requirement: dict[str, Any]) -> str:
    return requirement["label"] or label("requirement", requirement["key"])


def _log_personal_data(contact_ids: set) -> None:
    shown = {contact_id for contact_id in contact_ids if contact_id is not None}
    if shown:
        crm().access_log.record(current_user.id, "page", sorted(shown), place=request.path)


# --- the trackers ---------------------------------------------------------------------------------


@bp.get("")
def index():
    """The buy-in tracker (agreements in negotiation) and the structural-commitment tracker."""
    projector, day = views(), today()
    names = projector["users"].names()
    tracker = projector["agreements"].buy_in_tracker()
    for agreement in tracker:
        for requirement in agreement["requirements"]:
            requirement["title"] = requirement_title(requirement)
            requirement["confirmed_by_name"] = names.get(requirement["confirmed_by"])
    status = request.args.get("status") if request.args.get("status") in STATUS_FILTERS else ""
    kind = request.args.get("kind") or ""
    show_terminated = request.args.get("terminated") == "show"
    commitments, hidden = _commitments(day, status, kind, show_terminated)
    shown = {c["owner_contact_id"] for c in commitments}
    if not wants_fragment("commitment-tracker"):
        shown |= {r["contact_id"] for a in tracker for r in a["requirements"]}
    _log_personal_data(shown)
    return page_or_fragment(
        "agreements/index.html",
        "agreements/_commitments.html",
        "commitment-tracker",
        tracker=tracker,
        commitments=commitments,
        hidden=hidden,
        status_filter=status,
        kind=kind,
        show_terminated=show_terminated,
        kinds=choices("commitment_kind"),
        statuses=[(s, label("commitment_status", s)) for s in STATUS_FILTERS],
    )


def _commitments(day: date, status: str, kind: str, show_terminated: bool) -> tuple[list[dict[str, Any]], int]:
    """The commitment tracker filtered by status and kind; open commitments of terminated agreements are
    hidden unless asked for, and marked when shown."""
    state = "open" if status in ("overdue", "due_soon") else (status or None)
    rows = views()["agreements"].commitment_tracker(day, state=state, kind=kind or None)
    if status in ("overdue", "due_soon"):
        rows = [row for row in rows if row["status"] == status]
    for row in rows:
        row["orphaned"] = row["state"] == "open" and row["agreement_status"] == "terminated"
        row["badge"] = BADGES[row["status"]]
    if show_terminated:
        return rows, 0
    kept = [row for row in rows if not row["orphaned"]]
    return kept, len(rows) - len(kept)


# --- one agreement ------------------------------------------------------------------------------------


def _render(agreement_id: UUID, notice: dict | None = None):
    """The agreement page, or only its body when htmx swaps it; `notice` shows a message in one section."""
    projector, day = views(), today()
    agreement = projector["agreements"].agreement(agreement_id, day)
    if agreement is None:
        abort(404)
    names = projector["users"].names()
    people = company_contacts(projector["outreach"], agreement["company_id"])
    for requirement in agreement["requirements"]:
        requirement["title"] = requirement_title(requirement)
        requirement["confirmed_by_name"] = names.get(requirement["confirmed_by"])
        requirement["is_sponsor"] = requirement["key"] == "top_management_sponsor"
    for commitment in agreement["commitments"]:
        commitment["badge"] = BADGES[commitment["status"]]
    _log_personal_data(
        {p["contact_id"] for p in people}
        | {r["contact_id"] for r in agreement["requirements"]}
        | {c["owner_contact_id"] for c in agreement["commitments"]}
    )
    status = agreement["status"]
    live = status in ("negotiating", "signed")
    may = current_user.may
    return page_or_fragment(
        "agreements/show.html",
        "agreements/_agreement.html",
        TARGET,
        agreement=agreement,
        notice=notice or {},
        form=request.form if notice and notice["kind"] == "error" else {},
        missing=[r["title"] for r in agreement["requirements"] if not r["met"]],
        contacts=people,
        sponsors=[p for p in people if p["role"] == "top_management"],
        kinds=choices("commitment_kind"),
        today=day,
        suggested_follow_up=one_month_after(agreement["feedback_on"]) if agreement["feedback_on"] else None,
        can={
            "buy_in": may("negotiate") and status == "negotiating",
            "sign": may("sign") and status == "negotiating",
            "plan": may("deliver") and live,
            "deliver": may("deliver") and status == "signed",
            "add_commitment": may("negotiate") and live,
            "close_commitment": may("negotiate") and status != "terminated",
            "complete": may("sign") and status == "signed",
            "terminate": may("sign") and live,
        },
    )


@bp.get("/<uuid:agreement_id>")
def show(agreement_id: UUID):
    """One cooperation agreement: buy-in, signing, delivery, feedback, commitments, follow-up, the end."""
    return _render(agreement_id)


def _act(agreement_id: UUID, section: str, run: Callable[[], Any], success: str):
    """Run one command on the agreement, then show the agreement with the outcome in the section acted on."""
    action = request.endpoint.rsplit(".", 1)[-1]
    try:
        run()
    except AgreementNotReady as error:
        return _render(
            agreement_id,
            {
                "section": section,
                "action": action,
                "kind": "error",
                "text": _("The agreement cannot be signed. Buy-in missing:"),
                "missing_items": _missing_titles(agreement_id, error),
            },
        )
    except CrmError as error:
        return _render(agreement_id, {"section": section, "action": action, "kind": "error", "text": describe(error)})
    if wants_fragment(TARGET):
        return _render(agreement_id, {"section": section, "action": action, "kind": "success", "text": success})
    flash(success, "success")
    return redirect(url_for("agreements.show", agreement_id=agreement_id, _anchor=section), 303)


def _missing_titles(agreement_id: UUID, error: AgreementNotReady) -> list[str]:
    """What the refusal lists, the municipality's own requirements by their label rather than their key."""
    found = views()["agreements"].agreement(agreement_id) or {"requirements": []}
    titles = {r["key"]: requirement_title(r) for r in found["requirements"]}
    return [titles.get(key, label("requirement", key)) for key in error.missing]


def _date(field: str) -> date | None:
    text = request.form.get(field, "").strip()
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise InvalidInput(field=field, problem="is not a date") from None


def _count(field: str) -> int:
    text = request.form.get(field, "").strip()
    try:
        return int(text) if text else 0
    except ValueError:
        raise InvalidInput(field=field, problem="must be a whole number of 0 or more") from None


def _uuid(field: str) -> UUID | None:
    text = request.form.get(field, "").strip()
    try:
        return UUID(text) if text else None
    except ValueError:
        raise InvalidInput(field=field, problem="is not one of the choices") from None


def _version() -> int | None:
    text = request.form.get("version", "").strip()
    return int(text) if text.isdigit() else None


# --- buy-in and signing ---------------------------------------------------------------------------------


@bp.post("/<uuid:agreement_id>/requirements/confirm")
def confirm_requirement(agreement_id: UUID):
    """Top management committed to one requirement (the sponsor is a named top-management contact)."""
    form = request.form
    return _act(
        agreement_id,
        "buy-in",
        lambda: perform(
            crm().confirm_requirement,
            agreement_id,
            form.get("key", ""),
            contact_id=_uuid("contact"),
            confirmed_on=_date("confirmed_on"),
            expected_version=_version(),
        ),
        _("The requirement is confirmed."),
    )


@bp.post("/<uuid:agreement_id>/requirements/withdraw")
def withdraw_requirement(agreement_id: UUID):
    """Top management took a commitment back: the requirement is missing again."""
    form = request.form
    return _act(
        agreement_id,
        "buy-in",
        lambda: perform(
            crm().withdraw_requirement,
            agreement_id,
            form.get("key", ""),
            expected_version=_version(),
            reason=form.get("reason"),
        ),
        _("The requirement was withdrawn."),
    )


@bp.post("/<uuid:agreement_id>/requirements")
def add_requirement(agreement_id: UUID):
    """Add the municipality's own buy-in requirement."""
    return _act(
        agreement_id,
        "buy-in",
        lambda: perform(
            crm().add_requirement,
            agreement_id,
            request.form.get("label", ""),
        ),
        _("The requirement was added."),
    )


@bp.post("/<uuid:agreement_id>/sign")
def sign(agreement_id: UUID):
    """Sign the agreement; refused with the missing buy-in listed."""
    return _act(
        agreement_id,
        "buy-in",
        lambda: perform(
            crm().sign_agreement,
            agreement_id,
            signed_on=_date("signed_on"),
        ),
        _("The agreement is signed. The company is now a partner."),
    )


# --- delivery, feedback, follow-up -----------------------------------------------------------------------


@bp.post("/<uuid:agreement_id>/plan")
def plan(agreement_id: UUID):
    """Set how many health checks and conversations the municipality will deliver."""
    return _act(
        agreement_id,
        "delivery",
        lambda: perform(
            crm().plan_services,
            agreement_id,
            _count("health_checks"),
            _count("conversations"),
        ),
        _("The plan was saved."),
    )


@bp.post("/<uuid:agreement_id>/deliveries")
def record_delivery(agreement_id: UUID):
    """Count the checks, conversations and referrals of a day on site."""
    return _act(
        agreement_id,
        "delivery",
        lambda: perform(
            crm().record_delivery,
            agreement_id,
            health_checks=_count("health_checks"),
            conversations=_count("conversations"),
            referrals=_count("referrals"),
            delivered_on=_date("delivered_on"),
        ),
        _("The delivery was recorded."),
    )


@bp.post("/<uuid:agreement_id>/feedback")
def feedback(agreement_id: UUID):
    """Record the written feedback to the company and its focus points."""
    return _act(
        agreement_id,
        "feedback",
        lambda: perform(
            crm().deliver_feedback,
            agreement_id,
            focus_points=request.form.get("focus_points"),
            delivered_on=_date("delivered_on"),
        ),
        _("The written feedback was recorded."),
    )


@bp.post("/<uuid:agreement_id>/follow-up")
def follow_up(agreement_id: UUID):
    """Record the follow-up about a month after the feedback."""
    return _act(
        agreement_id,
        "follow-up",
        lambda: perform(
            crm().hold_follow_up,
            agreement_id,
            note=request.form.get("note"),
            held_on=_date("held_on"),
        ),
        _("The follow-up was recorded."),
    )


# --- structural commitments -----------------------------------------------------------------------------


@bp.post("/<uuid:agreement_id>/commitments")
def add_commitment(agreement_id: UUID):
    """Record a structural change the company commits to."""
    form = request.form
    return _act(
        agreement_id,
        "commitments",
        lambda: perform(
            crm().add_commitment,
            agreement_id,
            form.get("kind", ""),
            form.get("description", ""),
            owner_contact_id=_uuid("contact"),
            due_on=_date("due_on"),
        ),
        _("The commitment was added."),
    )


@bp.post("/<uuid:agreement_id>/commitments/<commitment_id>/fulfil")
def fulfil_commitment(agreement_id: UUID, commitment_id: str):
    """The company made the change it committed to."""
    return _act(
        agreement_id,
        "commitments",
        lambda: perform(
            crm().fulfil_commitment,
            agreement_id,
            commitment_id,
            fulfilled_on=_date("fulfilled_on"),
        ),
        _("The commitment is fulfilled."),
    )


@bp.post("/<uuid:agreement_id>/commitments/<commitment_id>/abandon")
def abandon_commitment(agreement_id: UUID, commitment_id: str):
    """The company gave a commitment up; the reason is kept."""
    return _act(
        agreement_id,
        "commitments",
        lambda: perform(
            crm().abandon_commitment,
            agreement_id,
            commitment_id,
            reason=request.form.get("reason"),
        ),
        _("The commitment was abandoned."),
    )


# --- the end ----------------------------------------------------------------------------------------------


@bp.post("/<uuid:agreement_id>/complete")
def complete(agreement_id: UUID):
    """Close a delivered agreement after the feedback and the follow-up."""
    return _act(
        agreement_id,
        "closing",
        lambda: perform(crm().complete_agreement, agreement_id),
        _("The agreement is completed."),
    )


@bp.post("/<uuid:agreement_id>/terminate")
def terminate(agreement_id: UUID):
    """End the cooperation early, with the reason."""
    return _act(
        agreement_id,
        "closing",
        lambda: perform(
            crm().terminate_agreement,
            agreement_id,
            reason=request.form.get("reason"),
        ),
        _("The agreement was terminated."),
    )
