"""What every query shares: running a select on a view's database as plain dicts, and bounded search terms."""

from __future__ import annotations

from typing import Any

from projections.base import View

# The longest search term any query takes; longer text is cut here, so no caller can hand SQLite's LIKE
# a pattern it refuses as "too complex" (the screens refuse it earlier, with a message).
SEARCH_MAX = 200


def search_key(text: str) -> str:
    """Lower case with runs of white space as one space: how names are kept for searching."""
    return " ".join(text.lower().split())


def search_term(text: str | None) -> str:
    """A search text as the queries match it: normalised and at most SEARCH_MAX characters."""
    return search_key((text or "")[: SEARCH_MAX * 4])[:SEARCH_MAX]


def fetch(view: View, query: Any) -> list[dict[str, Any]]:
    """Every row the query selects, as dicts keyed by column label."""
    with view.transaction(commit=False) as session:
        return [dict(row._mapping) for row in session.execute(query)]


def fetch_one(view: View, query: Any) -> dict[str, Any] | None:
    """The first row the query selects, or None."""
    with view.transaction(commit=False) as session:
        row = session.execute(query).first()
    return dict(row._mapping) if row is not None else None
