"""My day as a call list: the queue's sections (projections/queue.py) with what a caller needs on each row,
ordered by what to do next, and the companies call mode offers one at a time.

Within a section the most urgent lead comes first, then the company furthest along its path, then one
whose decision maker is known (a call that can reach the person who decides).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime
from functools import lru_cache
from typing import Any, cast
from uuid import UUID

from sqlalchemy import BindParameter, Select, case, exists, select

from crm.vocabulary import IN_OUTREACH
from projections.leads import URGENCY_RANK, leads
from projections.outreach_tables import attempts, companies
from projections.outreach_view import OutreachView
from projections.queue import (
    DUE,
    ROW,
    SECTIONS,
    TODAY,
    Part,
    QueueRow,
    QueueShape,
    Read,
    _conditions,
    _labelled,
    first_of_each,
    parts,
    queue_shape,
    section_reads,
    shaped_counts,
    shaped_parts,
)
from projections.reading import fetch, fetch_one
from projections.schema import utc_naive

# The sections a caller works through, in call mode as on the list.
TO_CALL = ("overdue", "due_today", "no_next_step")
# Furthest along the path first: a company in negotiation is closer to an agreement than one just identified.
STAGE_RANK = {stage: rank for rank, stage in enumerate(reversed(IN_OUTREACH))}


class CallRow(QueueRow):
    """A queue row with what a caller needs: the most urgent live lead's urgency (None without one),
    whether a current decision maker is known, the last attempt's note and the lead an attempt answers."""

    round: int
    lead_urgency: str | None
    decision_maker_known: bool
    last_note: str | None
    lead_id: UUID | None


def _open_lead() -> Any:
    """The lead an attempt on the company answers: open, or claimed and not yet started; the oldest first."""
    return (
        select(leads.c.lead_id)
        .where(
            leads.c.company_id == companies.c.company_id,
            (leads.c.status == "open") | ((leads.c.status == "claimed") & leads.c.started_attempt_id.is_(None)),
        )
        .order_by(leads.c.shared_at, leads.c.lead_id)
        .limit(1)
        .scalar_subquery()
    )


def _last_note() -> Any:
    """The note of the latest valid attempt of the current round."""
    return (
        select(attempts.c.note)
        .where(
            attempts.c.company_id == companies.c.company_id,
            attempts.c.round == companies.c.round,
            attempts.c.voided.is_(False),
        )
        .order_by(attempts.c.occurred_on.desc(), attempts.c.recorded_at.desc())
        .limit(1)
        .scalar_subquery()
    )


def _extras() -> tuple[Any, ...]:
    return (
        companies.c.round,
        companies.c.lead_rank.label("urgency_rank"),
        companies.c.decision_maker_known,
        _last_note().label("last_note"),
        _open_lead().label("lead_id"),
    )


def _what_next(ranked: bool = True, c: Any = companies.c) -> tuple[Any, ...]:
    # Columns of the company's row, kept by the outreach view as leads and contacts change
    # (projections/outreach_view.py): a section sorts its rows without a lookup per company.
    # Not `ranked`: one stage's rows, where the rank of stages says nothing.
    stage = (case(STAGE_RANK, value=c.stage, else_=len(STAGE_RANK)),) if ranked else ()
    return (c.lead_rank, *stage, c.decision_maker_known.desc())


def _order(due: Any = DUE, ranked: bool = True, c: Any = companies.c) -> dict[str, tuple[Any, ...]]:
    """Each section's order, of the companies' columns `c` (or of the columns `first_of_each` reads)."""
    return {
        "overdue": (*_what_next(ranked, c), due, c.name),
        "due_today": (*_what_next(ranked, c), c.name),
        "no_next_step": (*_what_next(ranked, c), c.last_touched_on, c.name),
        "reapproach": (c.approach_again_after, c.name),
    }


ORDER = _order()


def _reads(section: str) -> Any:
    """How a part of the section is read: in the sections ordered by stage, one stage at a time (the stage
    then orders nothing, so an index of stage, lead rank, decision maker and follow-up holds the order)."""

    def read(part: Part, condition: Any) -> list[Read]:
        if not part.planned or section not in TO_CALL:
            return [Read(part.where & condition, _order(part.due)[section], part.due)]
        by_stage = _order(part.due, ranked=False)[section]
        return [
            Read(part.where & condition & (companies.c.stage == stage), by_stage, part.due) for stage in IN_OUTREACH
        ]

    return read


RANK_TO_URGENCY = {rank: urgency for urgency, rank in URGENCY_RANK.items()}


def _finished(rows: list[dict[str, Any]], section: str | None, today: date) -> list[CallRow]:
    for row in rows:
        row["lead_urgency"] = RANK_TO_URGENCY.get(row.pop("urgency_rank"))
        row["decision_maker_known"] = bool(row["decision_maker_known"])
    return cast(list[CallRow], _labelled(rows, section, today))


def _first_in_section(
    queue: list[Part], today: date | BindParameter[Any], section: str, limit: int | None, offered: Any = None
) -> Select[Any]:
    """The ids of the section's first `limit` companies (of those `offered`, when given), in its order: the
    first rows of each part of the queue, each read on an index in the section's order, ordered together."""
    reads = section_reads(queue, today, section, _reads(section))
    if offered is not None:
        reads = [Read(read.where & offered, read.order, read.due) for read in reads]
    firsts = first_of_each(reads, limit)
    by_keys = (*_order(firsts.c.due, c=firsts.c)[section], firsts.c.company_id)
    return select(firsts.c.company_id).order_by(*by_keys).limit(limit)


def call_list(
    view: OutreachView,
    user_id: UUID | None,
    today: date,
    limit: int | None = None,
    sections: Iterable[str] = SECTIONS,
) -> dict[str, list[CallRow]]:
    """The user's queue section by section, each ordered by what to do next (`queue_counts` counts them)."""
    shape, values = queue_shape(view, user_id, today)
    return _sections(view, shape, values, today, limit, sections)


def counted_call_list(
    view: OutreachView, user_id: UUID | None, today: date, limit: int | None = None
) -> tuple[dict[str, list[CallRow]], dict[str, int]]:
    """`call_list` of every section and `queue_counts`, as My day shows them: the user's absences read once."""
    shape, values = queue_shape(view, user_id, today)
    return _sections(view, shape, values, today, limit, SECTIONS), shaped_counts(view, shape, values)


def _sections(
    view: OutreachView,
    shape: QueueShape,
    values: dict[str, Any],
    today: date,
    limit: int | None,
    sections: Iterable[str],
) -> dict[str, list[CallRow]]:
    return {name: _finished(fetch(view, _section(shape, name, limit), values), name, today) for name in sections}


@lru_cache(maxsize=256)
def _section(shape: QueueShape, section: str, limit: int | None) -> Select[Any]:
    """A section of a queue of this shape, over its parameters (projections/queue.py, `shaped_parts`)."""
    order = (*ORDER[section], companies.c.company_id)
    # The rows shown first, by plain columns; then the last note and the open lead of those rows only.
    shown = _first_in_section(list(shaped_parts(shape)), TODAY, section, limit).subquery()
    query = select(*ROW, *_extras()).join_from(companies, shown, shown.c.company_id == companies.c.company_id)
    return query.order_by(*order)


def call_row(view: OutreachView, company_id: UUID, today: date) -> CallRow | None:
    """One company's row as the call list shows it today, with its section, to swap in place."""
    conditions = _conditions(today)
    section = case(*((condition, name) for name, condition in conditions.items()), else_="closed").label("section")
    row = fetch_one(view, select(*ROW, *_extras(), section).where(companies.c.company_id == company_id))
    return _finished([row], None, today)[0] if row is not None else None


def to_call(
    view: OutreachView,
    user_id: UUID,
    today: date,
    called_since: datetime,
    leave_out: Collection[UUID] = (),
    limit: int = 20,
) -> list[UUID]:
    """The companies call mode offers the user next, in the call list's order: overdue, due today, then
    those with no next step; a company called today since `called_since` (by anyone) is left out.

    Read as the call list reads its sections (each part of the queue on an index in the section's order),
    a section at a time until `limit` are found: what it costs follows the companies offered."""
    recent = exists().where(
        attempts.c.company_id == companies.c.company_id,
        attempts.c.voided.is_(False),
        attempts.c.recorded_at >= utc_naive(called_since),
        attempts.c.occurred_on >= today,
    )
    offered = ~recent
    if leave_out:
        offered = offered & companies.c.company_id.not_in(list(leave_out))
    queue = parts(view, user_id, today)
    found: list[UUID] = []
    for name in TO_CALL:
        wanted = limit - len(found)
        if wanted <= 0:
            break
        found += [row["company_id"] for row in fetch(view, _first_in_section(queue, today, name, wanted, offered))]
    return found


def answered_lead(view: OutreachView, company_id: UUID) -> UUID | None:
    """The lead an attempt on the company answers now (open, or claimed and not yet started), or None."""
    found = fetch_one(view, select(_open_lead().label("lead_id")).where(companies.c.company_id == company_id))
    return found["lead_id"] if found else None
