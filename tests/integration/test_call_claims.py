"""Call mode's claims hold across server processes: two application instances on one database."""

from __future__ import annotations

import threading
from datetime import timedelta
from uuid import uuid4

from tests.support import make_team


def test_a_company_claimed_on_one_server_is_refused_on_the_other_until_it_expires(sql_database, clock):
    first, second = sql_database.app(clock=clock), sql_database.app(clock=clock)
    team = make_team(first)
    company = uuid4()
    assert first.call_claims.claim(company, team.recruiter)
    assert not second.call_claims.claim(company, team.consultant)
    assert second.call_claims.held_by_others(team.consultant) == {company}
    assert second.call_claims.claim(company, team.recruiter)  # the holder renews it anywhere
    clock.advance(timedelta(minutes=11))
    assert second.call_claims.claim(company, team.consultant)
    assert not first.call_claims.claim(company, team.recruiter)


def test_a_released_claim_frees_the_company_at_once(sql_database, clock):
    app = sql_database.app(clock=clock)
    company, mette, jonas = uuid4(), uuid4(), uuid4()
    app.call_claims.claim(company, mette)
    app.call_claims.release(company, jonas)  # only the holder gives it back
    assert not app.call_claims.claim(company, jonas)
    app.call_claims.release(company, mette)
    assert app.call_claims.claim(company, jonas)


def test_recruiters_asking_at_the_same_moment_get_it_once(sql_database, clock):
    servers = [sql_database.app(clock=clock) for _ in range(2)]
    company = uuid4()
    won: list[bool] = []
    start = threading.Barrier(8)

    def ask(index: int) -> None:
        start.wait()
        won.append(servers[index % 2].call_claims.claim(company, uuid4()))

    threads = [threading.Thread(target=ask, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False] * 7 + [True]
