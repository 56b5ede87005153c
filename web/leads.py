"""Leads: a consultant shares a company in under a minute; recruiters claim or decline it from their inbox."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from crm.errors import CrmError
from crm.validation import (
    choice,
    normalise_cvr,
    normalise_email,
    normalise_phone,
    optional_choice,
    required_text,
)
from crm.vocabulary import ARENAS, CONTACT_ROLES, INDUSTRIES, STRATEGIES, URGENCIES
from projections.company_list import search_companies
from projections.outreach import OutreachView, companies, contacts, partners
from web.labels import choices
from web.messages import describe
from web.rendering import page_or_fragment, wants_fragment
from web.services import crm, perform, today, views

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


class Incomplete(Exception):
    """The share form lacks a choice the application cannot name (which company)."""


def people(view: OutreachView, contact_ids: set | None = None, company_id: UUID | None = None) -> dict[UUID, dict]:
    """Contacts by id: the named ones, or a company's current contacts."""
    query = select(contacts.c.contact_id, contacts.c.name, contacts.c.role, contacts.c.phone, contacts.c.email)
    if company_id is not None:
        query = query.where(contacts.c.company_id == company_id, contacts.c.archived.is_(False))
    else:
        query = query.where(contacts.c.contact_id.in_([c for c in contact_ids or () if c is not None]))
    with view.transaction(commit=False) as session:
        return {row.contact_id: dict(row._mapping) for row in session.execute(query.order_by(contacts.c.search_name))}


def partner_names(view: OutreachView) -> dict[UUID, str]:
    with view.transaction(commit=False) as session:
        return dict(session.execute(select(partners.c.partner_id, partners.c.name).order_by(partners.c.name)).all())


def _uuid(text: str | None) -> UUID | None:
    try:
        return UUID(text) if text else None
    except ValueError:
        return None


def _log(contact_ids) -> None:
    shown = sorted({c for c in contact_ids if c is not None})
    if shown:
        crm().access_log.record(current_user.id, "page", shown, place=request.path)


def _inbox_rows(rows: list[dict[str, Any]], names: dict, projector) -> list[dict[str, Any]]:
    """Inbox rows with who shared them and the suggested contact (personal data: logged)."""
    suggested = people(projector["outreach"], {row["suggested_contact_id"] for row in rows})
    for row in rows:
        row["shared_by_name"] = names.get(row["shared_by"])
        row["claimed_by_name"] = names.get(row["claimed_by"])
        row["contact"] = suggested.get(row["suggested_contact_id"])
    _log(suggested)
    return rows


def _render(form=None, notice: dict | None = None, **extra: Any):
    """The leads page, or the one part of it htmx is swapping; only what is shown is read (and logged)."""
    form = form if form is not None else {}
    target = next((t for t in FRAGMENTS if wants_fragment(t)), None)
    parts = set(PARTS[target]) | ({"inbox", "shared"} if extra.get("oob_shared") else set())
    if not current_user.may("share_lead"):
        parts -= {"companies", "contacts"}
    projector, day = views(), today()
    outreach = projector["outreach"]
    status = request.args.get("status") if request.args.get("status") in INBOX_STATUSES else "open"
    q = (request.values.get("q") or "").strip()
    picked = form.get("company_id") or request.args.get("company_id") or ""
    picked_id = _uuid(picked)
    found, company_contacts, inbox, shared, inbox_more = [], [], [], [], 0
    if "companies" in parts:
        found = search_companies(outreach, q=q, per_page=8).rows if q else []
        if picked_id and all(row["company_id"] != picked_id for row in found):
            found = _picked_company(outreach, picked_id) + found
    if "contacts" in parts and picked_id:
        company_contacts = list(people(outreach, company_id=picked_id).values())
        _log(c["contact_id"] for c in company_contacts)
    if "inbox" in parts:
        waiting = projector["leads"].inbox(day, None if status == "all" else status)
        inbox_more = max(0, len(waiting) - INBOX_SHOWN)
        inbox = _inbox_rows(waiting[:INBOX_SHOWN], projector["users"].names(), projector)
    if "shared" in parts:
        shared = projector["leads"].shared_by(current_user.id, day)
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
        may_share=current_user.may("share_lead"),
        may_decide=current_user.may("decide_lead"),
        partners=partner_names(outreach),
        industries=choices("industry"),
        contact_roles=choices("contact_role"),
        urgencies=choices("urgency"),
        arenas=choices("arena"),
        strategies=choices("strategy"),
        **extra,
    )


def _picked_company(view: OutreachView, company_id: UUID) -> list[dict[str, Any]]:
    with view.transaction(commit=False) as session:
        row = session.execute(
            select(companies.c.company_id, companies.c.name, companies.c.cvr, companies.c.stage).where(
                companies.c.company_id == company_id
            )
        ).first()
    return [dict(row._mapping)] if row else []


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
    """Check every field first, so bad input creates nothing; then the company, the contact and the lead."""
    lead = {
        "lead_reason": required_text("lead_reason", form.get("lead_reason"), 1000),
        "suggested_role": optional_choice("suggested_role", form.get("suggested_role"), CONTACT_ROLES),
        "urgency": choice("urgency", form.get("urgency") or "normal", URGENCIES),
        "arena": optional_choice("arena", form.get("arena"), ARENAS),
        "strategy": optional_choice("strategy", form.get("strategy"), STRATEGIES),
        "source_partner_id": _uuid(form.get("source_partner_id")),
    }
    picked = form.get("company_id", "")
    new_company = picked == "new" or (not picked and form.get("new_company_name", "").strip())
    if new_company:
        company = {
            "name": required_text("name", form.get("new_company_name")),
            "cvr": normalise_cvr(form.get("new_company_cvr")),
            "industry": choice("industry", form.get("new_company_industry"), INDUSTRIES),
        }
    elif _uuid(picked) is None:
        raise Incomplete(_("Choose the company, or create it with at least its name and industry."))
    contact_choice = form.get("suggested_contact", "")
    new_contact = contact_choice == "new" or (not contact_choice and form.get("contact_name", "").strip())
    if new_contact:
        contact = {
            "name": required_text("name", form.get("contact_name"), 120),
            "role": choice("role", form.get("contact_role") or lead["suggested_role"] or "other", CONTACT_ROLES),
            "phone": normalise_phone(form.get("contact_phone")),
            "email": normalise_email(form.get("contact_email")),
        }
    company_id = (
        perform(
            crm().register_company,
            **company,
            arena=lead["arena"],
            strategy=lead["strategy"],
            source_partner_id=lead["source_partner_id"],
        )
        if new_company
        else _uuid(picked)
    )
    contact_id = perform(crm().register_contact, company_id, **contact) if new_contact else _uuid(contact_choice)
    return perform(crm().share_lead, company_id, suggested_contact_id=contact_id, **lead)


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
        lead = _inbox_rows([row], projector["users"].names(), projector)[0]
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
