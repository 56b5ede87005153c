import pytest

from crm.credentials import MAX_LENGTH, MIN_LENGTH, check_password_rules, common_passwords
from crm.errors import InvalidInput


def problem(password: str, username: str = "", display_name: str = "") -> str:
    with pytest.raises(InvalidInput) as caught:
        check_password_rules(password, username, display_name)
    return caught.value.params["problem"]


@pytest.mark.parametrize("password", ["sommer2024", "Velkommen1", "password", "12345678", "aaaaaaaa", "kort"])
def test_the_passwords_found_in_use_are_all_refused(password):
    with pytest.raises(InvalidInput):
        check_password_rules(password)


def test_fewer_than_twelve_characters_are_refused_with_the_limit():
    assert len("kaffe-og-ka") == MIN_LENGTH - 1
    assert problem("kaffe-og-ka") == "at least %(limit)s characters"
    assert check_password_rules("kaffe-og-kag") == "kaffe-og-kag"


def test_a_password_longer_than_anyone_types_is_refused():
    assert problem("kaffe-og-kage " * 40) == "at most %(limit)s characters"
    assert len("kaffe-og-kage " * 40) > MAX_LENGTH


@pytest.mark.parametrize(
    "password",
    [
        pytest.param("password1234", id="english-list-with-digits"),
        pytest.param("Velkommen2024!", id="danish-word-with-year-and-symbol"),
        pytest.param("Sommerferie2025", id="danish-holiday"),
        pytest.param("2024-københavn!", id="town-with-digits-before"),
        pytest.param("Qwertyuiopå12", id="danish-keyboard-row"),
        pytest.param("sommersommer", id="a-common-word-twice"),
        pytest.param("123456789012", id="digits-only"),
        pytest.param("!!!!2024????", id="no-word-at-all"),
        pytest.param("abababababab", id="two-characters"),
        pytest.param("aaaaaaaaaaaa", id="one-character"),
    ],
)
def test_common_passwords_and_their_variations_are_refused(password):
    assert len(password) >= MIN_LENGTH
    assert problem(password) == "is too common or too easy to guess"


def test_the_lists_hold_english_and_danish_favourites():
    words = common_passwords()
    assert {"password", "qwerty", "123456", "velkommen", "sommer", "kodeord", "adgangskode"} <= words
    assert len(words) > 19_000


@pytest.mark.parametrize(
    "password, username, display_name",
    [
        pytest.param("mette-er-den-bedste", "mette", "Mette Kjær", id="username"),
        pytest.param("Kjaer-er-den-bedste", "mk", "Mette Kjaer", id="surname"),
        pytest.param("hej med dig Kjær 9", "mk", "Mette Kjær", id="name-with-danish-letter"),
        pytest.param("M.E.T.T.E-kaffe-77", "mette", "", id="username-spelled-out"),
    ],
)
def test_the_users_own_name_is_refused(password, username, display_name):
    assert problem(password, username, display_name) == "must not contain the username or the user's name"


@pytest.mark.parametrize("password", ["kaffe-og-kage", "Tre grønne frøer 2026", "hestehave-ved-skoven-9"])
def test_long_uncommon_passwords_are_accepted(password):
    assert check_password_rules(password, "mette", "Mette Kjær") == password
