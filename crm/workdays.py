"""Danish working days: weekends, public holidays, and the days the municipality is closed by custom.

On the write side, because a command decides on them (an absence's first day back, crm/users.py);
the screens' quick picks build on the same days (web/workdays.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

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
