"""An aggregate's events read with SQLAlchemy Core (storage/selecting.py) are what the library's ORM read returns,
for every bound and order the repository asks for, on the events and on the snapshots."""

from __future__ import annotations

from uuid import uuid4

import pytest
from eventsourcing_sqlalchemy.recorders import SQLAlchemyAggregateRecorder

from crm.companies import Company
from tests.support import hansen_transport, make_team

ASKS = [
    {},
    {"gt": 2},
    {"lte": 3},
    {"gt": 1, "lte": 4},
    {"desc": True},
    {"desc": True, "limit": 1},
    {"limit": 2},
    {"gt": 2, "desc": True, "limit": 2},
    {"gt": 99},
]


@pytest.mark.parametrize("ask", ASKS, ids=lambda a: ",".join(f"{k}={v}" for k, v in a.items()) or "all")
def test_the_core_read_returns_what_the_librarys_orm_read_returns(sql_database, clock, ask):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    for stage in ("contacted", "meeting", "contacted"):
        app.move_company(team.recruiter, company_id, stage)
    recorder = app.recorder

    core = recorder.select_events(company_id, **ask)
    library = SQLAlchemyAggregateRecorder.select_events(recorder, company_id, **ask)
    assert [(e.originator_id, e.originator_version, e.topic, e.state) for e in core] == [
        (e.originator_id, e.originator_version, e.topic, e.state) for e in library
    ]
    assert all(type(e.state) is bytes for e in core)
    assert recorder.select_events(uuid4(), **ask) == []


def test_a_loaded_aggregate_is_the_same_through_the_snapshots_core_read(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    for _ in range(30):  # past the snapshot interval (50)
        app.move_company(team.recruiter, company_id, "contacted")
        app.move_company(team.recruiter, company_id, "meeting")
    snapshots = app.snapshots.recorder
    newest = snapshots.select_events(company_id, desc=True, limit=1)
    library = SQLAlchemyAggregateRecorder.select_events(snapshots, company_id, desc=True, limit=1)
    assert [(s.originator_version, s.state) for s in newest] == [(s.originator_version, s.state) for s in library]
    assert [s.originator_version for s in newest] == [50]
    fresh = sql_database.app(clock=clock)
    assert fresh.load(Company, company_id).version == app.load(Company, company_id).version
