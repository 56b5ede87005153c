"""A server killed with SIGKILL mid-write loses nothing it acknowledged (the short version of benchmarks/kills.py)."""

from __future__ import annotations

import pytest

from tests import kills
from tests.databases import postgres_url, private_schema_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kills.sqlite3'}"
    return private_schema_url(postgres_url())


def test_every_acknowledged_write_survives_a_kill_and_the_chain_and_read_models_hold(url, tmp_path):
    outcome = kills.run(url, tmp_path, kills=1, writers=3, writes=(3, 6))
    result = kills.check(url, outcome, tmp_path)
    assert outcome.kills == 2 and outcome.companies, outcome  # one kill in the middle, one at the end
    assert result["missing_companies"] == [] and result["missing_contacts"] == []
    assert result["audit_verify_exit"] == 0, result["audit_verify_output"]
    assert result["views_behind_or_failed"] == [] and result["companies_not_in_read_model"] == []
