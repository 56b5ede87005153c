"""The log-attempt form, shared by My day and the company page: what it offers and what it sends."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import format_date

from web import params
from web.labels import choices
from web.workdays import quick_picks


def attempt_values(form: Mapping[str, str]) -> dict[str, Any]:
    """The log-attempt form as keyword arguments of crm.log_attempt; a typed date beats a quick pick."""
    declined = form.get("outcome") == "declined"
    follow_up = "next_follow_up_on" if (form.get("next_follow_up_on") or "").strip() else "next_follow_up"
    return {
        "channel": form.get("channel", ""),
        "outcome": form.get("outcome", ""),
        "note": form.get("note"),
        "contact_id": params.form_id(form, "contact_id", "contact"),
        "next_follow_up": None if declined else params.form_date(form, follow_up, "next_follow_up"),
        "approach_again_after": params.form_date(form, "approach_again_after") if declined else None,
    }


def form_options(day: date) -> dict[str, Any]:
    """What every log-attempt form offers: outcomes, channels and the quick picks as (key, label, iso, shown)."""
    return {
        "outcomes": choices("outcome"),
        "channels": choices("channel"),
        "picks": [
            (key, str(label), pick.isoformat(), format_date(pick, "EEE d. MMM"))
            for key, label, pick in quick_picks(day)
        ],
        "today": day,
    }
