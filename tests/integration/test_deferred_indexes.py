"""A generation being built is filled without the indexes its view defers, and has them once it goes live;
its statistics leave out the free text no query compares as stored.

The timeline's company index and the event log's filter indexes are read by the screens only;
a rebuild loads the rows first and makes those indexes in one go when the generation goes live.
"""

from __future__ import annotations

from sqlalchemy import inspect, text

from projections.event_log import EventIndexProjection, audit_events
from projections.generations import physical_name
from projections.outreach import OutreachProjection
from projections.outreach_tables import companies
from projections.runner import Projector
from projections.timeline import TimelineProjection, timeline
from tests.support import hansen_transport, make_team

VIEWS = (TimelineProjection, EventIndexProjection, OutreachProjection)
DEFERRED = {
    "timeline": (timeline, {"rm_timeline_company"}),
    "outreach": (
        companies,
        {
            "rm_companies_stage",
            "rm_companies_queue",
            "rm_companies_board",
            "rm_companies_stalled",
            "rm_companies_follow_up",
            "rm_companies_search_name",
            "rm_companies_search_folded",
            "rm_companies_calls",
            "rm_companies_due",
            "rm_companies_reapproach",
        },
    ),
    "audit_events": (
        audit_events,
        {
            "rm_audit_events_actor",
            "rm_audit_events_aggregate",
            "rm_audit_events_type",
            "rm_audit_events_time",
        },
    ),
}


def index_names(projector: Projector, name: str, generation: int) -> set[str]:
    """The table's indexes, read from the catalog: SQLAlchemy does not reflect SQLite's indexes on
    expressions (rm_companies_calls), and the primary key's is left out."""
    table, _deferred = DEFERRED[name]
    engine = projector.datastore.engine
    physical = physical_name(table.name, generation)
    if engine.dialect.name == "postgresql":
        keys = {inspect(engine).get_pk_constraint(physical)["name"]}
        query = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = :name"
    else:
        keys = set()
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :name AND sql IS NOT NULL"
    with engine.connect() as connection:
        return set(connection.execute(text(query), {"name": physical}).scalars()) - keys


def rebuilt_seeing_indexes(projector: Projector, name: str, generation: int) -> list[set[str]]:
    """Rebuild the view, noting the indexes of the generation being built after each batch."""
    seen: list[set[str]] = []
    projector.rebuild(name, batch_size=2, progress=lambda *_: seen.append(index_names(projector, name, generation)))
    return seen


def test_a_rebuild_fills_its_generation_without_the_deferred_indexes_and_makes_them_when_it_goes_live(
    sql_database, clock
):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    hansen_transport(app, team.recruiter)
    projector = Projector(app, projection_classes=VIEWS)
    projector.catch_up()
    for name, (table, deferred) in DEFERRED.items():
        live = projector[name].generation
        # A new database's first generation went live at once, with every index.
        assert index_names(projector, name, live) == {physical_name(i, live) for i in deferred}
        before = projector[name].rows(table)

        fresh_generation = live + 1
        seen = rebuilt_seeing_indexes(projector, name, fresh_generation)

        assert projector[name].generation == fresh_generation
        assert seen and all(found == set() for found in seen)  # filled without them
        assert index_names(projector, name, fresh_generation) == {physical_name(i, fresh_generation) for i in deferred}
        assert projector[name].rows(table) == before


def test_the_timelines_free_text_is_left_out_of_the_planners_statistics_on_postgresql(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    hansen_transport(app, team.recruiter)
    projector = Projector(app, projection_classes=VIEWS)
    projector.rebuild("timeline")
    physical = physical_name(timeline.name, projector["timeline"].generation)
    engine = projector.datastore.engine
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            query = "SELECT attname FROM pg_stats WHERE schemaname = current_schema() AND tablename = :name"
            analysed = set(connection.execute(text(query), {"name": physical}).scalars())
            assert {"company_id", "notification_id", "event_type"} <= analysed
            assert not {"data", "reason"} & analysed
        else:  # SQLite keeps statistics of indexes only, and analyses the whole table
            query = "SELECT tbl FROM sqlite_stat1 WHERE tbl = :name"
            assert connection.execute(text(query), {"name": physical}).first() is not None
