"""The audit area's records: the export for external audit, the access log, and the hash chain.

Routes of the audit blueprint (web/audit.py), read-only behind the "audit" permission.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import Response, request, stream_with_context
from flask_login import current_user

import projections
from crm.access_log import retention_days
from crm.audit.bundle import prove_export
from crm.audit.checkpoint import Signer, trusted_checkpoints
from crm.audit.export import ExportSummary, InvalidRange, export_lines, file_names, record_export_access
from crm.audit.log import chain_head
from crm.audit.verify import Anchor, verify
from web import params
from web.audit import PAGE_SIZE, bp, filter_day, record_shown
from web.rendering import page_or_fragment
from web.services import crm, views
from web.translating import gettext as _


def use_label(use: str) -> str:
    """How the data was used, as the access log screen says it."""
    return {
        "page": _("viewed on a page"),
        "search": _("found by a search"),
        "export": _("exported"),
        "api": _("read through the API"),
        "refused": _("refused access"),
    }.get(use, use)


# --- export ----------------------------------------------------------------------------------------


def signing_key() -> Signer | None:
    """The instance's checkpoint key, once `crm audit key` or a checkpoint has made it."""
    try:
        return Signer.load(create=False)
    except FileNotFoundError:
        return None


def _range(errors: list[str]) -> tuple[date | None, date | None]:
    first, last = filter_day("from", errors), filter_day("to", errors)
    if first and last and last < first:
        errors.append(_("The last day is before the first."))
    return first, last


def _download() -> tuple[ExportSummary, Iterator[bytes]] | Response:
    """The range of a download and its lines, every part checked before the first byte is sent;
    or the 400 that says why."""
    errors: list[str] = []
    first, last = _range(errors)
    summary = ExportSummary(first, last)
    if not errors:
        try:
            return summary, export_lines(crm(), summary)
        except InvalidRange:
            errors.append(params.out_of_window())
    return Response("\n".join(errors), status=400, mimetype="text/plain")


@bp.get("/export")
def export():
    """Choose a date range and download its events as JSON Lines and the manifest."""
    errors: list[str] = []
    first, last = _range(errors)
    chosen = bool(request.args.get("from") or request.args.get("to")) and not errors
    keep = {k: v for k, v in request.args.items() if k in ("from", "to", "purpose") and v and not errors}
    return page_or_fragment(
        "audit/export.html",
        "audit/_export.html",
        "audit-export",
        errors=errors,
        first=first,
        last=last,
        chosen=chosen,
        keep=keep,
        names=file_names(first, last),
    )


@bp.get("/export/events.jsonl")
def export_events():
    """The events of the range as JSON Lines, streamed; every person exported is in the access log."""
    checked = _download()
    if isinstance(checked, Response):
        return checked
    summary, lines = checked
    app, user_id, place = crm(), current_user.id, request.path
    purpose = (request.args.get("purpose") or "").strip() or None

    def streamed() -> Iterator[bytes]:
        try:
            yield from lines
        finally:
            record_export_access(app, user_id, summary, place, purpose=purpose)

    name = file_names(summary.date_from, summary.date_to)[0]
    response = Response(stream_with_context(streamed()), mimetype="application/x-ndjson")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/export/manifest.json")
def export_manifest():
    """The manifest of the same range: count, positions, the links around it, the head, the software version."""
    checked = _download()
    if isinstance(checked, Response):
        return checked
    summary, lines = checked
    for _line in lines:
        pass
    if summary.count:
        signer = signing_key()
        if signer is not None:  # the checkpoint signed now, and the proofs that place the lines under it
            prove_export(crm(), summary, signer)
    names = file_names(summary.date_from, summary.date_to)
    manifest = summary.manifest(names[0], crm().clock.now())
    response = Response(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{names[1]}"'
    return response


# --- the access log --------------------------------------------------------------------------------


@bp.get("/access-log")
def access_log():
    """Who consulted or exported a person's data, when, how and by what criterion; per person or per user."""
    args = request.args
    person_text = params.search_text(args, "person")
    contact_id, user_id = params.identifier(args, "contact"), params.identifier(args, "user")
    before = params.position(args, "before")
    outreach = views()["outreach"]
    found_people: list[projections.FoundContact] = []
    if person_text:
        found_people = projections.contacts_named(outreach, person_text)
        purpose = (args.get("purpose") or "").strip() or None
        record_shown({p["contact_id"] for p in found_people}, "search", criterion=person_text, purpose=purpose)
    person: Any = None
    if contact_id:
        person = projections.contacts_by_id(outreach, [contact_id]).get(contact_id) or {
            "contact_id": contact_id,
            "name": str(contact_id),
            "company_name": None,
        }
        record_shown({contact_id})
    entries = crm().access_log.entries(contact_id=contact_id, user_id=user_id, before_id=before, limit=PAGE_SIZE + 1)
    more = len(entries) > PAGE_SIZE
    entries = entries[:PAGE_SIZE]
    companies_of = projections.contacts_by_id(outreach, {c for e in entries for c in e["contact_ids"]})
    users = views()["users"].all_users()
    user_names = {u["user_id"]: u["display_name"] for u in users}
    return page_or_fragment(
        "audit/access_log.html",
        "audit/_access_log.html",
        "audit-access",
        entries=[
            {
                **e,
                "user_name": user_names.get(e["user_id"], str(e["user_id"])),
                "how": use_label(e["use"]),
                # A row about one person links to them; a page that showed several says how many.
                "person_id": e["contact_ids"][0] if len(e["contact_ids"]) == 1 else None,
                "where": companies_of.get(e["contact_ids"][0]) if len(e["contact_ids"]) == 1 else None,
            }
            for e in entries
        ],
        more=more,
        next_before=entries[-1]["id"] if entries else None,
        person=person,
        person_text=person_text,
        found_people=found_people,
        users=users,
        user_id=user_id,
        keep={k: v for k, v in args.items() if k in ("contact", "user") and v},
        user_name=user_names.get(user_id, str(user_id)) if user_id else None,
        retention_days=retention_days(),
    )


# --- the chain ---------------------------------------------------------------------------------------


@bp.get("/chain")
def chain():
    """The chain's head to write down, and a verification on request (with an anchor written down earlier)."""
    errors: list[str] = []
    anchor_text = (request.args.get("anchor") or "").strip()[:200]
    anchor = None
    if anchor_text:
        try:
            anchor = Anchor.parse(anchor_text)
        except ValueError:
            errors.append(_("An anchor is written POSITION:HASH, the hash with 64 hexadecimal digits."))
    report = None
    if request.args.get("verify") and not errors:
        # Replaying every read model takes minutes on millions of events; the chain alone is fast.
        signer = signing_key()
        stored, bad = trusted_checkpoints(crm(), signer.key) if signer is not None else ([], [])
        report = verify(
            crm(),
            anchor=anchor,
            read_models=projections.verify_projections if request.args.get("replay") else None,
            checkpoints=stored,
            bad_checkpoints=bad,
        )
    read_models = {
        "users": _("Users"),
        "outreach": _("Companies, contacts and attempts"),
        "leads": _("Leads"),
        "agreements": _("Cooperation agreements"),
        "timeline": _("Company timelines"),
        "reports": _("Stages reached, deliveries and commitments for the reports"),
    }
    problems = {
        "edited": _("the stored event was edited"),
        "deleted": _("the stored event was deleted"),
        "inserted": _("an event was inserted behind the application's back"),
        "outside": _("a row lies outside the positions the chain covers, yet the application reads it"),
        "truncated": _("events a checkpoint signed are gone from the end of the log"),
        "diverged": _("the log no longer gives the root a checkpoint signed"),
        "rewritten": _("the stored tree was rewritten"),
    }
    return page_or_fragment(
        "audit/chain.html",
        "audit/_chain.html",
        "audit-chain",
        head=chain_head(crm()),
        report=report,
        anchor_text=anchor_text,
        errors=errors,
        problems=problems,
        read_models=read_models,
        replay=bool(request.args.get("replay")) or not request.args.get("verify"),
    )
