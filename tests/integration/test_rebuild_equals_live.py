"""A full rebuild produces exactly the rows the live, incrementally maintained read models hold."""

from __future__ import annotations

from datetime import UTC, datetime

from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm.clock import SimulatedClock
from projections.runner import Projector
from tests.databases import open_database
from tests.random_commands import RandomHistory

COMMANDS = 2000


def all_rows(projector: Projector) -> dict[str, list[dict]]:
    return {
        table.name: projection.view.rows(table)
        for projection in projector.projections.values()
        for table in projection.view.view_tables
    }


@settings(
    max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), catch_up_every=st.integers(min_value=1, max_value=9))
def test_rebuild_from_position_zero_equals_the_live_tables_after_random_commands(
    tmp_path_factory, seed, catch_up_every
):
    database = open_database("sqlite", tmp_path_factory.mktemp("rebuild"))
    try:
        clock = SimulatedClock(datetime(2026, 3, 2, 8, tzinfo=UTC))
        app = database.app(clock=clock)
        live = Projector(app)
        history = RandomHistory.start(app, clock, seed)

        def maybe_catch_up(i: int) -> None:
            if i % catch_up_every == 0:
                live.catch_up(batch_size=50)

        history.run(COMMANDS, after_each=maybe_catch_up)
        live.catch_up(batch_size=50)

        rebuilt = Projector(app, datastore=SQLAlchemyDatastore(url="sqlite:///:memory:"))
        rebuilt.catch_up(batch_size=1000)

        # Check the history was rich: most kinds of command were accepted, and refusals happened too.
        assert history.accepted > COMMANDS // 2 and history.refused > 0
        assert all_rows(rebuilt) == all_rows(live)
    finally:
        database.close()
