"""The access log from the screens: one row per page view, listing the people it showed.

A full page records everyone it shows and remembers them (in the session, by a short
prefix of each id) for that page; an htmx fragment of the same page (the next page of
events, a filter, a row swapped in) records only the people the page had not shown yet.
Before, every fragment wrote a row per person again: one visit to the event log wrote
about seventeen rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit
from uuid import UUID

from flask import request, session
from flask_login import current_user

from web.extensions import htmx
from web.services import crm

SHOWN = "access_shown"
# Enough for a page of events or a day's queue; the cookie stays small (13 characters a person).
REMEMBERED = 150


def _short(contact_id: UUID) -> str:
    # 48 bits: telling apart the people of one page, not identifying anyone.
    return contact_id.hex[:12]


def _is_fragment() -> bool:
    return bool(htmx and not htmx.boosted and not htmx.history_restore_request)


def record_people(
    use: str,
    contact_ids: Iterable[UUID | None],
    criterion: str | None = None,
    purpose: str | None = None,
    even_nobody: bool = False,
    place: str | None = None,
) -> None:
    """Record this request's use of the people shown: once per page view (see the module's docstring).

    `even_nobody`: record the use although it showed nobody (a search that found no one). `place`: where,
    when not the request's path (a page of a list that must not count as a visit to its first page).
    """
    people = list(dict.fromkeys(c for c in contact_ids if c is not None))
    remembered = session.get(SHOWN) or {}
    page = urlsplit(request.headers.get("HX-Current-URL", "")).path
    if _is_fragment() and remembered.get("page") == page:
        known = set(remembered.get("ids", []))
        people = [c for c in people if _short(c) not in known]
        if people:
            session[SHOWN] = {"page": page, "ids": [*remembered["ids"], *map(_short, people)][-REMEMBERED:]}
    elif not _is_fragment():
        session[SHOWN] = {"page": request.path, "ids": [_short(c) for c in people][-REMEMBERED:]}
    if people or even_nobody:
        crm().access_log.record(
            current_user.id, use, people, criterion=criterion, place=place or request.path, purpose=purpose
        )
