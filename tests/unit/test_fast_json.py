"""Stored events decoded with orjson decode to exactly what the library's json decoder gives."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import pytest
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, TranscodingNotRegisteredError

from crm.persistence import DateAsISO, FastJSONTranscoder, UUIDAsHexRemembered
from crm.sealing import Sealed, SealedAsJSON
from projections.event_log import index_row
from storage import fastjson


def transcoders() -> tuple[JSONTranscoder, FastJSONTranscoder]:
    library, fast = JSONTranscoder(), FastJSONTranscoder()
    for transcoder in (library, fast):
        for transcoding in (UUIDAsHexRemembered(), DecimalAsStr(), DatetimeAsISO(), DateAsISO(), SealedAsJSON()):
            transcoder.register(transcoding)
    return library, fast


STATES = [
    {
        "timestamp": datetime(2026, 3, 2, 8, 0),
        "actor_id": UUID(int=7),
        "note": Sealed("text:x:1:note", "note", b"\x00" * 20),
        "changes": {"due_on": date(2026, 3, 6), "note": Sealed("text:x:1:changes.note", "note", b"\x01")},
        "ids": [UUID(int=1), [UUID(int=2), {"at": date(2026, 1, 1)}], "plain"],
        "amount": Decimal("1.10"),
        "nested": {"_type_": "not a transcoding", "_data_": "x", "extra": 1},
        "looks_typed": {"_type_": "uuid_hex"},
        "count": 2**70,  # beyond 64 bits: orjson reads a float, the library's decoder the integer
        "below": -(2**64),
        "widest_exact": [2**64 - 1, -(2**63)],
        "large_float": 1e20,
        "in_a_list": [{"n": 2**65}],
        "ratio": 0.1,
        "text": "Kjærgaard \u2603",
        "empty": {},
        "none": None,
    },
    UUID(int=3),  # a transcoded value at the top
    [1, {"a": UUID(int=4)}],
]


@pytest.mark.parametrize("state", STATES)
def test_a_state_decodes_to_what_the_library_decodes_it_to(state):
    library, fast = transcoders()
    stored = library.encode(state)

    decoded = fast.decode(stored)
    assert decoded == library.decode(stored)
    assert repr(decoded) == repr(library.decode(stored))  # the same types too (1 is not 1.0, nor True)


def test_what_orjson_refuses_is_decoded_as_json_decodes_it():
    _library, fast = transcoders()

    assert str(fast.decode(b'{"a": NaN, "b": Infinity}')) == str({"a": float("nan"), "b": float("inf")})
    assert fast.decode(b'{"a": "\\ud800"}') == {"a": "\ud800"}
    assert repr(fastjson.loads(b'{"a": [1, {"b": 123456789012345678901234567890}]}')) == repr(
        {"a": [1, {"b": 123456789012345678901234567890}]}
    )
    assert repr(fastjson.loads(b"[1e+20, 2.5]")) == repr([1e20, 2.5])
    assert repr(fast.decode(b'{"planned": 100000000000000000000}')) == repr({"planned": 10**20})  # not 1e+20
    with pytest.raises(ValueError):
        fastjson.loads(b"{not json")


def test_an_unregistered_transcoding_is_refused_as_the_library_refuses_it():
    library, fast = transcoders()
    stored = b'{"a": {"_type_": "unknown", "_data_": "x"}}'

    with pytest.raises(TranscodingNotRegisteredError):
        library.decode(stored)
    with pytest.raises(TranscodingNotRegisteredError):
        fast.decode(stored)


def test_a_uuid_decoded_again_is_equal_and_a_real_uuid():
    _library, fast = transcoders()
    stored = json.dumps({"a": {"_type_": "uuid_hex", "_data_": UUID(int=9).hex}}).encode()

    first, second = fast.decode(stored)["a"], fast.decode(stored)["a"]
    assert first == second == UUID(int=9) and type(second) is UUID


@pytest.mark.parametrize(
    ("state", "occurred_at", "actor_id"),
    [
        (b'{"timestamp": {"_type_": "datetime_iso", "_data_": "2026-03-02T08:00:00+00:00"}, "n": 1e9}', "08:00", None),
        (b'{"timestamp": NaN, "actor_id": {"_data_": "%s"}}' % UUID(int=5).hex.encode(), None, UUID(int=5)),
        (b'{"timestamp": 123456789012345678901234567890, "actor_id": 18446744073709551616}', None, None),
        (b"\xff not even text", None, None),
    ],
)
def test_the_event_logs_index_reads_any_state_as_before(state, occurred_at, actor_id):
    row = index_row(7, "crm.companies:Company.Registered", state)

    assert row["occurred_at"].strftime("%H:%M") == occurred_at if occurred_at else row["occurred_at"].year == 1970
    assert row["actor_id"] == actor_id
    assert (row["position"], row["aggregate"], row["event_type"]) == (7, "company", "Company.Registered")
