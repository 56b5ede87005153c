"""Parsing and checking of values typed by users; each raises InvalidInput with a field name."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from crm.errors import InvalidCvr, InvalidInput

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_valid_cvr(digits: str) -> bool:
    if len(digits) != 8 or not digits.isdigit() or digits[0] == "0":
        return False
    return sum(int(d) * w for d, w in zip(digits, CVR_WEIGHTS, strict=False)) % 11 == 0


def normalise_cvr(value: str | None) -> str | None:
    """8 digits with a valid modulus-11 check, or None for workplaces without a CVR."""
    if value is None or not value.strip():
        return None
    digits = re.sub(r"[\s-]", "", value.strip())
    if digits.upper().startswith("DK"):
        digits = digits[2:]
    if not is_valid_cvr(digits):
        raise InvalidCvr(value=value)
    return digits


def normalise_p_number(value: str) -> str:
    digits = re.sub(r"\s", "", value or "")
    if len(digits) != 10 or not digits.isdigit():
        raise InvalidInput(field="p_number", problem="a P-number has 10 digits")
    return digits


def normalise_phone(value: str | None) -> str | None:
    """Danish numbers become +45 and 8 digits; foreign numbers keep their + prefix."""
    if value is None or not value.strip():
        return None
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
    if value is None or not value.strip():
        return None
    address = value.strip()
    if not _EMAIL.match(address):
        raise InvalidInput(field="email", problem="not an e-mail address")
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def required_text(field: str, value: str | None, max_length: int = 200) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(field=field, problem="is required")
    return optional_text(field, text, max_length) or ""


def optional_text(field: str, value: str | None, max_length: int = 2000) -> str | None:
    text = (value or "").strip()
    if len(text) > max_length:
        raise InvalidInput(field=field, problem="at most %(limit)s characters", limit=max_length)
    return text or None


def choice(field: str, value: str | None, allowed: Iterable[str]) -> str:
    options = tuple(allowed)
    if value not in options:
        raise InvalidInput(field=field, problem="is not one of the choices")
    return value


def optional_choice(field: str, value: str | None, allowed: Iterable[str]) -> str | None:
    return None if value in (None, "") else choice(field, value, allowed)


def non_negative(field: str, value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidInput(field=field, problem="must be a whole number of 0 or more")
    return value


def not_before(field: str, value: date | None, earliest: date) -> date | None:
    if value is not None and value < earliest:
        raise InvalidInput(field=field, problem="cannot be before %(earliest)s", earliest=earliest.isoformat())
    return value
