"""Hostile requests, drawn by hypothesis: what a careless user, a stale page or an attacker sends.

Each value is bytes, so what no browser would send can be sent too: NUL, a lone
surrogate (as the three bytes UTF-8 would give it), bytes that are no UTF-8 at all.
A field is left out, sent as the page had it, sent twice, or sent with a hostile
value; fields no page has are added; the CSRF token is mostly right (so the views
are reached) and sometimes missing or wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote_from_bytes, urlencode
from uuid import UUID

from hypothesis import strategies as st

from tests.fuzzing.discovery import Target

MEGABYTE = 2**20
# In a URL a value is at most this long: waitress refuses a request line over 256 KB before the application
# sees it (and Flask's test client spends seconds on longer ones).
LONGEST_IN_URL = 70_000

NUMBERS = [
    "0", "-1", "1", "+3", " 7 ", "-0", "1.5", "1e308", "NaN", "inf", "0x1F", "1_000", "١٢٣",
    str(2**31), str(2**31 - 1), str(2**63 - 1), str(2**63), str(2**64), str(-(2**63) - 1),
    "9" * 25, "-" + "9" * 25, "9" * 4300, "9" * 5000,
]  # fmt: skip
DAYS = [
    "0001-01-01", "9999-12-31", "0000-00-00", "2026-02-30", "2026-13-01", "2026-00-10", "1899-12-31",
    "1900-01-01", "2199-12-31", "2200-01-01", "1970-01-01", "-2026-03-02", "+12026-03-02", "20260302",
    "2026-W10-1", "2026-03-02T25:61", "9999-12-31T23:59:59.999999", "0001-01-01T00:00", "0001-01-01T00:00+14:00",
    "9999-12-31T23:59+00:00", "2026-03-02T14:30+14:00", "2026-03-02 14:30", "2026-03-02T14:30Z", "i dag",
]  # fmt: skip
IDS = [
    "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "not-a-uuid",
    "{12345678-1234-5678-1234-567812345678}", "urn:uuid:12345678-1234-5678-1234-567812345678",
    "12345678123456781234567812345678", "12345678-1234-5678-1234-56781234567", "1", "-1", "0",
]  # fmt: skip
TEXTS = [
    "", " ", "\t\r\n", "\x00", "a\x00b", "<script>alert(1)</script>", "{{7*7}}", "' OR 1=1 --", "%", "_", "\\",
    "../../etc/passwd", "Ærø 🧪 ħ", "\u202eevil", "\ufeff", "\x7f\x1b[31m", "admin", "null", "true", "[]", "{}",
]  # fmt: skip
RAW = [b"\xed\xa0\x80", b"a\xed\xb0\x80b", b"\xff\xfe", b"\xc0\x80", b"\x80", b"%", b"%zz", b"\xe2\x82"]


class Value(bytes):
    """A value as sent; its repr is short, as hypothesis writes down every draw and some are a megabyte."""

    def __repr__(self) -> str:
        return f"<{len(self)} bytes: {bytes(self[:20])!r}>"


@dataclass
class Request:
    """One request to send, as one visitor."""

    method: str
    path: str
    query: list[tuple[str, bytes]] = field(default_factory=list)
    form: list[tuple[str, bytes]] = field(default_factory=list)
    htmx_target: str | None = None

    @property
    def url(self) -> str:
        return f"{self.path}?{urlencode(self.query)}" if self.query else self.path

    @property
    def body(self) -> bytes:
        return urlencode(self.form).encode("ascii")

    def describe(self) -> str:
        """Short enough to read: long values cut, with their length."""

        def short(value: bytes) -> str:
            text = repr(value[:60])
            return text + f"…({len(value)} bytes)" if len(value) > 60 else text

        query = ", ".join(f"{n}={short(v)}" for n, v in self.query)
        form = ", ".join(f"{n}={short(v)}" for n, v in self.form if n != "csrf_token")
        return f"{self.method} {self.path[:200]} query[{query}] form[{form}] htmx={self.htmx_target}"


def _encoded(text: str) -> Value:
    return Value(text.encode("utf-8", "surrogatepass"))


def hostile(longest: int = MEGABYTE) -> st.SearchStrategy[Value]:
    """One hostile value, at most `longest` characters long."""
    long_text = st.builds(
        lambda piece, size: (piece * size)[:size],
        st.sampled_from(["a", "%", "_%", "Æ", "\x00", "9", "' "]),
        # A megabyte costs a second or more a request: one long text in sixteen.
        st.sampled_from(
            [size for size in [256] * 4 + [1000] * 4 + [5001] * 4 + [70_000] * 3 + [MEGABYTE] if size <= longest]
        ),
    )
    return st.one_of(
        st.sampled_from(NUMBERS).map(_encoded),
        st.sampled_from(DAYS).map(_encoded),
        st.sampled_from(IDS).map(_encoded),
        st.sampled_from(TEXTS).map(_encoded),
        st.sampled_from(RAW).map(Value),
        st.integers().map(lambda n: _encoded(str(n))),
        st.dates().map(lambda d: _encoded(d.isoformat())),
        st.datetimes().map(lambda d: _encoded(d.isoformat())),
        st.uuids().map(lambda u: _encoded(str(u))),
        st.text(st.characters(codec=None), max_size=30).map(_encoded),
        st.binary(max_size=30).map(Value),
        long_text.map(_encoded),
    )


def _value(seen: set[str], longest: int) -> st.SearchStrategy[Value]:
    if not seen:
        return hostile(longest)
    return st.one_of(st.sampled_from(sorted(seen)).map(_encoded), hostile(longest))


def _fields(
    data: st.DataObject, known: dict[str, set[str]], others: list[str], longest: int
) -> list[tuple[str, bytes]]:
    """The fields to send: each known one left out, as seen, hostile or twice; sometimes unexpected ones."""
    pairs: list[tuple[str, bytes]] = []
    for name in sorted(known):
        if name == "csrf_token":
            continue
        how = data.draw(st.sampled_from(["send", "send", "send", "omit", "twice"]))
        if how == "omit":
            continue
        pairs.append((name, data.draw(_value(known[name], longest))))
        if how == "twice":
            pairs.append((name, data.draw(_value(known[name], longest))))
    extra_names = st.one_of(st.sampled_from(others), st.text(max_size=12)) if others else st.text(max_size=12)
    for name in data.draw(st.lists(extra_names, max_size=2)):
        pairs.append((name, data.draw(hostile(longest))))
    return pairs


_VARIABLE = re.compile(r"<(?:([^:<>]+):)?([^<>]+)>")


def _path(data: st.DataObject, target: Target) -> str:
    """The rule's path with a value for each variable: one the pages linked to, or a hostile one."""

    def fill(match: re.Match[str]) -> str:
        converter, name = match.group(1), match.group(2)
        if converter == "path":
            return data.draw(st.sampled_from(["app.css", "app.js", "../secret_key", "nope.txt"]))
        seen = sorted(target.path_values.get(name, ()))
        fallback = str(UUID(int=0)) if converter == "uuid" else "x"
        choice = st.sampled_from(seen) if seen else st.just(fallback)
        hostile_value = data.draw(st.integers(0, 5)) == 5  # hypothesis starts from 0: the page's own first
        value = data.draw(hostile(LONGEST_IN_URL) if hostile_value else choice.map(_encoded))
        return quote_from_bytes(value[:3000], safe="") or "x"

    return _VARIABLE.sub(fill, target.rule.rule)


def draw_request(data: st.DataObject, target: Target, token: str, names: list[str]) -> Request:
    """A hostile request to `target`, with the visitor's CSRF token (mostly)."""
    request = Request(target.method, _path(data, target))
    with_query = target.method == "GET" or data.draw(st.booleans())
    request.query = _fields(data, target.query, names, LONGEST_IN_URL) if with_query else []
    if target.method == "POST":
        request.form = _fields(data, target.fields, names, MEGABYTE)
        how = data.draw(st.sampled_from(["right"] * 8 + ["missing", "wrong", "twice"]))
        if how != "missing":
            request.form.append(("csrf_token", token.encode() if how != "wrong" else data.draw(hostile(1000))))
        if how == "twice":
            request.form.append(("csrf_token", b"x"))
    if data.draw(st.booleans()):
        request.htmx_target = data.draw(st.sampled_from(sorted(target.hx_targets) or ["#main"]))
    return request
