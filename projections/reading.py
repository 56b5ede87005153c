"""What every query shares: running a select on a view's database as plain dicts, and bounded search terms."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from projections.base import View

# The longest search term any query takes; longer text is cut here, so no caller can hand SQLite's LIKE
# a pattern it refuses as "too complex" (the screens refuse it earlier, with a message).
SEARCH_MAX = 200


def search_key(text: str) -> str:
    """Lower case with runs of white space as one space: how names are kept for searching."""
    return " ".join(text.lower().split())


# Danish and a few neighbouring letters as typed on any keyboard ...
_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "è": "e", "ä": "ae", "ö": "oe", "ü": "u"})
# ... and the pairs written for them, each down to one letter, so either spelling finds the other.
_PAIRS = (("aa", "a"), ("ae", "a"), ("oe", "o"))


def fold(text: str) -> str:
    """How names are matched: `search_key`, then æ/ø/å (and é, ä, ö, ü) and ae/oe/aa folded alike.

    "bogely", "boegely" and "bøgely" all find "Bøgely"; "aalborg" finds "Ålborg" and the other way round.
    Stored in the read models' `search_folded` columns and applied to the searched text, so the
    screens that search by name (the company list, My day, the lead form) use this one function.
    """
    folded = search_key(text).translate(_LETTERS)
    for pair, letter in _PAIRS:
        folded = folded.replace(pair, letter)
    return folded


def search_term(text: str | None) -> str:
    """A search text as the queries match it: normalised and at most SEARCH_MAX characters."""
    return search_key((text or "")[: SEARCH_MAX * 4])[:SEARCH_MAX]


def folded_term(text: str | None) -> str:
    """A search text as matched against `search_folded`: `search_term`, folded."""
    return fold(search_term(text))[:SEARCH_MAX]


def fetch(view: View, query: Any, values: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every row the query selects, as dicts keyed by column label; `values` for its bound parameters."""
    with view.transaction(commit=False) as session:
        return [dict(row._mapping) for row in session.execute(query, values)]


def fetch_one(view: View, query: Any) -> dict[str, Any] | None:
    """The first row the query selects, or None."""
    with view.transaction(commit=False) as session:
        row = session.execute(query).first()
    return dict(row._mapping) if row is not None else None


# Beyond this a count is not needed exactly: the screens say "more than 1,000", and counting stops there.
COUNT_CAP = 1000


def capped_count(view: View, query: Select, cap: int | None = None) -> int:
    """How many rows `query` selects; with `cap`, at most cap + 1 (more than `cap`), reading no further."""
    if cap is not None:
        query = query.limit(cap + 1)
    with view.transaction(commit=False) as session:
        return int(session.execute(select(func.count()).select_from(query.subquery())).scalar_one())


def fetch_rows(view: View, query: Any) -> list[tuple[Any, ...]]:
    """Every row the query selects, as tuples in the order of its columns: for reads of many rows,
    where building a dict per row would cost more than the query."""
    with view.transaction(commit=False) as session:
        return [tuple(row) for row in session.execute(query)]
