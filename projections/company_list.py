"""The company list: search as you type (name, CVR, contact), filters, sorting, pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict, cast
from uuid import UUID

from sqlalchemy import ColumnElement, Select, func, or_, select

from projections.outreach_tables import companies, company_counts, contacts
from projections.outreach_view import OutreachView
from projections.reading import COUNT_CAP, capped_count, fetch, fold, search_term

SORTABLE = {
    "name": companies.c.search_name,
    "stage": companies.c.stage,
    "industry": companies.c.industry,
    "next_follow_up": companies.c.next_follow_up,
    "last_attempt_on": companies.c.last_attempt_on,
    "attempts": companies.c.attempts_in_round,
}
SORT_KEYS = tuple(SORTABLE)
FILTERS = ("stage", "owner_id", "industry", "arena", "strategy", "sector")
# Beyond this a list is not read but searched; it also keeps OFFSET within every database's integer.
MAX_PAGE = 100_000
# A search matching more people than this matches them in a subquery instead of a list of companies.
CONTACT_MATCHES = 200
# A search matching at most this many companies reads them all by the trigram index and sorts them (a few
# milliseconds); one matching more reads the companies in the list's order until its page is full.
SORTED_MATCHES = 10 * COUNT_CAP


class ListedCompany(TypedDict):
    company_id: UUID
    name: str
    cvr: str | None
    industry: str
    stage: str
    owner_id: UUID | None
    arena: str | None
    next_follow_up: date | None
    last_attempt_on: date | None
    last_outcome: str | None
    attempts_in_round: int
    register_ceased: bool
    register_protected: bool


@dataclass(frozen=True)
class Page:
    """One page of a list, and enough to link to the others.

    A search is counted only up to COUNT_CAP (or to the end of the page, further on): then `capped` is true,
    more than `total` companies match, and `pages` counts only the pages known so far.
    """

    rows: list[ListedCompany]
    total: int
    page: int
    per_page: int
    capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.capped or self.page < self.pages


def _matching(view: OutreachView, text: str) -> ColumnElement[bool]:
    """Companies whose name, CVR number or a contact's name holds the text.

    The companies found by a contact come first, as a list of identifiers: the condition on the companies is
    then one PostgreSQL can answer from indexes alone (the trigram index and the primary key) when few match,
    or by reading the list in its order and stopping at the page's end when many do. A subquery in the OR
    would have it read every company either way.
    """
    folded = fold(text)
    by_contact = [
        row["company_id"]
        for row in fetch(
            view,
            select(contacts.c.company_id)
            .where(contacts.c.search_folded.contains(folded, autoescape=True))
            .distinct()
            .limit(CONTACT_MATCHES + 1),
        )
    ]
    matches = [companies.c.search_folded.contains(folded, autoescape=True)]
    if len(by_contact) > CONTACT_MATCHES:
        matches.append(
            companies.c.company_id.in_(
                select(contacts.c.company_id).where(contacts.c.search_folded.contains(folded, autoescape=True))
            )
        )
    elif by_contact:
        matches.append(companies.c.company_id.in_(by_contact))
    digits = text.replace(" ", "")
    if digits.isdigit():
        matches.append(companies.c.cvr.startswith(digits, autoescape=True))
    return or_(*matches)


def search_companies(
    view: OutreachView,
    q: str | None = None,
    sort: str = "name",
    descending: bool = False,
    page: int = 1,
    per_page: int = 50,
    **filters: Any,
) -> Page:
    """One page of companies matching the text (name, CVR or a contact's name) and the filters.

    The text is cut to SEARCH_MAX characters; an unknown sort key sorts by name; pages run from 1 to MAX_PAGE.
    """
    listed = (
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
        companies.c.register_ceased,
        companies.c.register_protected,
    )
    conditions = []
    text = search_term(q)
    if text:
        conditions.append(_matching(view, text))
    for name in FILTERS:
        if filters.get(name):
            conditions.append(companies.c[name] == filters[name])
    page = min(max(1, page), MAX_PAGE)
    if not text:
        rows = fetch(view, _page_of(select(*listed).where(*conditions), companies.c, sort, descending, page, per_page))
        # Every filter is a counted dimension: the counters answer exactly, without reading the companies.
        counted = select(func.coalesce(func.sum(company_counts.c.companies), 0).label("total")).where(
            *(company_counts.c[name] == filters[name] for name in FILTERS if filters.get(name))
        )
        return Page(cast(list[ListedCompany], rows), int(fetch(view, counted)[0]["total"]), page, per_page)
    cap = max(COUNT_CAP, page * per_page)
    # Counted further than the screen says, to choose how to read the page.
    total = capped_count(view, select(companies.c.company_id).where(*conditions), max(cap, SORTED_MATCHES))
    found, columns = select(*listed).where(*conditions), companies.c
    if total <= SORTED_MATCHES:
        found, columns = _all_matches(found, listed)
    rows = fetch(view, _page_of(found, columns, sort, descending, page, per_page))
    return Page(cast(list[ListedCompany], rows), min(total, cap), page, per_page, capped=total > cap)


def _page_of(query: Select, columns: Any, sort: str, descending: bool, page: int, per_page: int) -> Select:
    """The query's page in the list's order, of `columns` (the companies', or a subquery's of them)."""
    column = columns[SORTABLE.get(sort, companies.c.search_name).name]
    order = [column.desc() if descending else column, columns.search_name, columns.company_id]
    return query.order_by(*order).limit(per_page).offset((page - 1) * per_page)


def _all_matches(found: Select, listed: tuple[ColumnElement[Any], ...]) -> tuple[Select, Any]:
    """The matches, read whole and then sorted, when the count says there are few enough of them.

    Left to itself, PostgreSQL may walk the name index in order, expecting a page of matches soon, and read
    most of the companies before it meets them: matches cluster ("virksomhed 77" sorts late). Read by the
    trigram index, the few matches cost what they are. OFFSET 0 keeps the planner from merging the
    subquery into the ordered read (SQLite, without a trigram index, reads the same rows either way)."""
    matched = found.add_columns(companies.c.search_name).offset(0).subquery()
    return select(*(matched.c[str(column.name)] for column in listed)), matched.c
