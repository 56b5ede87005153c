"""iCalendar files (RFC 5545) built with the `icalendar` library: all-day events with stable UIDs.

A UID names what the event is about (a company's follow-up, an agreement's one-month follow-up,
a commitment's due date), never the date: when the date moves, Outlook, Google Calendar and
Thunderbird move the event they already have instead of adding a second.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import Response
from icalendar import Calendar, Event

UID_DOMAIN = "workplace-crm"


@dataclass(frozen=True)
class Entry:
    uid: str
    day: date
    summary: str
    url: str
    description: str = ""


def calendar_bytes(entries: Iterable[Entry], name: str, now: datetime | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//workplace-crm//DA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    for entry in entries:
        event = Event()
        event.add("uid", f"{entry.uid}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.day)  # a date, not a moment: an all-day event
        event.add("dtend", entry.day + timedelta(days=1))
        event.add("summary", entry.summary)
        event.add("url", entry.url)
        event.add("description", "\n".join(filter(None, (entry.description, entry.url))))
        event.add("transp", "TRANSPARENT")  # a reminder, not a busy block
        calendar.add_component(event)
    return calendar.to_ical()


def send_calendar(entries: Iterable[Entry], name: str, filename: str | None = None) -> Response:
    response = Response(calendar_bytes(entries, name), content_type="text/calendar; charset=utf-8")
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
