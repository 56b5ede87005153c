"""Decoding stored JSON fast: orjson where it reads a text as the json module does, json elsewhere.

orjson parses a stored event several times faster than the json module. It refuses a
few things json accepts (NaN and Infinity, lone surrogate escapes), and it reads an
integer beyond 64 bits as a float where json keeps the integer: a text with a number
of 19 digits or more, or one orjson refuses, is left to json, so every input decodes
as json.loads decodes it.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

# A run of 19 digits may be part of an integer beyond 64 bits (it may be in a string too: then json is merely slower).
_LONG_NUMBER = re.compile(rb"\d{19}")
NOT_FAST = object()


def try_fast(data: bytes) -> Any:
    """orjson's reading of the text, or NOT_FAST where it might differ from json's or refuses the text."""
    if _LONG_NUMBER.search(data):
        return NOT_FAST
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return NOT_FAST


def loads(data: bytes) -> Any:
    """As json.loads: the same value for every input, and ValueError for what json refuses."""
    value = try_fast(data)
    return json.loads(data) if value is NOT_FAST else value
