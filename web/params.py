"""The screens' input, parsed in one place: query parameters and form values.

Two kinds of input get two answers:

- What a link or a control of a page sends (a page number, a position in a
  list, an id in a link, a filter's date, a search text, a hidden version): a
  value no page would send raises `BadParameter`, which the application answers
  400 with the reason in the user's language (never 500). A screen that shows
  its filter's problems beside the filter catches it and shows its message.
- What a person types into a form that runs a command (a date, a count, a
  choice of person): `InvalidInput`, which the view shows in the form like any
  other refusal of the write side.

Every value is bounded here: numbers to what the database columns and a list
can hold, days to a window the calendar arithmetic cannot overflow, text to a
length (and without NUL, which PostgreSQL refuses in text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from uuid import UUID

from werkzeug.exceptions import BadRequest

from crm.clock import COPENHAGEN
from crm.errors import InvalidInput
from projections import MAX_PAGE, SEARCH_MAX
from web.translating import gettext as _

# The days a filter or a form may name: wide enough for any history, narrow enough that a day's
# start, end and neighbours exist in every time zone and database.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2199, 12, 31)
# A position in the event log or a timeline: PostgreSQL's BIGINT.
MAX_POSITION = 2**63 - 1
# A version sent back by a form (an aggregate's version counts its events).
MAX_VERSION = 2**31 - 1
# Longer values are not shown back in a message.
SHOWN = 40

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DIGITS = re.compile(r"[0-9]+")

Values = Mapping[str, str]


class BadParameter(BadRequest):
    """A query parameter or hidden field no page sends: answered 400 with `description`, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(description=message)


def shown(text: str) -> str:
    """A value as a message repeats it: cut short, so a megabyte is not sent back."""
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def _text(values: Values, name: str) -> str:
    text = (values.get(name) or "").strip()
    if "\x00" in text:
        raise BadParameter(_("The request contains a character that cannot be used."))
    return text


def _whole_number(text: str, least: int, most: int) -> int:
    if not _INTEGER.fullmatch(text) or len(text.lstrip("+-").lstrip("0")) > len(str(most)):
        raise ValueError(text)
    value = int(text)
    if not least <= value <= most:
        raise ValueError(text)
    return value


# --- what links and controls send: 400 when no page would send it -------------------------------


def page_number(values: Values, name: str = "page") -> int:
    """A page of a list, from 1; a value that is no number at all (an old or hand-typed link) gives the first page."""
    text = _text(values, name)
    if not _INTEGER.fullmatch(text):
        return 1
    try:
        return _whole_number(text, 1, MAX_PAGE)
    except ValueError:
        raise BadParameter(_("Pages are numbered from 1 to %(most)s.", most=MAX_PAGE)) from None


def position(values: Values, name: str) -> int | None:
    """A position in a list (the event log, a timeline), or None when not given."""
    text = _text(values, name)
    if not text:
        return None
    try:
        return _whole_number(text, 0, MAX_POSITION)
    except ValueError:
        raise BadParameter(
            _("%(value)s is not a position in the list (a whole number of 0 or more).", value=shown(text))
        ) from None


def whole_number(values: Values, name: str, least: int, most: int) -> int | None:
    """A whole number within [least, most], or None when not given."""
    text = _text(values, name)
    if not text:
        return None
    try:
        return _whole_number(text, least, most)
    except ValueError:
        raise BadParameter(
            _("%(value)s is not a whole number from %(least)s to %(most)s.", value=shown(text), least=least, most=most)
        ) from None


def identifier(values: Values, name: str) -> UUID | None:
    """An id from a link or a list of choices, or None when not given."""
    text = _text(values, name)
    if not text:
        return None
    try:
        return UUID(text[:64])
    except ValueError:
        raise BadParameter(_("%(value)s is not an id.", value=shown(text))) from None


def day(values: Values, name: str) -> date | None:
    """A calendar day written 2026-03-02, within the window, or None when not given."""
    text = _text(values, name)
    if not text:
        return None
    try:
        found = date.fromisoformat(text[:32])
    except ValueError:
        raise BadParameter(_("%(value)s is not a date (write it as 2026-03-02).", value=shown(text))) from None
    return _in_window(found)


def moment(values: Values, name: str) -> datetime | None:
    """A date and time written 2026-03-02T14:30, as Danish time, or None when not given."""
    text = _text(values, name)
    if not text:
        return None
    try:
        found = datetime.fromisoformat(text[:40])
    except ValueError:
        raise BadParameter(_("%(value)s is not a date and time.", value=shown(text))) from None
    _in_window(found.date())
    return found.replace(tzinfo=COPENHAGEN)


def out_of_window() -> str:
    """What is said of a day outside the window."""
    return _("Choose a day from %(first)s to %(last)s.", first=EARLIEST_DAY.isoformat(), last=LATEST_DAY.isoformat())


def _in_window(found: date) -> date:
    if not EARLIEST_DAY <= found <= LATEST_DAY:
        raise BadParameter(out_of_window())
    return found


def search_text(values: Values, name: str = "q") -> str:
    """A search text, at most SEARCH_MAX characters."""
    text = _text(values, name)
    if len(text) > SEARCH_MAX:
        raise BadParameter(_("A search can be at most %(limit)s characters long.", limit=SEARCH_MAX))
    return text


def choice(values: Values, name: str, allowed: Iterable[str], default: str = "") -> str:
    """One of the allowed values (a sort key, a tab, a filter); anything else gives the default, as a stale
    link would."""
    text = _text(values, name)
    return text if text in tuple(allowed) else default


def filter_text(values: Values, name: str, limit: int = 64) -> str:
    """A filter's slug (industry, arena, ...): unknown ones simply match nothing, over-long ones are refused."""
    text = _text(values, name)
    if len(text) > limit:
        raise BadParameter(_("The request contains a value no page sends."))
    return text


def version(values: Values, name: str = "expected_version", required: bool = False) -> int | None:
    """The version a form was rendered at (hidden), or None when the form sends none (unless required)."""
    text = _text(values, name)
    if not text and not required:
        return None
    try:
        return _whole_number(text, -1, MAX_VERSION)
    except ValueError:
        raise BadParameter(_("The request contains a value no page sends.")) from None


# --- what people type into forms that run commands: InvalidInput, shown in the form ----------------


def form_date(values: Values, name: str, field: str | None = None) -> date | None:
    """A date typed into a form (None when left empty); `field` names it in the message (default: `name`)."""
    text = (values.get(name) or "").strip()
    if not text:
        return None
    try:
        found = date.fromisoformat(text[:32])
    except ValueError:
        raise InvalidInput(field=field or name, problem="is not a date") from None
    if not EARLIEST_DAY <= found <= LATEST_DAY:
        raise InvalidInput(
            field=field or name,
            problem="must be from %(earliest)s to %(latest)s",
            earliest=EARLIEST_DAY.isoformat(),
            latest=LATEST_DAY.isoformat(),
        )
    return found


def form_id(values: Values, name: str, field: str | None = None) -> UUID | None:
    """A choice from a list of people, partners or companies (None when none is chosen)."""
    text = (values.get(name) or "").strip()
    if not text:
        return None
    try:
        return UUID(text[:64])
    except ValueError:
        raise InvalidInput(field=field or name, problem="is not one of the choices") from None


def form_count(values: Values, name: str, field: str | None = None) -> int:
    """A count typed into a form (0 when left empty); the command decides how large it may be."""
    text = (values.get(name) or "").strip()
    if not text:
        return 0
    if not _DIGITS.fullmatch(text) or len(text) > 4000:  # beyond that, Python refuses to convert it
        raise InvalidInput(field=field or name, problem="must be a whole number of 0 or more")
    return int(text)
