"""API tokens in the application's database (SQLite file and PostgreSQL): made, found by hash, expired, revoked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crm.errors import InvalidInput, NotAllowed, NotFound
from crm.permissions import SYSTEM_ACTOR_ID
from tests.support import make_team


def test_a_token_works_as_its_user_until_it_expires_or_is_revoked_in_every_process(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    new = app.create_api_token(team.recruiter, team.recruiter, "Sagssystem", date(2026, 3, 3))
    other_process = sql_database.app(clock=clock)
    use = other_process.api_tokens.authenticate(new.token, clock.now())
    assert use is not None and use.user_id == team.recruiter and use.token_id == new.token_id
    assert other_process.api_tokens.authenticate(new.token + "x", clock.now()) is None
    [row] = app.api_tokens_of(team.recruiter, team.recruiter)
    assert row["last_used_at"] is not None and row["expires_at"] is not None
    clock.advance(timedelta(days=2))
    assert app.api_tokens.authenticate(new.token, clock.now()) is None
    lasting = app.create_api_token(SYSTEM_ACTOR_ID, team.recruiter, "Varig")
    app.revoke_api_token(team.admin, lasting.token_id)
    assert other_process.api_tokens.authenticate(lasting.token, clock.now()) is None


def test_only_the_user_or_an_administrator_makes_lists_and_revokes_a_users_tokens(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    with pytest.raises(NotAllowed):
        app.create_api_token(team.consultant, team.recruiter, "x")
    with pytest.raises(NotAllowed):
        app.api_tokens_of(team.consultant, team.recruiter)
    new = app.create_api_token(team.admin, team.recruiter, "Til Mette")
    with pytest.raises(NotAllowed):
        app.revoke_api_token(team.consultant, new.token_id)
    with pytest.raises(NotFound):
        app.revoke_api_token(team.admin, team.admin)
    with pytest.raises(InvalidInput):
        app.create_api_token(team.recruiter, team.recruiter, "")
    with pytest.raises(InvalidInput):
        app.create_api_token(team.recruiter, team.recruiter, "x", date(2020, 1, 1))
