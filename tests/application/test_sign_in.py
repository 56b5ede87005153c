"""Signing in: the throttle, the log, the session generation; on the in-memory store, SQLite and PostgreSQL."""

from datetime import timedelta

import pytest

import crm.credentials as credentials_module
from crm.credentials import HASH_METHOD_VAR
from crm.permissions import SYSTEM_ACTOR_ID
from crm.sign_in.throttle import ACCOUNT, ADDRESS
from tests.support import make_team

PASSWORD = "kaffe-og-kage"
OFFICE = "10.20.30.40"


@pytest.fixture
def team(app):
    team = make_team(app)
    app.set_password(team.admin, team.recruiter, PASSWORD)
    return team


def events(app, **filters):
    return [(e["event"], e["username"], e["detail"]) for e in reversed(app.sign_in_log.entries(**filters))]


class TestTheLog:
    def test_a_sign_in_is_logged_with_the_user_the_time_and_the_address(self, app, team, clock):
        result = app.sign_in(" Mette ", PASSWORD, OFFICE)
        assert result.user_id == team.recruiter and result.locked is None
        [entry] = app.sign_in_log.entries(event="signed_in")
        assert (entry["username"], entry["user_id"], entry["address"]) == ("mette", team.recruiter, OFFICE)
        assert entry["at"] == clock.now().replace(tzinfo=None)

    def test_a_wrong_password_and_an_unknown_name_are_logged_with_the_name_tried(self, app, team):
        assert app.sign_in("mette", "forkert-kode", OFFICE).user_id is None
        assert app.sign_in("ukendt", PASSWORD, OFFICE).user_id is None
        # Check the failure names no user: the log must not tell which names exist either.
        assert events(app, event="failed") == [("failed", "mette", None), ("failed", "ukendt", None)]
        assert {e["user_id"] for e in app.sign_in_log.entries(event="failed")} == {None}

    def test_a_password_change_is_logged_with_who_changed_it(self, app, team):
        app.set_password(team.admin, team.recruiter, "hestehave-ved-skoven", address=OFFICE)
        entry = app.sign_in_log.entries(event="password_changed")[0]
        assert (entry["username"], entry["user_id"], entry["actor_id"], entry["address"]) == (
            "mette",
            team.recruiter,
            team.admin,
            OFFICE,
        )

    def test_sign_out_is_logged(self, app, team):
        app.sign_out(team.recruiter, OFFICE)
        assert events(app) == [("password_changed", "mette", None), ("signed_out", "mette", None)]

    def test_control_characters_and_a_huge_name_are_stored_without_them(self, app, team):
        """PostgreSQL refuses a NUL in text: a name sent with one must not break the sign-in."""
        assert app.sign_in("mette\x00", PASSWORD, "10.0.0.1\x00").user_id == team.recruiter
        app.sign_in("x" * 1_000_000, "forkert-kode", OFFICE)
        assert events(app, username="\x00METTE")[-1] == ("signed_in", "mette", None)
        assert app.sign_in_log.entries(event="signed_in")[0]["address"] == "10.0.0.1"
        assert app.sign_in_log.entries(event="failed")[0]["username"] == "x" * 256


class TestTheAccountLimit:
    def test_five_failures_lock_the_account_and_the_right_password_waits_for_the_lock(self, app, team, clock):
        for _ in range(ACCOUNT.failures - 1):
            assert app.sign_in("mette", "forkert-kode", OFFICE).locked is None
        fifth = app.sign_in("mette", "forkert-kode", OFFICE)
        assert fifth.locked.scope == "account"
        assert fifth.locked.until == (clock.now() + ACCOUNT.lockout).replace(tzinfo=None)
        # Check the right password is refused unchecked while the lock lasts, also from another address.
        refused = app.sign_in("mette", PASSWORD, "192.0.2.7")
        assert refused.user_id is None and refused.locked == fifth.locked
        assert events(app, event="locked_out") == [("locked_out", "mette", "account")]
        assert events(app, event="refused") == [("refused", "mette", "account")]
        clock.advance(ACCOUNT.lockout)
        assert app.sign_in("mette", PASSWORD, OFFICE).user_id == team.recruiter

    def test_a_success_starts_the_count_again(self, app, team):
        for _ in range(ACCOUNT.failures - 1):
            app.sign_in("mette", "forkert-kode", OFFICE)
        assert app.sign_in("mette", PASSWORD, OFFICE).user_id == team.recruiter
        for _ in range(ACCOUNT.failures - 1):
            assert app.sign_in("mette", "forkert-kode", OFFICE).locked is None

    def test_failures_spread_beyond_the_window_do_not_lock(self, app, team, clock):
        for _ in range(3 * ACCOUNT.failures):
            assert app.sign_in("mette", "forkert-kode", OFFICE).locked is None
            clock.advance(ACCOUNT.window / (ACCOUNT.failures - 1))
        assert app.sign_in("mette", PASSWORD, OFFICE).user_id == team.recruiter

    def test_an_unknown_name_is_locked_like_a_known_one(self, app, team):
        answers = [app.sign_in("ukendt", "forkert-kode", OFFICE).locked for _ in range(ACCOUNT.failures + 1)]
        assert [a.scope if a else None for a in answers] == [None] * (ACCOUNT.failures - 1) + ["account"] * 2


class TestTheAddressLimit:
    def test_many_names_tried_from_one_address_lock_the_address_only(self, app, team, clock):
        for number in range(ADDRESS.failures - 1):
            assert app.sign_in(f"navn{number}", "forkert-kode", OFFICE).locked is None
        assert app.sign_in("navn-sidste", "forkert-kode", OFFICE).locked.scope == "address"
        assert app.sign_in("mette", PASSWORD, OFFICE).locked.scope == "address"
        # Check the same user signs in from another address meanwhile.
        assert app.sign_in("mette", PASSWORD, "192.0.2.7").user_id == team.recruiter
        clock.advance(ADDRESS.lockout)
        assert app.sign_in("mette", PASSWORD, OFFICE).user_id == team.recruiter

    def test_colleagues_signing_in_from_one_office_never_use_up_its_allowance(self, app, team):
        for _ in range(2 * ADDRESS.failures):
            assert app.sign_in("mette", PASSWORD, OFFICE).user_id == team.recruiter
        # A few typos among them do not lock the office either.
        for _ in range(ACCOUNT.failures - 1):
            assert app.sign_in("mette", "forkert-kode", OFFICE).locked is None


class TestSessions:
    def test_the_session_generation_comes_with_the_sign_in(self, app, team):
        result = app.sign_in("mette", PASSWORD, OFFICE)
        assert app.signed_in_user(team.recruiter, result.generation)["username"] == "mette"

    def test_signing_out_ends_every_session_of_the_user(self, app, team):
        first = app.sign_in("mette", PASSWORD, OFFICE).generation
        second = app.sign_in("mette", PASSWORD, "192.0.2.7").generation
        app.sign_out(team.recruiter, OFFICE)
        assert app.signed_in_user(team.recruiter, first) is None
        assert app.signed_in_user(team.recruiter, second) is None
        assert app.signed_in_user(team.recruiter, app.sign_in("mette", PASSWORD, OFFICE).generation) is not None

    def test_a_password_change_ends_every_session_of_that_user_only(self, app, team):
        app.set_password(SYSTEM_ACTOR_ID, team.auditor, "revisor-kode-77")
        mette = app.sign_in("mette", PASSWORD, OFFICE).generation
        birgit = app.sign_in("birgit", "revisor-kode-77", OFFICE).generation
        app.change_own_password(team.recruiter, "hestehave-ved-skoven")
        assert app.signed_in_user(team.recruiter, mette) is None
        assert app.signed_in_user(team.auditor, birgit) is not None

    def test_a_disabled_user_has_no_session(self, app, team):
        generation = app.sign_in("mette", PASSWORD, OFFICE).generation
        app.disable_user(team.admin, team.recruiter)
        assert app.signed_in_user(team.recruiter, generation) is None

    def test_a_session_without_a_generation_is_no_session(self, app, team):
        assert app.signed_in_user(team.recruiter, None) is None


def test_the_sign_in_log_is_read_a_page_at_a_time(app, team):
    for number in range(5):
        app.sign_in(f"navn{number}", "forkert-kode", f"192.0.2.{number}")
    first = app.sign_in_log.entries(limit=2)
    older = app.sign_in_log.entries(limit=10, before_id=first[-1]["id"])
    assert [e["username"] for e in first + older] == ["navn4", "navn3", "navn2", "navn1", "navn0", "mette"]
    assert timedelta(0) <= first[0]["at"] - older[-1]["at"]


def test_an_unknown_name_is_answered_as_slowly_as_a_known_one(app, team, monkeypatch):
    """Both check the typed password against a hash of the same cost, so the time of the answer does not tell
    which names exist. (What is compared is the work done, not the seconds: timing two answers on a shared
    machine failed now and then, the fastest unknown name once half the fastest known one.)"""
    monkeypatch.setenv(HASH_METHOD_VAR, "pbkdf2:sha256:200000")
    app.set_password(team.admin, team.recruiter, "hestehave-ved-skoven")
    checked: list[str] = []

    def check(hashed: str, typed: str) -> bool:
        checked.append(hashed.split("$")[0])  # the method and its cost, e.g. pbkdf2:sha256:200000
        return real_check(hashed, typed)

    real_check = credentials_module.check_password_hash
    monkeypatch.setattr(credentials_module, "check_password_hash", check)
    assert app.sign_in("mette", "forkert-kode", OFFICE).user_id is None
    assert app.sign_in("ukendt", "forkert-kode", OFFICE).user_id is None
    assert app.sign_in("x" * 300, "forkert-kode", OFFICE).user_id is None
    assert checked == ["pbkdf2:sha256:200000"] * 3
