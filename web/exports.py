"""Every list screen as a spreadsheet (CSV or XLSX), with the screen's own filters and Danish headers.

A list that names people (a lead's suggested contact, a commitment's owner, a requirement's
sponsor) is personal data leaving the system: the access log records the export and whom it named.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from flask import Blueprint, abort, request
from flask_login import current_user

import projections
from web import params
from web.agreements import STATUS_FILTERS, commitment_rows, requirement_title
from web.companies import list_query
from web.labels import label
from web.leads import INBOX_STATUSES
from web.pipeline import board_filters
from web.services import crm, today, user_names, views
from web.sheets import FORMATS, MAX_ROWS, send_table
from web.translating import gettext as _

bp = Blueprint("exports", __name__, url_prefix="/export")

FORMAT = "<fmt>"


@bp.before_request
def known_format() -> None:
    if (request.view_args or {}).get("fmt") not in FORMATS:
        abort(404)


def _log_export(contact_ids: Iterable[UUID | None]) -> None:
    """Record an export that names people, with its purpose; without a purpose it is refused (before its
    first byte): the form asks for one, and the logging rules want it for every such export."""
    named = sorted({c for c in contact_ids if c is not None})
    if named:
        purpose = (request.args.get("purpose") or "").strip()
        if not purpose:
            raise params.BadParameter(_("Say what the list is for: it names people, so the purpose is recorded."))
        crm().access_log.record(current_user.id, "export", named, place=request.full_path, purpose=purpose)


@bp.get(f"/companies.{FORMAT}")
def companies(fmt: str):
    """The company list with the search and filters applied, every page of it."""
    query = list_query()
    names = user_names()
    result = projections.search_companies(
        views()["outreach"],
        query["q"],
        query["sort"],
        query["dir"] == "desc",
        1,
        MAX_ROWS,
        stage=query["stage"],
        owner_id=params.identifier(request.args, "owner"),
        industry=query["industry"],
        arena=query["arena"],
    )
    headers = [
        _("Company"),
        _("CVR no."),
        _("Industry"),
        _("Stage"),
        _("Owner"),
        _("Arena"),
        _("Next follow-up"),
        _("Last attempt"),
        _("Last outcome"),
        _("Attempts in round"),
    ]
    rows = (
        [
            r["name"],
            r["cvr"],
            label("industry", r["industry"]),
            label("stage", r["stage"]),
            names.get(r["owner_id"]),
            label("arena", r["arena"]),
            r["next_follow_up"],
            r["last_attempt_on"],
            label("outcome", r["last_outcome"]),
            r["attempts_in_round"],
        ]
        for r in result.rows
    )
    return send_table("virksomheder", fmt, headers, rows, _("Companies"))


@bp.get(f"/pipeline.{FORMAT}")
def pipeline(fmt: str):
    """The pipeline board with its filters: every company, stage by stage."""
    names = user_names()
    board = projections.board(views()["outreach"], today(), per_stage=MAX_ROWS, **board_filters())
    headers = [_("Stage"), _("Company"), _("Owner"), _("Days in stage"), _("Next follow-up"), _("Last outcome")]
    rows = (
        [
            label("stage", stage),
            card["name"],
            names.get(card["owner_id"]),
            card["days_in_stage"],
            card["next_follow_up"],
            label("outcome", card["last_outcome"]),
        ]
        for stage, column in board.items()
        for card in column["companies"]
    )
    return send_table("pipeline", fmt, headers, rows, _("Pipeline"))


SECTION_TITLES = {
    "overdue": "Overdue follow-ups",
    "due_today": "Due today",
    "no_next_step": "In outreach with no next step",
    "reapproach": "May be approached again",
}


@bp.get(f"/my-day.{FORMAT}")
def my_day(fmt: str):
    """The signed-in user's queue, every section in full."""
    sections = projections.my_day(views()["outreach"], current_user.id, today(), limit=MAX_ROWS)
    headers = [
        _("Section"),
        _("Company"),
        _("Stage"),
        _("Next follow-up"),
        _("Days overdue"),
        _("Last attempt"),
        _("Last outcome"),
        _("Attempts in round"),
        _("Approach again after"),
    ]
    rows = (
        [
            _(SECTION_TITLES[name]),
            r["name"],
            label("stage", r["stage"]),
            r["next_follow_up"],
            r["days_overdue"],
            r["last_attempt_on"],
            label("outcome", r["last_outcome"]),
            r["attempts_in_round"],
            r["approach_again_after"],
        ]
        for name, section in sections.items()
        for r in section
    )
    return send_table("min-dag", fmt, headers, rows, _("My day"))


@bp.get(f"/leads.{FORMAT}")
def leads(fmt: str):
    """The leads inbox with its status filter; the suggested contact is a person, so the export is logged."""
    status = params.choice(request.args, "status", INBOX_STATUSES, "open")
    projector, day = views(), today()
    found = projector["leads"].inbox(day, None if status == "all" else status, limit=MAX_ROWS)
    people = projections.contacts_by_id(projector["outreach"], [r["suggested_contact_id"] for r in found])
    names = user_names()
    _log_export(people)
    headers = [
        _("Company"),
        _("Shared by"),
        _("Shared on"),
        _("Urgency"),
        _("Why"),
        _("Suggested contact"),
        _("Suggested contact role"),
        _("Status"),
        _("Claimed by"),
        _("Decline reason"),
    ]
    rows = []
    for r in found:
        person = people.get(r["suggested_contact_id"]) if r["suggested_contact_id"] else None
        rows.append(
            [
                r["company_name"],
                names.get(r["shared_by"]),
                r["shared_on"],
                label("urgency", r["urgency"]),
                r["lead_reason"],
                person["name"] if person else None,
                label("contact_role", r["suggested_role"]),
                label("lead_status", r["status"]),
                names.get(r["claimed_by"]),
                r["decline_reason"],
            ]
        )
    return send_table("leads", fmt, headers, rows, _("Leads"))


@bp.get(f"/buy-in.{FORMAT}")
def buy_in(fmt: str):
    """The buy-in tracker: one row per requirement of every agreement in negotiation."""
    projector = views()
    names = user_names()
    tracker = projector["agreements"].buy_in_tracker()
    _log_export(r["contact_id"] for a in tracker for r in a["requirements"])
    headers = [_("Company"), _("Requirement"), _("Met"), _("Confirmed by"), _("Confirmed on"), _("Contact")]
    rows = (
        [
            a["company_name"],
            requirement_title(r),
            r["met"],
            names.get(r["confirmed_by"]),
            r["confirmed_on"],
            r["contact_name"],
        ]
        for a in tracker
        for r in a["requirements"]
    )
    return send_table("buy-in", fmt, headers, rows, _("Buy-in"))


@bp.get(f"/commitments.{FORMAT}")
def commitments(fmt: str):
    """The commitment tracker with its status, kind and terminated filters."""
    status = params.choice(request.args, "status", STATUS_FILTERS)
    kind = params.filter_text(request.args, "kind")
    show_terminated = params.choice(request.args, "terminated", ("show",)) == "show"
    found, _hidden = commitment_rows(today(), status, kind, show_terminated)
    _log_export(c["owner_contact_id"] for c in found)
    headers = [_("Company"), _("Commitment"), _("Description"), _("Responsible"), _("Due"), _("Status")]
    rows = (
        [
            c["company_name"],
            label("commitment_kind", c["kind"]),
            c["description"],
            c["owner_name"],
            c["due_on"],
            label("commitment_status", c["status"]),
        ]
        for c in found
    )
    return send_table("tilsagn", fmt, headers, rows, _("Commitments"))
