"""Danish working days: the quick picks for a next follow-up never land on a weekend or a holiday."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

# The days themselves are the write side's (an absence's first day back is decided there); re-exported here.
from crm.workdays import days_off as days_off
from crm.workdays import is_working_day as is_working_day
from crm.workdays import next_working_day as next_working_day
from crm.workdays import on_or_after as on_or_after
from web.translating import lazy_gettext as _l


def working_days_after(day: date, count: int) -> date:
    for _ in range(count):
        day = next_working_day(day)
    return day


def one_month_after(day: date) -> date:
    """The same day of the next month, or that month's last day (31 January gives 28 or 29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def follow_up_due(feedback_on: date) -> date:
    """When an agreement's follow-up falls due: a month after the written feedback, on a working day
    (feedback on 1 December gives 2 January, not New Year's Day)."""
    return on_or_after(one_month_after(feedback_on))


QUICK_PICKS = (
    ("tomorrow", _l("Tomorrow"), lambda today: working_days_after(today, 1)),
    ("in_2_days", _l("In 2 days"), lambda today: working_days_after(today, 2)),
    ("next_week", _l("Next week"), lambda today: on_or_after(today + timedelta(weeks=1))),
    ("in_2_weeks", _l("In 2 weeks"), lambda today: on_or_after(today + timedelta(weeks=2))),
    ("in_a_month", _l("In a month"), lambda today: on_or_after(one_month_after(today))),
)


def quick_picks(today: date) -> list[tuple[str, object, date]]:
    """(key, label, date) for each quick pick; "tomorrow" and "in 2 days" count working days."""
    return [(key, label, pick(today)) for key, label, pick in QUICK_PICKS]
