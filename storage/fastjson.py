"""Decoding stored JSON fast: orjson where it reads a text as the json module does, json elsewhere.

orjson parses a stored event several times faster than the json module. It refuses a
few things json accepts (NaN and Infinity, lone surrogate escapes), and it reads an
integer beyond 64 bits as a float where json keeps the integer. A text orjson refuses,
or whose value holds a float of 2**63 or more (which may have been such an integer: a
float that large is rare), is left to json, so every input decodes as json.loads
decodes it. (Looking for 19 digits in a row in the text instead costs more than parsing it.)
"""

from __future__ import annotations

import json
from typing import Any

import orjson

NOT_FAST = object()
# orjson reads integers from -2**63 to 2**64 - 1 exactly; one beyond is read as a float at least this large.
WIDE = float(2**63)


def is_wide(number: float) -> bool:
    """True for a float orjson may have read from an integer literal (NaN and the infinities too)."""
    return not abs(number) < WIDE


def parse(data: bytes) -> Any:
    """orjson's reading of the text, or NOT_FAST when it refuses it; the caller checks `is_wide` on floats."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return NOT_FAST


def loads(data: bytes) -> Any:
    """As json.loads: the same value for every input, and ValueError for what json refuses."""
    value = parse(data)
    if type(value) is str:  # the usual opened text: nothing in it to check
        return value
    if value is NOT_FAST or _holds_wide_float(value):
        return json.loads(data)
    return value


def _holds_wide_float(value: Any) -> bool:
    pending = [value]
    while pending:
        item = pending.pop()
        kind = type(item)
        if kind is dict:
            pending.extend(item.values())
        elif kind is list:
            pending.extend(item)
        elif kind is float and is_wide(item):
            return True
    return False
