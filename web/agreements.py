"""Cooperation agreements: the buy-in and commitment trackers, and each agreement from buy-in to follow-up.

The agreement's steps (the forms that change it) are in web/agreement_steps.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

import projections
from crm.errors import AgreementNotReady, CrmError
from web import params
from web.access_record import record_people
from web.labels import choices, label
from web.messages import describe
from web.rendering import page_or_fragment, wants_fragment
from web.services import today, user_names, views
from web.translating import gettext as _
from web.workdays import follow_up_due

bp = Blueprint("agreements", __name__, url_prefix="/agreements")

TARGET = "agreement"
STATUS_FILTERS = ("open", "overdue", "due_soon", "fulfilled", "abandoned")
BADGES = {"overdue": "bad", "due_soon": "warn", "fulfilled": "ok", "abandoned": "", "open": ""}


def requirement_title(requirement: dict[str, Any]) -> str:
    return requirement["label"] or label("requirement", requirement["key"])


def _log_personal_data(contact_ids: set) -> None:
    record_people("page", sorted((c for c in contact_ids if c is not None), key=str))


# --- the trackers ---------------------------------------------------------------------------------


@bp.get("")
def index():
    """The buy-in tracker (agreements in negotiation) and the structural-commitment tracker."""
    projector, day = views(), today()
    names = user_names()
    tracker = projector["agreements"].buy_in_tracker()
    for agreement in tracker:
        for requirement in agreement["requirements"]:
            requirement["title"] = requirement_title(requirement)
            requirement["confirmed_by_name"] = names.get(requirement["confirmed_by"])
    status = params.choice(request.args, "status", STATUS_FILTERS)
    kind = params.filter_text(request.args, "kind")
    show_terminated = params.choice(request.args, "terminated", ("show",)) == "show"
    commitments, hidden = commitment_rows(day, status, kind, show_terminated)
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


def commitment_rows(day: date, status: str, kind: str, show_terminated: bool) -> tuple[list[Any], int]:
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
    names = user_names()
    people = projections.contacts_of(
        projector["outreach"], agreement["company_id"], current_only=True, order="sponsors"
    )
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
        suggested_follow_up=follow_up_due(agreement["feedback_on"]) if agreement["feedback_on"] else None,
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


def act(agreement_id: UUID, section: str, run: Callable[[], Any], success: str):
    """Run one command on the agreement, then show the agreement with the outcome in the section acted on."""
    action = (request.endpoint or "").rsplit(".", 1)[-1]
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


from web import agreement_steps  # noqa: E402, F401 - the agreement's steps register on `bp`
