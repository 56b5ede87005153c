"""Every view rebuilt together: the log read and decoded once for all of them, each view as its own rebuild makes it."""

from __future__ import annotations

from projections.runner import Projector
from tests.random_commands import RandomHistory
from tests.support import statements_on


def rows_of(projector: Projector, name: str) -> dict[str, list[dict]]:
    view = projector.projections[name].view
    return {table.name: view.rows(table) for table in view.view_tables}


def test_the_views_rebuilt_together_read_the_log_once_and_equal_their_rebuilds_one_by_one(sql_database, clock):
    app = sql_database.app(clock=clock)
    RandomHistory.start(app, clock, seed=7).run(150)
    projector = Projector(app)
    head = app.recorder.max_notification_id()
    one_by_one = {}
    for name in projector.projections:
        projector.rebuild(name, batch_size=25)
        one_by_one[name] = rows_of(projector, name)
    assert sum(len(rows) for rows in one_by_one["outreach"].values()) > 50

    generations = {name: projector.projections[name].view.generation for name in projector.projections}
    with statements_on(app.factory.datastore.engine) as statements:
        assert projector.rebuild_together(batch_size=25) == []
    # One read of each batch for every view at once, where each rebuild above read every batch for itself.
    assert len([s for s in statements if "crm_events.state" in s]) == -(-head // 25)
    for name in projector.projections:
        view = projector.projections[name].view
        assert view.generation > generations[name] and view.position() == head, name
        assert rows_of(projector, name) == one_by_one[name], name
