"""Replays of the past are kept per moment and generation, a few at a time, for a while."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

import projections
from projections.users import UsersProjection
from tests.support import make_team


@pytest.fixture
def town(sql_database, clock):
    app = sql_database.app(clock=clock)
    make_team(app)
    clock.advance(timedelta(hours=1))
    return app, clock


def replayer(app, moment, made):
    def replay():
        made.append(moment)
        return projections.as_of(app, moment, projection_classes=[UsersProjection])

    return replay


def test_the_second_look_at_a_moment_reads_the_kept_replay(town):
    app, clock = town
    replays, made, moment = projections.Replays(), [], clock.now()
    with replays.of("users", moment, None, replayer(app, moment, made)) as first:
        users = first["users"].owners()
    with replays.of("users", moment, None, replayer(app, moment, made)) as second:
        assert second is first and second["users"].owners() == users
    assert made == [moment]


def test_a_new_generation_is_replayed_afresh(town):
    app, clock = town
    replays, made, moment = projections.Replays(), [], clock.now()
    with replays.of("users", moment, "before the erasure", replayer(app, moment, made)):
        pass
    with replays.of("users", moment, "after the erasure", replayer(app, moment, made)):
        pass
    assert made == [moment, moment]


def test_only_the_most_recently_used_are_kept(town):
    app, clock = town
    replays, made = projections.Replays(size=2), []
    moments = [clock.now() - timedelta(minutes=n) for n in range(3)]
    for moment in [moments[0], moments[1], moments[0], moments[2], moments[0], moments[1]]:
        with replays.of("users", moment, None, replayer(app, moment, made)):
            pass
    # moments[1] was the least recently used when moments[2] came, so it is replayed again at the end.
    assert made == [moments[0], moments[1], moments[2], moments[1]]


def test_a_replay_is_kept_for_a_while_only(town):
    app, clock = town
    now = [0.0]
    replays, made, moment = projections.Replays(seconds=60, now=lambda: now[0]), [], clock.now()
    with replays.of("users", moment, None, replayer(app, moment, made)):
        pass
    now[0] = 61.0
    with replays.of("users", moment, None, replayer(app, moment, made)):
        pass
    assert made == [moment, moment]


def test_a_replay_made_by_one_request_is_read_by_another_thread(town):
    """Web servers answer each request on a thread of their own: the in-memory store is shared between them."""
    app, clock = town
    replays, made, moment = projections.Replays(), [], clock.now()
    with replays.of("users", moment, None, replayer(app, moment, made)) as first:
        expected = first["users"].owners()
    found: list[object] = []

    def another_request() -> None:
        with replays.of("users", moment, None, replayer(app, moment, made)) as kept:
            found.append(kept["users"].owners())

    thread = threading.Thread(target=another_request)
    thread.start()
    thread.join(timeout=30)
    assert found == [expected] and made == [moment]
