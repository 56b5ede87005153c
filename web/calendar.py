"""Calendars: each user's private feed of follow-ups and agreement dates, and one follow-up as an .ics file.

The feed is read by calendar programs without signing in: its secret address is the key
(crm/calendar_feeds.py). Renewing it makes a new address and stops the old one.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_login import current_user

import projections
from web.ics import Entry, send_calendar
from web.labels import label
from web.rendering import page_or_fragment
from web.services import crm, today, views
from web.translating import gettext as _
from web.workdays import one_month_after

bp = Blueprint("calendar", __name__, url_prefix="/calendar")

# A feed looks back a little (yesterday's follow-up not yet logged stays visible), not over years.
LOOK_BACK_DAYS = 30


def feed_url(token: str) -> str:
    return url_for("calendar.feed", token=token, _external=True)


def company_url(company_id: UUID) -> str:
    return url_for("companies.show", company_id=company_id, _external=True)


def entries_for(user_id: UUID) -> list[Entry]:
    dates = projections.calendar_dates(views()["outreach"], user_id, today() - timedelta(days=LOOK_BACK_DAYS))
    found = [
        Entry(
            f"follow-up-{row['company_id']}",
            row["day"],
            _("Follow-up: %(name)s", name=row["name"]),
            company_url(row["company_id"]),
        )
        for row in dates["follow_ups"]
    ]
    found += [
        Entry(
            f"one-month-{row['agreement_id']}",
            one_month_after(row["feedback_on"]),
            _("One-month follow-up: %(name)s", name=row["name"]),
            company_url(row["company_id"]),
        )
        for row in dates["feedback"]
    ]
    found += [
        Entry(
            f"commitment-{row['agreement_id']}-{row['commitment_id']}",
            row["day"],
            _("Commitment due: %(kind)s, %(name)s", kind=label("commitment_kind", row["kind"]), name=row["name"]),
            company_url(row["company_id"]),
            row["description"],
        )
        for row in dates["commitments"]
    ]
    return sorted(found, key=lambda entry: (entry.day, entry.uid))


@bp.get("")
def index():
    """The user's feed address, to paste into Outlook, Google Calendar or Thunderbird; renew or stop it."""
    token = crm().calendar_feeds.token_of(current_user.id)
    return page_or_fragment(
        "calendar/index.html", "calendar/index.html", "calendar", url=feed_url(token) if token else None
    )


@bp.post("/renew")
def renew():
    """A new secret address; the old one stops working."""
    crm().calendar_feeds.renew(current_user.id)
    flash(_("Your calendar has a new address. Calendars using the old one no longer receive updates."), "success")
    return redirect(url_for(".index"), 303)


@bp.post("/revoke")
def revoke():
    """Stop the feed: no address works until a new one is made."""
    crm().calendar_feeds.revoke(current_user.id)
    flash(_("Your calendar feed is stopped."), "success")
    return redirect(url_for(".index"), 303)


@bp.get("/feed/<token>.ics")
def feed(token: str):
    """The feed itself: no sign-in, the secret address is the key; a disabled user's feed is gone."""
    user_id = crm().calendar_feeds.user_for(token)
    user = views()["users"].user(user_id) if user_id else None
    if user_id is None or user is None or not user["active"]:
        abort(404)
    current_app.logger.info("calendar feed read for user %s", user_id)
    return send_calendar(entries_for(user_id), _("Workplace CRM: %(name)s", name=user["display_name"]))


@bp.get("/follow-up/<uuid:company_id>.ics")
def follow_up(company_id: UUID):
    """One company's next follow-up (a call, a booked meeting) as a file to open in a calendar."""
    company = projections.company(views()["outreach"], company_id)
    if company is None or company["next_follow_up"] is None:
        abort(404)
    entry = Entry(
        f"follow-up-{company_id}",
        company["next_follow_up"],
        _("Follow-up: %(name)s", name=company["name"]),
        company_url(company_id),
    )
    return send_calendar([entry], company["name"], filename="opfoelgning.ics")
