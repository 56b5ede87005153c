"""Parsing and checking of values typed by users; each raises InvalidInput with a field name.

Every value that enters the write side is bounded here, whoever sends it (a form, the
command line, a later API or import): a number within the database column's range and a
sensible domain maximum, a date within a sane window, a text within a length and free of
characters no database stores. A refused value raises before any event is recorded, so
nothing is stored.

The commands (crm/commands/) bound what they are given; the aggregates guard the domain's
own limits that need no calendar (a plan of health checks has a maximum whoever plans it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from crm.errors import InvalidCvr, InvalidInput

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# The largest value an Integer column holds on every supported database (PostgreSQL's int4).
DATABASE_INTEGER_MAX = 2**31 - 1

# Dates: nothing the CRM records happened before the programme's era, and nothing is planned
# further ahead than a few years (a follow-up in 2099 is a typing error).
EARLIEST_DAY = date(2000, 1, 1)
PLANNING_YEARS = 5

# Counts of people: a whole cooperation agreement and one day on site.
MAX_PLANNED = 10_000
MAX_PER_DAY = 1_000

# Lengths of free text, in characters.
NAME_LENGTH = 200
PERSON_NAME_LENGTH = 120
ADDRESS_LENGTH = 300
LABEL_LENGTH = 200
REASON_LENGTH = 500
DESCRIPTION_LENGTH = 1000
NOTE_LENGTH = 2000
MAX_EXTRA_REQUIREMENTS = 20
# Companies reassigned in one go: a page of the company list and then some.
MAX_REASSIGNED = 500

# Control characters (tab and line breaks excepted) and lone surrogates: PostgreSQL refuses
# NUL in text, and a lone surrogate cannot be encoded as UTF-8 for the event store.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def is_valid_cvr(digits: str) -> bool:
    if len(digits) != 8 or not digits.isdigit() or digits[0] == "0":
        return False
    return sum(int(d) * w for d, w in zip(digits, CVR_WEIGHTS, strict=False)) % 11 == 0


def normalise_cvr(value: str | None) -> str | None:
    """8 digits with a valid modulus-11 check, or None for workplaces without a CVR."""
    value = _text_or_none("cvr", value)
    if value is None or not value.strip():
        return None
    if len(value) > 20:
        raise InvalidCvr(value=value[:20] + "…")
    digits = re.sub(r"[\s-]", "", value.strip())
    if digits.upper().startswith("DK"):
        digits = digits[2:]
    if not is_valid_cvr(digits):
        raise InvalidCvr(value=value)
    return digits


def normalise_p_number(value: str) -> str:
    value = _text_or_none("p_number", value) or ""
    digits = re.sub(r"\s", "", value[:40])
    if len(value) > 40 or len(digits) != 10 or not digits.isdigit():
        raise InvalidInput(field="p_number", problem="a P-number has 10 digits")
    return digits


def normalise_phone(value: str | None) -> str | None:
    """Danish numbers become +45 and 8 digits; foreign numbers keep their + prefix."""
    value = _text_or_none("phone", value)
    if value is None or not value.strip():
        return None
    if len(value) > 40:
        raise InvalidInput(field="phone", problem="not a phone number")
    compact = re.sub(r"[\s\-().]", "", value.strip())
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.isdigit() and len(compact) == 8:
        return "+45" + compact
    if compact.startswith("+45") and len(compact) == 11 and compact[1:].isdigit():
        return compact
    if compact.startswith("+") and compact[1:].isdigit() and 8 <= len(compact) - 1 <= 15:
        return compact
    raise InvalidInput(field="phone", problem="not a phone number")


def normalise_email(value: str | None) -> str | None:
    value = _text_or_none("email", value)
    if value is None or not value.strip():
        return None
    address = value.strip()
    # An address has at most 254 characters (RFC 5321); the bound also keeps the pattern's work small.
    if len(address) > 254 or not _EMAIL.match(address) or _UNSTORABLE.search(address):
        raise InvalidInput(field="email", problem="not an e-mail address")
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def required_text(field: str, value: str | None, max_length: int = NAME_LENGTH) -> str:
    text = (_text_or_none(field, value) or "").strip()
    if not text:
        raise InvalidInput(field=field, problem="is required")
    return optional_text(field, text, max_length) or ""


def optional_text(field: str, value: str | None, max_length: int = NOTE_LENGTH) -> str | None:
    text = (_text_or_none(field, value) or "").strip()
    if len(text) > max_length:
        raise InvalidInput(field=field, problem="at most %(limit)s characters", limit=max_length)
    if _UNSTORABLE.search(text):
        raise InvalidInput(field=field, problem="contains a character that cannot be stored")
    return text or None


def storable(value: str | None, max_length: int) -> str | None:
    """Text to be kept whatever it holds (a search criterion in the access log, a requested path):
    truncated, and each character no database stores replaced by U+FFFD, never refused."""
    if not value:
        return None
    return _UNSTORABLE.sub("\ufffd", value[:max_length])


def text_list(field: str, values: Sequence[str] | None, max_items: int, max_length: int) -> list[str]:
    """A short list of required texts (e.g. the municipality's own buy-in requirements)."""
    items = list(values or [])
    if len(items) > max_items:
        raise InvalidInput(field=field, problem="at most %(limit)s items", limit=max_items)
    return [required_text(field, item, max_length) for item in items]


def choice(field: str, value: str | None, allowed: Iterable[str]) -> str:
    options = tuple(allowed)
    if not isinstance(value, str) or value not in options:
        raise InvalidInput(field=field, problem="is not one of the choices")
    return value


def optional_choice(field: str, value: str | None, allowed: Iterable[str]) -> str | None:
    return None if value in (None, "") else choice(field, value, allowed)


def count(field: str, value: int, maximum: int) -> int:
    """A whole number of people or things, from 0 to `maximum` (never beyond the database's integers)."""
    limit = min(maximum, DATABASE_INTEGER_MAX)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= limit:
        raise InvalidInput(field=field, problem="must be a whole number from 0 to %(maximum)s", maximum=limit)
    return value


def optional_version(value: int | None) -> int | None:
    """The version of a record a form was filled from (sent back to detect a concurrent change)."""
    return None if value is None else count("version", value, DATABASE_INTEGER_MAX)


def a_date(field: str, value: date | None) -> date | None:
    """A calendar date (not a moment, not text), or None."""
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise InvalidInput(field=field, problem="is not a date")
    return value


def past_day(field: str, value: date | None, today: date) -> date:
    """The day something happened (today when left out): not before EARLIEST_DAY and not after today."""
    day = a_date(field, value) or today
    if day > today:
        raise InvalidInput(field=field, problem="cannot be in the future")
    not_before(field, day, EARLIEST_DAY)
    return day


def planned_day(field: str, value: date | None, today: date, earliest: date = EARLIEST_DAY) -> date | None:
    """A day something is planned for: not before `earliest` and at most PLANNING_YEARS ahead."""
    day = not_before(field, a_date(field, value), earliest)
    latest = latest_planned_day(today)
    if day is not None and day > latest:
        raise InvalidInput(field=field, problem="cannot be after %(latest)s", latest=latest.isoformat())
    return day


def latest_planned_day(today: date) -> date:
    try:
        return today.replace(year=today.year + PLANNING_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year + PLANNING_YEARS, day=28)


def not_before(field: str, value: date | None, earliest: date) -> date | None:
    day = a_date(field, value)
    if day is not None and day < earliest:
        raise InvalidInput(field=field, problem="cannot be before %(earliest)s", earliest=earliest.isoformat())
    return day


def _text_or_none(field: str, value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InvalidInput(field=field, problem="is not text")
    return value
