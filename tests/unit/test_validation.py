from datetime import date, datetime, timedelta

import pytest

from crm.errors import InvalidCvr, InvalidInput
from crm.validation import (
    DATABASE_INTEGER_MAX,
    EARLIEST_DAY,
    MAX_PLANNED,
    NOTE_LENGTH,
    PLANNING_YEARS,
    count,
    latest_planned_day,
    normalise_cvr,
    normalise_email,
    normalise_p_number,
    normalise_phone,
    optional_text,
    past_day,
    planned_day,
    required_text,
    text_list,
)


@pytest.mark.parametrize(
    "typed, stored",
    [
        pytest.param("10000009", "10000009", id="plain"),
        pytest.param("1000 0009", "10000009", id="spaced"),
        pytest.param("DK10000009", "10000009", id="vat-prefix"),
        pytest.param("", None, id="public-workplace-without-cvr"),
    ],
)
def test_a_cvr_number_is_normalised_to_eight_digits(typed, stored):
    assert normalise_cvr(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("10000008", id="wrong-check-digit"),
        pytest.param("1000009", id="seven-digits"),
        pytest.param("01000009", id="leading-zero"),
        pytest.param("1000000a", id="letter"),
    ],
)
def test_a_cvr_number_failing_the_modulus_11_check_is_refused(typed):
    with pytest.raises(InvalidCvr) as caught:
        normalise_cvr(typed)
    assert caught.value.code == "invalid_cvr"


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("12 34 56 78", "+4512345678"),
        ("+45 12345678", "+4512345678"),
        ("0045 12 34 56 78", "+4512345678"),
        ("+46 70 123 45 67", "+46701234567"),
        ("", None),
    ],
)
def test_phone_numbers_are_stored_in_one_form(typed, stored):
    assert normalise_phone(typed) == stored


def test_a_phone_number_with_letters_is_refused():
    with pytest.raises(InvalidInput) as caught:
        normalise_phone("ring til Mette")
    assert caught.value.params["field"] == "phone"


def test_an_email_keeps_its_local_part_and_lowercases_the_domain():
    assert normalise_email(" Mette.Kjaer@Hansen-Transport.DK ") == "Mette.Kjaer@hansen-transport.dk"


def test_an_email_without_a_domain_is_refused():
    with pytest.raises(InvalidInput):
        normalise_email("mette@")


def test_a_p_number_has_ten_digits():
    assert normalise_p_number("1012 345 678") == "1012345678"
    with pytest.raises(InvalidInput):
        normalise_p_number("12345")


# --- bounds: every value that enters is within a range, a window or a length -----------------------


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(10**20, id="beyond-every-database-integer"),
        pytest.param(10_001, id="beyond-the-domain-maximum"),
        pytest.param(-1, id="negative"),
        pytest.param(True, id="a-boolean"),
        pytest.param("5", id="text"),
        pytest.param(2.5, id="a-fraction"),
    ],
)
def test_a_count_outside_zero_to_its_maximum_is_refused_with_the_range(value):
    with pytest.raises(InvalidInput) as caught:
        count("health_checks", value, MAX_PLANNED)
    assert caught.value.params["problem"] == "must be a whole number from 0 to %(maximum)s"
    assert caught.value.params["maximum"] == MAX_PLANNED


def test_a_count_never_exceeds_what_an_integer_column_holds_whatever_the_maximum_asked():
    assert count("n", 0, 10**30) == 0 and count("n", DATABASE_INTEGER_MAX, 10**30) == DATABASE_INTEGER_MAX
    with pytest.raises(InvalidInput):
        count("n", DATABASE_INTEGER_MAX + 1, 10**30)


TODAY = date(2026, 3, 2)


def test_a_day_that_happened_lies_between_the_earliest_day_and_today():
    assert past_day("occurred_on", None, TODAY) == TODAY
    assert past_day("occurred_on", EARLIEST_DAY, TODAY) == EARLIEST_DAY
    for day, problem in [
        (TODAY + timedelta(days=1), "cannot be in the future"),
        (date(1, 1, 1), "cannot be before %(earliest)s"),
        (EARLIEST_DAY - timedelta(days=1), "cannot be before %(earliest)s"),
    ]:
        with pytest.raises(InvalidInput) as caught:
            past_day("occurred_on", day, TODAY)
        assert caught.value.params["problem"] == problem


def test_a_planned_day_lies_at_most_a_few_years_ahead():
    latest = date(2026 + PLANNING_YEARS, 3, 2)
    assert planned_day("next_follow_up", latest, TODAY) == latest
    assert planned_day("next_follow_up", None, TODAY) is None
    with pytest.raises(InvalidInput) as caught:
        planned_day("next_follow_up", date(9999, 12, 31), TODAY)
    assert caught.value.params["problem"] == "cannot be after %(latest)s"
    assert caught.value.params["latest"] == latest.isoformat()
    with pytest.raises(InvalidInput):
        planned_day("next_follow_up", TODAY - timedelta(days=1), TODAY, earliest=TODAY)


def test_a_leap_day_plans_ahead_to_the_end_of_february():
    assert latest_planned_day(date(2028, 2, 29)) == date(2028 + PLANNING_YEARS, 2, 28)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(datetime(2026, 3, 2, 12, 0), id="a-moment"),
        pytest.param("2026-03-02", id="text"),
    ],
)
def test_a_date_must_be_a_calendar_date(value):
    with pytest.raises(InvalidInput) as caught:
        past_day("occurred_on", value, TODAY)
    assert caught.value.params["problem"] == "is not a date"


def test_a_text_longer_than_its_field_allows_is_refused_with_the_limit():
    assert optional_text("note", "x" * NOTE_LENGTH) == "x" * NOTE_LENGTH
    with pytest.raises(InvalidInput) as caught:
        optional_text("note", "x" * (NOTE_LENGTH + 1))
    assert caught.value.params == {"field": "note", "problem": "at most %(limit)s characters", "limit": NOTE_LENGTH}
    with pytest.raises(InvalidInput):
        required_text("name", "Hansen " * 1_000_000)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Hansen\x00Transport", id="nul"),
        pytest.param("Hansen \ud800", id="lone-surrogate"),
        pytest.param("Hansen\x1b[2J", id="escape"),
    ],
)
def test_a_text_with_a_character_no_database_stores_is_refused(text):
    with pytest.raises(InvalidInput) as caught:
        optional_text("note", text)
    assert caught.value.params["problem"] == "contains a character that cannot be stored"


def test_line_breaks_and_tabs_are_kept_in_a_note():
    assert optional_text("note", "Ring igen\n\tefter ferien") == "Ring igen\n\tefter ferien"


def test_a_value_that_is_not_text_is_refused_as_such():
    with pytest.raises(InvalidInput) as caught:
        required_text("name", 42)
    assert caught.value.params["problem"] == "is not text"


def test_a_list_of_texts_has_a_maximum_number_of_items():
    assert text_list("requirement", ["Ledere først"], 2, 200) == ["Ledere først"]
    with pytest.raises(InvalidInput) as caught:
        text_list("requirement", ["a", "b", "c"], 2, 200)
    assert caught.value.params["problem"] == "at most %(limit)s items"


@pytest.mark.parametrize(
    "normalise, value",
    [
        pytest.param(normalise_email, "a@" + "b." * 500_000 + " ", id="email"),
        pytest.param(normalise_phone, "1" * 1_000_000, id="phone"),
        pytest.param(normalise_p_number, "1" * 1_000_000, id="p-number"),
        pytest.param(normalise_cvr, "1" * 1_000_000, id="cvr"),
    ],
)
def test_a_megabyte_typed_into_a_formatted_field_is_refused_before_any_pattern_reads_it(normalise, value):
    # Without the length bound first, the e-mail pattern's backtracking on this input takes hours.
    with pytest.raises(InvalidInput):
        normalise(value)
