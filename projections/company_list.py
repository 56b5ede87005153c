"""The company list: search as you type (name, CVR, contact), filters, sorting, pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, or_, select

from projections.outreach import OutreachView, companies, contacts, search_key

SORTABLE = {
    "name": companies.c.search_name,
    "stage": companies.c.stage,
    "industry": companies.c.industry,
    "next_follow_up": companies.c.next_follow_up,
    "last_attempt_on": companies.c.last_attempt_on,
    "attempts": companies.c.attempts_in_round,
}
FILTERS = ("stage", "owner_id", "industry", "arena", "strategy", "sector")


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_companies(
    view: OutreachView,
    q: str | None = None,
    sort: str = "name",
    descending: bool = False,
    page: int = 1,
    per_page: int = 50,
    **filters: Any,
) -> Page:
    """One page of companies matching the text (name, CVR or a contact's name) and the filters."""
    query = select(
        companies.c.company_id,
        companies.c.name,
        companies.c.cvr,
        companies.c.industry,
        companies.c.stage,
        companies.c.owner_id,
        companies.c.arena,
        companies.c.next_follow_up,
        companies.c.last_attempt_on,
        companies.c.last_outcome,
        companies.c.attempts_in_round,
    )
    conditions = []
    text = search_key(q or "")
    if text:
        pattern = f"%{_escape_like(text)}%"
        matches = [
            companies.c.search_name.like(pattern, escape="\\"),
            exists().where(
                contacts.c.company_id == companies.c.company_id, contacts.c.search_name.like(pattern, escape="\\")
            ),
        ]
        digits = text.replace(" ", "")
        if digits.isdigit():
            matches.append(companies.c.cvr.like(f"{digits}%"))
        conditions.append(or_(*matches))
    for name in FILTERS:
        if filters.get(name):
            conditions.append(companies.c[name] == filters[name])
    query = query.where(*conditions)
    column = SORTABLE.get(sort, companies.c.search_name)
    order = [column.desc() if descending else column, companies.c.search_name, companies.c.company_id]
    page = max(1, page)
    with view.transaction(commit=False) as session:
        total = session.execute(select(func.count()).select_from(companies).where(*conditions)).scalar_one()
        rows = session.execute(query.order_by(*order).limit(per_page).offset((page - 1) * per_page))
        return Page([dict(r._mapping) for r in rows], total, page, per_page)
