from datetime import date

import pytest

from web.workdays import is_working_day, next_working_day, one_month_after, quick_picks


def picks(today: date) -> dict[str, date]:
    return {key: day for key, _label, day in quick_picks(today)}


def test_the_day_after_a_friday_is_the_monday():
    assert next_working_day(date(2026, 3, 6)) == date(2026, 3, 9)


def test_easter_2026_skips_maundy_thursday_to_easter_monday():
    # Wednesday 1 April: Maundy Thursday 2, Good Friday 3, the weekend, Easter Monday 6 April.
    assert next_working_day(date(2026, 4, 1)) == date(2026, 4, 7)
    for holiday in (date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 6)):
        assert not is_working_day(holiday)


def test_christmas_and_new_year_are_skipped():
    # 23 December 2026 is a Wednesday; 24-26 December and the weekend after are closed.
    assert next_working_day(date(2026, 12, 23)) == date(2026, 12, 28)
    assert next_working_day(date(2026, 12, 30)) == date(2027, 1, 4)


def test_ascension_day_and_whit_monday_are_not_working_days():
    assert not is_working_day(date(2026, 5, 14))
    assert not is_working_day(date(2026, 5, 25))
    assert is_working_day(date(2026, 5, 15))


def test_quick_picks_on_an_ordinary_monday():
    assert picks(date(2026, 3, 2)) == {
        "tomorrow": date(2026, 3, 3),
        "in_2_days": date(2026, 3, 4),
        "next_week": date(2026, 3, 9),
        "in_2_weeks": date(2026, 3, 16),
        "in_a_month": date(2026, 4, 7),  # 2 April is Maundy Thursday: the Tuesday after Easter
    }


def test_quick_picks_on_a_friday_count_working_days():
    assert picks(date(2026, 3, 6))["tomorrow"] == date(2026, 3, 9)
    assert picks(date(2026, 3, 6))["in_2_days"] == date(2026, 3, 10)


def test_quick_picks_before_easter_land_after_it():
    found = picks(date(2026, 3, 26))  # Thursday, one week before Maundy Thursday
    assert found["tomorrow"] == date(2026, 3, 27)
    assert found["next_week"] == date(2026, 4, 7)
    assert found["in_2_weeks"] == date(2026, 4, 9)


def test_every_quick_pick_is_a_working_day_after_today_all_year():
    day = date(2026, 1, 1)
    while day.year == 2026:
        for key, _label, picked in quick_picks(day):
            assert picked > day and is_working_day(picked), (day, key, picked)
        day = date.fromordinal(day.toordinal() + 1)


@pytest.mark.parametrize(
    "day, expected",
    [
        pytest.param(date(2026, 1, 31), date(2026, 2, 28), id="end of January to end of February"),
        pytest.param(date(2028, 1, 31), date(2028, 2, 29), id="leap year"),
        pytest.param(date(2026, 12, 15), date(2027, 1, 15), id="over the new year"),
    ],
)
def test_one_month_after_keeps_the_day_or_the_month_end(day, expected):
    assert one_month_after(day) == expected
