"""The log-attempt form, shared by My day, call mode and the company page: what it offers and what it sends."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

from crm.errors import InvalidInput
from web import params
from web.labels import choices
from web.services import crm
from web.translating import format_date
from web.workdays import quick_picks

# The quick pick that says, on purpose, that nothing is planned.
NO_NEXT_STEP = "none"
# The keys of call mode: the outcomes by number, the follow-up picks on the row below (web/static/call_mode.js).
OUTCOME_KEYS = "123456"
PICK_KEYS = {
    "tomorrow": "a",
    "in_2_days": "s",
    "next_week": "d",
    "in_2_weeks": "f",
    "in_a_month": "g",
    NO_NEXT_STEP: "x",
}
# What an attempt is counted under in the evaluation, taken from the lead it answers or else the company.
CLASSIFICATION = ("arena", "strategy", "source_partner_id")


def _next_follow_up(form: Mapping[str, str]) -> date | None:
    """A typed date beats a quick pick; no pick at all is refused: "no next step" is chosen, not fallen into."""
    if (form.get("next_follow_up_on") or "").strip():
        return params.form_date(form, "next_follow_up_on", "next_follow_up")
    pick = (form.get("next_follow_up") or "").strip()
    if pick == NO_NEXT_STEP:
        return None
    if not pick and form.get("outcome"):
        raise InvalidInput(field="next_follow_up", problem="choose the next step, or no next step")
    return params.form_date(form, "next_follow_up")


def attempt_values(form: Mapping[str, str], answered_lead: UUID | None = None) -> dict[str, Any]:
    """The log-attempt form as keyword arguments of crm.log_attempt; an attempt on a company with an open
    lead answers it (`answered_lead`, unless the form names the lead itself)."""
    declined = form.get("outcome") == "declined"
    return {
        "channel": form.get("channel", ""),
        "outcome": form.get("outcome", ""),
        "note": form.get("note"),
        "contact_id": params.form_id(form, "contact_id", "contact"),
        "next_follow_up": None if declined else _next_follow_up(form),
        "approach_again_after": params.form_date(form, "approach_again_after") if declined else None,
        "lead_id": params.form_id(form, "lead_id", "lead") or answered_lead,
        "arena": (form.get("arena") or "").strip() or None,
        "strategy": (form.get("strategy") or "").strip() or None,
        "source_partner_id": params.form_id(form, "source_partner_id", "source_partner"),
    }


def classification(company: Mapping[str, Any] | None, lead: Mapping[str, Any] | None) -> dict[str, str]:
    """The defaults for arena, strategy and source partner: the lead's where it names them, else the company's."""
    found: dict[str, str] = {}
    for field in CLASSIFICATION:
        value = (lead or {}).get(field) or (company or {}).get(field)
        found[field] = str(value) if value else ""
    return found


def form_options(day: date, partners: list[tuple[UUID, str]] | None = None) -> dict[str, Any]:
    """What every log-attempt form offers: outcomes, channels, the quick picks as (key, label, iso, shown),
    the default pick of each outcome, arenas, strategies and the channel partners."""
    # The follow-up each outcome picks, so a next step is there by default: the project lead's rules
    # (crm/outreach_rules.py). A declined company gets a date to approach again instead.
    defaults = crm().outreach_rules()["default_follow_up"]
    picks = [
        (key, str(label), pick.isoformat(), format_date(pick, "EEE d. MMM")) for key, label, pick in quick_picks(day)
    ]
    iso = {key: value for key, _, value, _ in picks} | {NO_NEXT_STEP: NO_NEXT_STEP}
    return {
        "outcomes": choices("outcome"),
        "channels": choices("channel"),
        "picks": picks,
        "default_picks": {outcome: iso[key] for outcome, key in defaults.items() if key in iso},
        "no_next_step": NO_NEXT_STEP,
        "outcome_keys": OUTCOME_KEYS,
        "pick_keys": PICK_KEYS,
        "arenas": choices("arena"),
        "strategies": choices("strategy"),
        "partners": partners or [],
        "today": day,
    }
