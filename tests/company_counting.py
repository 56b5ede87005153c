"""The outreach view's counters of companies beside a count of its company rows, for the tests to compare."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select

from projections.outreach_tables import COUNTED, companies, company_counts
from projections.outreach_view import OutreachView
from projections.reading import fetch

KEPT = (*COUNTED, "planned")


def counters(view: OutreachView) -> Counter[tuple[Any, ...]]:
    return Counter({tuple(row[name] for name in KEPT): row["companies"] for row in view.rows(company_counts)})


def counted_rows(view: OutreachView) -> Counter[tuple[Any, ...]]:
    """The companies counted per combination the counters keep, whether a follow-up is planned included."""
    columns = [*(companies.c[name] for name in COUNTED), companies.c.next_follow_up.is_not(None).label("planned")]
    rows = fetch(view, select(*columns, func.count().label("n")).group_by(*columns))
    return Counter({tuple(row[name] for name in KEPT): row["n"] for row in rows})
