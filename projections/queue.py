"""The persistent-contact queue (the recruiter's day), a query over the outreach read model.

Each section is stated once, as a condition on a company's row: the day's
lists select by it, and one company's row is labelled by it, so a row swapped
in place after an attempt lands in the same section a reload would show.

A user's section is read in parts (`parts`), one per person whose companies are
on the queue and each on an index in the section's order, so a page reads about
the rows it shows rather than all of the user's companies: the user's own, with
their follow-ups due as planned; those an absence of theirs moves; and those of
each colleague they stand in for. Each part stops at the page's end, and the
parts' companies, once each, are ordered and cut to the page again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple, TypedDict, cast
from uuid import UUID

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Date,
    Subquery,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    true,
    union,
    union_all,
)

from crm.vocabulary import DECLINED, IN_OUTREACH, PARKED
from projections.absences import due_on, queue_absences
from projections.outreach_tables import closed_reason, companies, queue_user
from projections.outreach_view import OutreachView
from projections.reading import fetch, fetch_one

SECTIONS = ("overdue", "due_today", "no_next_step", "reapproach")

# When a follow-up falls due on the queue: the planned day, or past its owner's absence (projections/absences.py).
DUE = due_on()

ROW = (
    companies.c.company_id,
    companies.c.name,
    companies.c.version,
    companies.c.stage,
    companies.c.owner_id,
    companies.c.attempts_in_round,
    companies.c.last_outcome,
    companies.c.last_attempt_on,
    DUE.label("next_follow_up"),
    companies.c.next_follow_up.label("planned_follow_up"),
    companies.c.approach_again_after,
    closed_reason,
)


class QueueRow(TypedDict):
    """A company on the queue: `section` is one of SECTIONS, or "later" (a next step is planned) or "closed"."""

    company_id: UUID
    name: str
    version: int
    stage: str
    owner_id: UUID | None
    attempts_in_round: int
    last_outcome: str | None
    last_attempt_on: date | None
    next_follow_up: date | None  # when it falls due, moved past the owner's absence
    planned_follow_up: date | None  # the day the attempt planned
    approach_again_after: date | None
    closed_reason: str | None
    section: str
    days_overdue: int


def responsible(user_id: UUID) -> ColumnElement[bool]:
    """A company is on a user's queue when they own it, or, with no owner, made its last attempt."""
    return or_(
        companies.c.owner_id == user_id,
        companies.c.owner_id.is_(None) & (companies.c.last_attempt_user_id == user_id),
    )


def _conditions(today: date | BindParameter[Any], due: ColumnElement[Any] = DUE) -> dict[str, ColumnElement[bool]]:
    """Where a company stands today, section by section (`due`: the next_follow_up column where no absence
    moves a follow-up)."""
    c = companies.c
    active = c.stage.in_(IN_OUTREACH)
    return {
        "overdue": active & (today > due),
        "due_today": active & (today == due),
        "no_next_step": active & c.next_follow_up.is_(None),
        "reapproach": c.stage.in_((DECLINED, PARKED)) & (c.approach_again_after <= today),
        "later": active & (today < due),
    }


def _order(due: ColumnElement[Any] = DUE, c: Any = companies.c) -> dict[str, tuple[ColumnElement[Any], ...]]:
    """Each section's order, of the companies' columns `c` (or of the columns `first_of_each` reads)."""
    return {
        "overdue": (due, c.name),
        "due_today": (c.name,),
        "no_next_step": (c.last_touched_on, c.name),
        "reapproach": (c.approach_again_after, c.name),
    }


ORDER = _order()


class Part(NamedTuple):
    """Companies on `person`'s queue (all companies with no person) that meet `which`; `planned`: no absence
    moves their follow-ups, so each falls due on its next_follow_up, a column an index holds in order (DUE
    is not)."""

    person: UUID | None
    which: ColumnElement[bool]
    planned: bool

    @property
    def where(self) -> ColumnElement[bool]:
        return self.which if self.person is None else (queue_user == self.person) & self.which

    @property
    def due(self) -> ColumnElement[Any]:
        return companies.c.next_follow_up if self.planned else DUE


def parts(view: OutreachView, user_id: UUID | None, today: date) -> list[Part]:
    """The user's queue as parts: their own companies whose follow-ups no absence of theirs moves, those it
    moves, and those of each colleague they stand in for, due within the absence; with no user, everyone's
    in one. The parts do not overlap, as no two absences of one user do and nobody stands in for themselves
    (crm/users.py, crm/commands/users.py)."""
    if user_id is None:
        return [Part(None, true(), False)]
    moved, covered = queue_absences(view, user_id, today)
    return _parts(user_id, moved, covered)


def _parts(user: Any, moved: Sequence[tuple[Any, Any]], covered: Sequence[tuple[Any, Any, Any]]) -> list[Part]:
    """`parts` of the user (their id, or a bound parameter), the periods an absence of theirs moves and the
    colleagues they cover (values, or bound parameters)."""
    follow_up = companies.c.next_follow_up
    kept = and_(true(), *(or_(follow_up.is_(None), follow_up < first, follow_up > last) for first, last in moved))
    found = [Part(user, kept, True)]
    if moved:
        found.append(Part(user, or_(*(follow_up.between(first, last) for first, last in moved)), False))
    found += [Part(absent, follow_up.between(first, last), False) for absent, first, last in covered]
    return found


# --- the queue's statements, built once for each shape of queue -------------------------------------
#
# My day reads the same few statements for every user and day; only the values differ. Built with bound
# parameters and kept, a statement is neither built nor given its cache key again, and the values go with each
# execution. (Building statements and their cache keys was about a fifth of the web processes' time in a
# profile under the load mix, My day's queue the largest part: docs/benchmarks.md, seventh session.)

TODAY = bindparam("today", type_=Date())


class QueueShape(NamedTuple):
    """What a user's queue statements depend on: whether it is one user's, and how many periods an absence of
    theirs moves and colleagues they cover (the parts, `parts`); each shape's statements are built once."""

    of_user: bool
    moved: int
    covered: int


def queue_shape(view: OutreachView, user_id: UUID | None, today: date) -> tuple[QueueShape, dict[str, Any]]:
    """The shape of the user's queue today and the values of its parameters (`shaped_parts`)."""
    values: dict[str, Any] = {"today": today}
    if user_id is None:
        return QueueShape(False, 0, 0), values
    moved, covered = queue_absences(view, user_id, today)
    values["user"] = user_id
    for i, (first, last) in enumerate(moved):
        values |= {f"moved_first_{i}": first, f"moved_last_{i}": last}
    for i, (absent, first, last) in enumerate(covered):
        values |= {f"covered_{i}": absent, f"covered_first_{i}": first, f"covered_last_{i}": last}
    return QueueShape(True, len(moved), len(covered)), values


@lru_cache(maxsize=64)
def shaped_parts(shape: QueueShape) -> tuple[Part, ...]:
    """`parts` over bound parameters: "user", each moved period's first and last day, and each colleague
    covered with the first and last day (`queue_shape` gives their values); "today" is TODAY."""
    if not shape.of_user:
        return (Part(None, true(), False),)

    def day(name: str) -> BindParameter[Any]:
        return bindparam(name, type_=Date())

    def person(name: str) -> BindParameter[Any]:
        return bindparam(name, type_=companies.c.owner_id.type)

    moved = [(day(f"moved_first_{i}"), day(f"moved_last_{i}")) for i in range(shape.moved)]
    covered = [
        (person(f"covered_{i}"), day(f"covered_first_{i}"), day(f"covered_last_{i}")) for i in range(shape.covered)
    ]
    return tuple(_parts(person("user"), moved, covered))


class Read(NamedTuple):
    """A part of a section: its condition, and its order, in which an index reads it; `due` as in Part."""

    where: ColumnElement[bool]
    order: tuple[ColumnElement[Any], ...]
    due: ColumnElement[Any]


# What the sections order by, read with each company so the parts' rows are ordered together without
# looking the companies up again (a join the planner may answer by reading every company).
KEYS = ("company_id", "lead_rank", "stage", "decision_maker_known", "name", "last_touched_on", "approach_again_after")


def first_of_each(reads: Iterable[Read], limit: int | None) -> Subquery:
    """The first `limit` rows of each read, with KEYS and `due`, each company once: the rows a page can show.

    UNION, not UNION ALL, so a page could not show a company twice even if parts overlapped: a company in
    two parts has the same values in both, its `due` being the day it falls due whichever part finds it."""
    firsts = [
        select(*(companies.c[key] for key in KEYS), read.due.label("due"))
        .where(read.where)
        .order_by(*read.order, companies.c.company_id)
        .limit(limit)
        .subquery()
        for read in reads
    ]
    return union(*(select(first) for first in firsts)).subquery()


def section_reads(
    queue: Iterable[Part],
    today: date | BindParameter[Any],
    section: str,
    read: Callable[[Part, ColumnElement[bool]], Iterable[Read]],
) -> list[Read]:
    """The section's reads, part by part of the queue (`read` gives a part's, with the section's condition)."""
    return [found for part in queue for found in read(part, _conditions(today, part.due)[section])]


MAX_QUEUE_PAGE = 10_000  # keeps OFFSET within every database's integer


def _labelled(rows: list[dict[str, Any]], section: str | None, today: date) -> list[QueueRow]:
    for row in rows:
        row["section"] = section or row["section"]
        row["days_overdue"] = (today - row["next_follow_up"]).days if row["section"] == "overdue" else 0
    return cast(list[QueueRow], rows)


def _queue_read(section: str) -> Callable[[Part, ColumnElement[bool]], Iterable[Read]]:
    return lambda part, condition: [Read(part.where & condition, _order(part.due)[section], part.due)]


def _section_rows(
    view: OutreachView, queue: list[Part], today: date, section: str, limit: int | None, offset: int = 0
) -> list[QueueRow]:
    """A section's rows from `offset`, at most `limit`, read part by part up to the page's end."""
    first = None if limit is None else offset + limit
    firsts = first_of_each(section_reads(queue, today, section, _queue_read(section)), first)
    order = (*_order(firsts.c.due, firsts.c)[section], firsts.c.company_id)
    shown = select(firsts.c.company_id).order_by(*order).limit(limit).offset(offset or None).subquery()
    query = select(*ROW).join_from(companies, shown, shown.c.company_id == companies.c.company_id)
    return _labelled(fetch(view, query.order_by(*ORDER[section], companies.c.company_id)), section, today)


def my_day(
    view: OutreachView,
    user_id: UUID | None,
    today: date,
    limit: int | None = None,
    sections: Iterable[str] = SECTIONS,
) -> dict[str, list[QueueRow]]:
    """Overdue, due today, in outreach with no next step, and ready to approach again: everyone's with no user.

    `limit` caps each section's rows (a day's work, not a backlog); `queue_counts` says how many there are.
    """
    queue = parts(view, user_id, today)
    return {name: _section_rows(view, queue, today, name, limit) for name in sections}


def queue_page(
    view: OutreachView, user_id: UUID | None, today: date, section: str, page: int = 1, per_page: int = 50
) -> list[QueueRow]:
    """One page of one section of the queue, in the queue's order: only the rows a screen shows."""
    page = max(1, min(page, MAX_QUEUE_PAGE))
    return _section_rows(view, parts(view, user_id, today), today, section, per_page, (page - 1) * per_page)


def _counted(part: Part) -> list[ColumnElement[bool]]:
    """The part as conditions on plain columns, the owner's companies and the unowned ones apart, so
    rm_companies_queue (which holds every column the sections' conditions read) counts each from the
    index alone, where the expression `queue_user` would send it to every row."""
    if part.person is None:
        return [part.which]
    return [
        (companies.c.owner_id == part.person) & part.which,
        companies.c.owner_id.is_(None) & (companies.c.last_attempt_user_id == part.person) & part.which,
    ]


def queue_counts(view: OutreachView, user_id: UUID | None, today: date) -> dict[str, int]:
    """How many companies each section of the user's queue holds.

    Counted part by part and added up, the parts not overlapping (`parts`)."""
    shape, values = queue_shape(view, user_id, today)
    return shaped_counts(view, shape, values)


def shaped_counts(view: OutreachView, shape: QueueShape, values: dict[str, Any]) -> dict[str, int]:
    """`queue_counts` of a queue whose shape and values `queue_shape` gave."""
    found = fetch(view, _counts_statement(shape), values)
    return {name: sum(int(row[name] or 0) for row in found) for name in SECTIONS}


@lru_cache(maxsize=64)
def _counts_statement(shape: QueueShape) -> Any:
    return union_all(
        *(
            select(*(func.count(case((_conditions(TODAY, part.due)[name], 1))).label(name) for name in SECTIONS))
            .select_from(companies)
            .where(where)
            for part in shaped_parts(shape)
            for where in _counted(part)
        )
    )


def queue_row(view: OutreachView, company_id: UUID, today: date) -> QueueRow | None:
    """One company's row as the queue shows it today, with its section, to swap in place after an attempt."""
    conditions = _conditions(today)
    section = case(*((condition, name) for name, condition in conditions.items()), else_="closed").label("section")
    row = fetch_one(view, select(*ROW, section).where(companies.c.company_id == company_id))
    return _labelled([row], None, today)[0] if row is not None else None
