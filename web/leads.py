"""Leads: a consultant shares a company in under a minute; recruiters claim or decline it from their inbox."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

import projections
from crm.commands.leads import NewCompany, NewContact
from crm.errors import CrmError
from web import params
from web.access_record import record_people
from web.labels import choices
from web.messages import describe
from web.rendering import page_or_fragment, wants_fragment
from web.services import crm, perform, today, user_names, views
from web.translating import gettext as _

bp = Blueprint("leads", __name__, url_prefix="/leads")

# What each htmx target of the page gets; anything else gets the whole page.
FRAGMENTS = {
    "lead-share": "leads/_share.html",
    "company-results": "leads/_company_results.html",
    "lead-contact": "leads/_contact_choice.html",
    "lead-inbox": "leads/_inbox.html",
}
# What each of them shows: a search keystroke reads no contacts, so logs none.
PARTS = {
    "lead-share": ("companies", "contacts"),
    "company-results": ("companies",),
    "lead-contact": ("contacts",),
    "lead-inbox": ("inbox",),
    None: ("companies", "contacts", "inbox", "shared"),
}
INBOX_STATUSES = ("open", "claimed", "declined", "all")
# The most urgent and oldest first; more than this is a backlog, not a list to read.
INBOX_SHOWN = 50
# The consultant's newest shared leads; every one, as a story, on My leads (web/my_leads.py), a page at a time.
SHARED_SHOWN = 20


class Incomplete(Exception):
    """The share form lacks a choice the application cannot name (which company)."""


def _chosen(values: Any, name: str) -> UUID | None:
    """A company or contact chosen in the share form: an id, or None for none or a new one ("new")."""
    return None if (values.get(name) or "").strip() == "new" else params.form_id(values, name)


def _log(contact_ids) -> None:
    record_people("page", sorted({c for c in contact_ids if c is not None}, key=str))


def _inbox_rows(rows: list[projections.LeadRow], names: dict, projector) -> list[dict[str, Any]]:
    """Inbox rows with who shared them and the suggested contact (personal data: logged)."""
    suggested = projections.contacts_by_id(projector["outreach"], [row["suggested_contact_id"] for row in rows])
    shown = [
        {
            **row,
            "shared_by_name": names.get(row["shared_by"]),
            "claimed_by_name": names.get(row["claimed_by"]),
            "contact": suggested.get(row["suggested_contact_id"]) if row["suggested_contact_id"] else None,
        }
        for row in rows
    ]
    _log(suggested)
    return shown


def _render(form=None, notice: dict | None = None, **extra: Any):
    """The leads page, or the one part of it htmx is swapping; only what is shown is read (and logged)."""
    form = form if form is not None else {}
    target = next((t for t in FRAGMENTS if wants_fragment(t)), None)
    parts = set(PARTS[target]) | ({"inbox", "shared"} if extra.get("oob_shared") else set())
    if not current_user.may("share_lead"):
        parts -= {"companies", "contacts"}
    projector, day = views(), today()
    outreach = projector["outreach"]
    status = params.choice(request.args, "status", INBOX_STATUSES, "open")
    q = params.search_text(request.values, "q")
    chosen_in = form if form.get("company_id") else request.args
    picked = params.filter_text(chosen_in, "company_id")
    picked_id = None if picked == "new" else params.identifier(chosen_in, "company_id")
    found: list[Any] = []
    company_contacts: list[projections.ContactRow] = []
    inbox: list[dict[str, Any]] = []
    shared: list[projections.LeadRow] = []
    inbox_more = 0
    if "companies" in parts:
        found = list(projections.search_companies(outreach, q=q, per_page=8).rows) if q else []
        picked_company = projections.company(outreach, picked_id) if picked_id else None
        if picked_company and all(row["company_id"] != picked_id for row in found):
            found = [picked_company, *found]
    if "contacts" in parts and picked_id:
        company_contacts = projections.contacts_of(outreach, picked_id, current_only=True, order="name")
        _log(c["contact_id"] for c in company_contacts)
    if "inbox" in parts:
        leads, wanted = projector["leads"], None if status == "all" else status
        inbox = _inbox_rows(leads.inbox(day, wanted, limit=INBOX_SHOWN), user_names(), projector)
        inbox_more = max(0, leads.count_inbox(wanted) - INBOX_SHOWN)
    shared_more = 0
    if "shared" in parts:
        shared = projector["leads"].shared_by(current_user.id, day, limit=SHARED_SHOWN)
        if len(shared) == SHARED_SHOWN:
            shared_more = projector["leads"].count_shared_by(current_user.id) - SHARED_SHOWN
    return page_or_fragment(
        "leads/index.html",
        FRAGMENTS[target or "lead-share"],
        target or "lead-share",
        form=form,
        notice=notice or {},
        q=q,
        found=found,
        picked=picked,
        company_contacts=company_contacts,
        inbox=inbox,
        inbox_more=inbox_more,
        inbox_status=status,
        inbox_statuses=[(s, _status_title(s)) for s in INBOX_STATUSES],
        shared=shared,
        shared_more=shared_more,
        may_share=current_user.may("share_lead"),
        may_decide=current_user.may("decide_lead"),
        partners=projections.partner_choices(outreach),
        industries=choices("industry"),
        contact_roles=choices("contact_role"),
        urgencies=choices("urgency"),
        arenas=choices("arena"),
        strategies=choices("strategy"),
        **extra,
    )


def _status_title(status: str) -> str:
    return {"open": _("Open leads"), "claimed": _("Claimed"), "declined": _("Declined"), "all": _("All leads")}[status]


@bp.get("")
def index():
    """Share a lead; the recruiters' inbox; the leads you shared and what came of them."""
    return _render()


@bp.post("")
def share():
    """Share a lead about an existing company or one created on the spot, with a suggested contact."""
    try:
        _share(request.form)
    except Incomplete as problem:
        return _render(request.form, {"kind": "error", "text": str(problem)})
    except CrmError as error:
        return _render(request.form, {"kind": "error", "text": describe(error)})
    message = _("Thank you. The lead is in the recruiters' inbox.")
    if wants_fragment("lead-share"):
        return _render(notice={"kind": "success", "text": message}, oob_shared=True)
    flash(message, "success")
    return redirect(url_for("leads.index"), 303)


def _share(form) -> UUID:
    """One command: a company or contact named on the spot is stored with the lead, or nothing is."""
    picked = form.get("company_id", "")
    new_company = picked == "new" or (not picked and form.get("new_company_name", "").strip())
    if not new_company and _chosen(form, "company_id") is None:
        raise Incomplete(_("Choose the company, or create it with at least its name and industry."))
    contact_choice = form.get("suggested_contact", "")
    new_contact = contact_choice == "new" or (not contact_choice and form.get("contact_name", "").strip())
    return perform(
        crm().share_lead,
        None if new_company else _chosen(form, "company_id"),
        form.get("lead_reason", ""),
        suggested_contact_id=None if new_contact else _chosen(form, "suggested_contact"),
        suggested_role=form.get("suggested_role"),
        urgency=form.get("urgency") or "normal",
        arena=form.get("arena"),
        strategy=form.get("strategy"),
        source_partner_id=params.form_id(form, "source_partner_id", "source_partner"),
        new_company=NewCompany(
            name=form.get("new_company_name", ""),
            industry=form.get("new_company_industry", ""),
            cvr=form.get("new_company_cvr"),
        )
        if new_company
        else None,
        new_contact=NewContact(
            name=form.get("contact_name", ""),
            role=form.get("contact_role") or None,
            phone=form.get("contact_phone"),
            email=form.get("contact_email"),
        )
        if new_contact
        else None,
    )


@bp.post("/<uuid:lead_id>/claim")
def claim(lead_id: UUID):
    """Take a lead on: the company is yours to approach."""
    return _decide(
        lead_id,
        lambda: perform(crm().claim_lead, lead_id),
        _("You claimed the lead. The company is on your list to approach."),
    )


@bp.post("/<uuid:lead_id>/decline")
def decline(lead_id: UUID):
    """Turn a lead down, with the reason the consultant will see."""
    return _decide(
        lead_id,
        lambda: perform(crm().decline_lead, lead_id, reason=request.form.get("reason")),
        _("The lead was declined. The consultant sees your reason."),
    )


def _decide(lead_id: UUID, run, success: str):
    """Claim or decline in place: the inbox row comes back with the outcome."""
    try:
        run()
        notice = {"lead_id": lead_id, "kind": "success", "text": success}
    except CrmError as error:
        notice = {"lead_id": lead_id, "kind": "error", "text": describe(error)}
    target = f"lead-{lead_id}"
    if wants_fragment(target):
        projector = views()
        row = projector["leads"].lead(lead_id, today())
        if row is None:
            abort(404)
        lead = _inbox_rows([row], user_names(), projector)[0]
        return page_or_fragment(
            "leads/index.html",
            "leads/_inbox_row.html",
            target,
            lead=lead,
            notice=notice,
            may_decide=True,
            form=request.form if notice["kind"] == "error" else {},
        )
    if notice["kind"] == "success":
        flash(success, "success")
        return redirect(url_for("leads.index"), 303)
    return _render(notice=notice)


from web import my_leads  # noqa: E402, F401 - Mine tip registers on `bp`
