"""A timeline entry's `data`, encoded with orjson where it can, reads back as the json module's text does."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from projections.timeline import _plain, event_data


def as_json_module(values: dict[str, Any]) -> str:
    return json.dumps(values, sort_keys=True, ensure_ascii=False, default=_plain)


def event_with(**own: Any) -> Any:
    """An event of an aggregate the timeline files (its class named like a company's event), with these fields."""

    names = dict.fromkeys(own, Any)
    made = dataclass(frozen=True)(type("NoteAdded", (), {"__annotations__": names}))
    made.__qualname__ = "Company.NoteAdded"
    return made(**own)


VALUES = [
    {"note": "Birthe Kjærgaard bad mig ringe", "round": 1, "lead_id": None, "ok": True},
    {"company_id": UUID(int=5), "occurred_on": date(2026, 3, 4), "at": datetime(2026, 3, 2, 8, 0, tzinfo=UTC)},
    {"ids": [UUID(int=1), (UUID(int=2), {"at": date(2026, 1, 1)})], "changes": {"b": 1, "a": "x"}},
    {"text": 'quote " backslash \\ newline \n tab \t control \x01 ✓ \u2028'},
    {"share": 0.1, "large": 1e20, "widest": [2**64 - 1, -(2**63)]},
]
# What orjson writes otherwise or refuses: these go through the json module, as before.
ODD = [
    {"nan": math.nan},
    {"nested": [1, {"inf": -math.inf}]},
    {"beyond": 2**70},
    {"keys": {1: "x"}},
    {"surrogate": "\ud800"},
    {"text_subclass": type("Code", (str,), {})("x")},
]


@pytest.mark.parametrize("values", VALUES)
def test_data_reads_back_as_the_json_module_writes_it(values):
    data = event_data(event_with(**values))

    assert json.loads(data) == json.loads(as_json_module(values))
    assert data != as_json_module(values)  # written by orjson: no spaces after the separators


@pytest.mark.parametrize("values", ODD)
def test_what_orjson_writes_otherwise_or_refuses_is_written_by_the_json_module(values):
    assert event_data(event_with(**values)) == as_json_module(values)


def test_sorted_keys_and_text_kept_as_it_is():
    data = event_data(event_with(zeta="å", alpha=UUID(int=1)))

    assert data == '{"alpha":"00000000-0000-0000-0000-000000000001","zeta":"å"}'


@pytest.mark.parametrize("value", [Decimal("1.10"), datetime(2026, 1, 1).time(), object()])
def test_a_value_the_json_module_refuses_is_refused(value):
    with pytest.raises(TypeError):
        event_data(event_with(amount=value))


def test_a_dataclass_value_is_refused_as_the_json_module_refuses_it():
    @dataclass
    class Inner:
        x: int = field(default=1)

    with pytest.raises(TypeError):
        event_data(event_with(inner=Inner()))
