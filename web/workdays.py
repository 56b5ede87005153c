"""Danish working days: the quick picks for a next follow-up never land on a weekend or a holiday."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays
from flask_babel import lazy_gettext as _l

# Christmas Eve and New Year's Eve are not public holidays by law, but workplaces
# and the municipality are closed, so nobody answers the phone on them either.
CLOSED_BY_CUSTOM = ((12, 24), (12, 31))


@lru_cache(maxsize=32)
def days_off(year: int) -> frozenset[date]:
    """The Danish public holidays of a year, and the days closed by custom."""
    public = holidays.country_holidays("DK", years=year)
    return frozenset(public) | {date(year, month, day) for month, day in CLOSED_BY_CUSTOM}


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in days_off(day.year)


def on_or_after(day: date) -> date:
    """The day itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def next_working_day(day: date) -> date:
    """The first working day after `day` (Friday gives Monday, Wednesday before Easter gives the Tuesday after)."""
    return on_or_after(day + timedelta(days=1))


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
