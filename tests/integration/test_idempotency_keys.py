"""The idempotency keys' table on SQLite and PostgreSQL: one claim wins, however many processes try at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from uuid import uuid4

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_a_key_is_run_once_then_replayed_and_refused_for_another_request(sql_database):
    keys = sql_database.app().idempotency
    user = uuid4()
    assert keys.claim(user, "k", "print-1", NOW).outcome == "run"
    assert keys.claim(user, "k", "print-1", NOW).outcome == "busy"
    keys.answer(user, "k", 201, '{"ok": true}', "/api/v1/companies/1")
    replay = keys.claim(user, "k", "print-1", NOW)
    assert (replay.outcome, replay.status, replay.body, replay.location) == (
        "replay",
        201,
        '{"ok": true}',
        "/api/v1/companies/1",
    )
    assert keys.claim(user, "k", "print-2", NOW).outcome == "reused"
    assert keys.claim(uuid4(), "k", "print-2", NOW).outcome == "run"


def test_a_released_key_runs_again(sql_database):
    keys = sql_database.app().idempotency
    user = uuid4()
    keys.claim(user, "k", "p", NOW)
    keys.release(user, "k")
    assert keys.claim(user, "k", "p", NOW).outcome == "run"


def test_of_many_processes_claiming_one_key_at_once_exactly_one_runs(sql_database):
    apps = [sql_database.app() for _ in range(4)]
    user = uuid4()
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda i: apps[i % 4].idempotency.claim(user, "race", "p", NOW).outcome, range(16)))
    assert sorted(outcomes) == ["busy"] * 15 + ["run"]
