import pytest

from crm.errors import InvalidCvr, InvalidInput
from crm.validation import normalise_cvr, normalise_email, normalise_p_number, normalise_phone


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
