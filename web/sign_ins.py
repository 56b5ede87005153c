"""The sign-in log screen: sign-ins, failures, refusals, lock-outs, sign-outs, password changes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from crm.permissions import SYSTEM_ACTOR_ID
from crm.sign_in import log
from web.rendering import page_or_fragment
from web.services import crm, user_names
from web.translating import lazy_gettext as _l

bp = Blueprint("sign_ins", __name__, url_prefix="/sign-ins")

PAGE_SIZE = 100
EVENT_LABELS = {
    log.SIGNED_IN: _l("Signed in"),
    log.FAILED: _l("Wrong username or password"),
    log.LOCKED_OUT: _l("Locked out"),
    log.REFUSED: _l("Refused while locked"),
    log.SIGNED_OUT: _l("Signed out"),
    log.PASSWORD_CHANGED: _l("Password changed"),
}
DETAIL_LABELS = {"account": _l("the account"), "address": _l("the address")}


def _before() -> int | None:
    text = request.args.get("before", "")
    # Row ids fit a 63-bit integer; anything else is no page at all.
    return int(text) if text.isdigit() and len(text) <= 18 else None


@bp.get("/")
def index():
    """The sign-in log, newest first, filtered by the name tried or the kind of event."""
    name = log.name_tried(request.args.get("name"))
    event = request.args.get("event") if request.args.get("event") in EVENT_LABELS else None
    entries = crm().sign_in_log.entries(username=name or None, event=event, before_id=_before(), limit=PAGE_SIZE + 1)
    more = len(entries) > PAGE_SIZE
    entries = entries[:PAGE_SIZE]
    names = _user_names({e["actor_id"] for e in entries if e["actor_id"]})
    keep = {k: v for k, v in (("name", name), ("event", event)) if v}
    return page_or_fragment(
        "sign_ins/index.html",
        "sign_ins/_entries.html",
        "sign-in-log",
        entries=[_row(e, names) for e in entries],
        more=more,
        next_before=entries[-1]["id"] if entries else None,
        name=name,
        event=event,
        events=list(EVENT_LABELS.items()),
        keep=keep,
    )


def _row(entry: dict[str, Any], names: dict[Any, str]) -> dict[str, Any]:
    detail = DETAIL_LABELS.get(entry["detail"] or "")
    by = None
    if entry["event"] == log.PASSWORD_CHANGED and entry["actor_id"] not in (None, entry["user_id"]):
        by = names.get(entry["actor_id"], str(entry["actor_id"]))
    return {**entry, "what": EVENT_LABELS.get(entry["event"], entry["event"]), "detail_label": detail, "by": by}


def _user_names(user_ids: set[Any]) -> dict[Any, str]:
    if not user_ids - {SYSTEM_ACTOR_ID}:
        return {SYSTEM_ACTOR_ID: str(_l("the command line"))}
    return {**user_names(), SYSTEM_ACTOR_ID: str(_l("the command line"))}
