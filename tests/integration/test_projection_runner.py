"""Catch-up guarantees: exactly once after a crash, under two concurrent processes, after a version change."""

from __future__ import annotations

import multiprocessing
import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from projections.as_of import as_of
from projections.outreach import OutreachProjection
from projections.outreach_tables import attempts, companies, contacts
from projections.outreach_view import OutreachView
from projections.pipeline import stage_counts
from projections.runner import Projector
from projections.users import UsersProjection
from projections.worker import NewEventSignal, run_forever
from tests.support import hansen_transport, make_team, statements_on

CLASSES = (UsersProjection, OutreachProjection)


def busy_history(app, team, companies_count=12, attempts_each=5):
    for i in range(companies_count):
        company_id = app.register_company(team.recruiter, name=f"Vognmand {i:02d}", industry="transport")
        app.register_contact(team.recruiter, company_id, name=f"Ejer {i}", role="top_management")
        for j in range(attempts_each):
            app.log_attempt(
                team.recruiter,
                company_id,
                "call",
                "no_answer" if j < 4 else "meeting_booked",
                next_follow_up=date(2026, 3, 2 + j),
            )


def outreach_rows(view):
    return [view.rows(table) for table in (companies, contacts, attempts)]


class PowerCut(BaseException):
    """The process dies: not an error of an event, so nothing is marked and nothing is kept."""


class CrashingOutreach(OutreachProjection):
    """The outreach projection with a power cut after a number of events."""

    def __init__(self, view, fail_after):
        super().__init__(view)
        self.fail_after = fail_after
        self.seen = 0

    def apply(self, event, tracking):  # each event, whether applied in a batch or on its own
        self.seen += 1
        if self.seen > self.fail_after:
            raise PowerCut()
        super().apply(event, tracking)


def test_a_catch_up_killed_mid_batch_ends_where_an_uninterrupted_run_ends(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    busy_history(app, team)

    crashing = CrashingOutreach(OutreachView(app.factory.datastore), fail_after=23)
    crashing.view.create_table()
    crashing.view.reset()
    projector = Projector(app, projection_classes=CLASSES)
    projector.projections["outreach"] = crashing
    with pytest.raises(PowerCut):
        projector.catch_up(batch_size=10)
    # Check only whole batches were kept: the rows of the failing batch were rolled back with its position.
    assert crashing.view.position() == 20

    restarted = Projector(app, projection_classes=CLASSES)
    restarted.catch_up()
    after_restart = outreach_rows(restarted["outreach"])
    restarted.rebuild("outreach")
    assert outreach_rows(restarted["outreach"]) == after_restart
    assert len(after_restart[2]) == 60


def catch_up_in_a_process(url, batch_size, results):
    from crm.application import CrmApplication

    app = CrmApplication.for_database(url)
    projector = Projector(app, projection_classes=CLASSES)
    results.put(projector.catch_up(["outreach"], batch_size=batch_size))


def test_two_catch_up_processes_at_once_apply_each_event_exactly_once(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    busy_history(app, team, companies_count=40, attempts_each=5)
    Projector(app, projection_classes=CLASSES)  # create the tables before the race

    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    workers = [context.Process(target=catch_up_in_a_process, args=(sql_database.url, 7, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    applied = [results.get(timeout=5) for _ in workers]

    projector = Projector(app, projection_classes=CLASSES)
    events = len(app.recorder.select_notifications(start=1, limit=100_000, topics=OutreachProjection.topics))
    # Check the two processes together applied every event once: none twice, none skipped.
    assert sum(applied) == events
    live = outreach_rows(projector["outreach"])
    projector.rebuild("outreach")
    assert outreach_rows(projector["outreach"]) == live


def test_a_projection_whose_version_changed_is_rebuilt_on_start(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    busy_history(app, team, companies_count=3, attempts_each=2)
    first = Projector(app, projection_classes=CLASSES)
    first.catch_up()
    before = outreach_rows(first["outreach"])

    class OutreachViewV2(OutreachView):
        version = OutreachView.version + 1

    class OutreachProjectionV2(OutreachProjection):
        view_class = OutreachViewV2

    upgraded = Projector(app, projection_classes=(UsersProjection, OutreachProjectionV2))
    # Check the new version is built beside the old one, which the screens read meanwhile.
    assert upgraded["outreach"].position() == 0
    assert upgraded["outreach"].stored_version() == OutreachView.version
    assert len(upgraded["outreach"].rows(companies)) == 3
    assert upgraded.catch_up(["outreach"]) == len(
        app.recorder.select_notifications(start=1, limit=10_000, topics=OutreachProjection.topics)
    )
    assert upgraded["outreach"].stored_version() == OutreachViewV2.version
    assert outreach_rows(upgraded["outreach"]) == before


def test_the_pipeline_as_of_a_past_moment_is_the_pipeline_that_stood_then(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    hansen = hansen_transport(app, team.recruiter)
    clock.advance(timedelta(weeks=1))
    app.log_attempt(team.recruiter, hansen, "call", "no_answer")
    live = Projector(app, projection_classes=CLASSES)
    live.catch_up()
    then = clock.now()
    counts_then = stage_counts(live["outreach"])
    clock.advance(timedelta(weeks=1))
    app.log_attempt(team.recruiter, hansen, "call", "meeting_booked")
    app.register_company(team.recruiter, name="Soltoft Rengøring", industry="cleaning")

    past = as_of(app, then, projection_classes=CLASSES)
    assert stage_counts(past["outreach"]) == counts_then
    assert counts_then["contacted"] == 1 and counts_then["meeting"] == 0
    # Check the live read model was not touched by the replay.
    live.catch_up()
    assert stage_counts(live["outreach"])["meeting"] == 1


def test_as_of_a_moment_before_anything_shows_an_empty_pipeline(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    hansen_transport(app, team.recruiter)
    past = as_of(app, datetime(2020, 1, 1, tzinfo=UTC), projection_classes=CLASSES)
    assert sum(stage_counts(past["outreach"]).values()) == 0


def test_the_worker_follows_new_events_until_stopped(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    projector = Projector(app, projection_classes=CLASSES)
    stop = threading.Event()
    worker = threading.Thread(target=run_forever, args=(projector, stop.is_set), kwargs={"wake_every": 0.2})
    worker.start()
    try:
        hansen_transport(app, team.recruiter)
        head = app.recorder.max_notification_id()
        deadline = time.monotonic() + 10
        while projector["outreach"].position() < head and time.monotonic() < deadline:
            time.sleep(0.05)
        assert projector["outreach"].position() >= head
        assert len(projector["outreach"].rows(companies)) == 1
    finally:
        stop.set()
        worker.join(timeout=10)
    assert not worker.is_alive()


@pytest.mark.postgres
def test_on_postgresql_the_worker_is_woken_by_the_events_notification_not_by_its_timer(tmp_path, clock):
    from tests.databases import open_database

    database = open_database("postgres", tmp_path)
    try:
        app = database.app(clock=clock)
        signal = NewEventSignal(app)
        try:
            make_team(app)
            # The transaction's NOTIFY reached the listening connection. (Whether an idle wait runs out is not
            # asserted: tests beside this one write to the same channel, in their own schemas.)
            assert signal.wait(30) is True
        finally:
            signal.close()
    finally:
        database.close()


def test_a_catch_up_moves_every_view_it_applies_to_in_one_statement(sql_database, clock):
    """The views' positions are claimed and moved together: the catch-up a command adds must not cost a round
    trip or three per view. A process that did not leave the views where they are reads their positions once,
    with the log's head; the one that did reads only the events after them, and its claim proves them."""
    app = sql_database.app(clock=clock)
    team = make_team(app)
    views = ["users", "outreach", "leads", "agreements", "timeline"]
    Projector(app).catch_up(views)
    hansen_transport(app, team.recruiter)
    projector = Projector(app)  # another process: where the views stand is not known to it
    with statements_on(projector.datastore.engine) as statements:
        assert projector.catch_up(views) > 0
    assert len([s for s in statements if s.startswith("update projection_generations")]) == 1
    states = [s for s in statements if s.startswith("select") and "from projection_generations" in s]
    assert len(states) == 1 and "max(crm_events.id)" in states[0]
    assert [s for s in statements if "crm_events" in s and s != states[0]] == [
        s
        for s in statements
        if s.startswith("select crm_events.id")  # the batch's events, nothing else
    ]

    app.log_attempt(
        team.recruiter, app.register_company(team.recruiter, name="Soltoft", industry="cleaning"), "call", "no_answer"
    )
    with statements_on(projector.datastore.engine) as statements:
        assert projector.catch_up(views) > 0
    assert len([s for s in statements if s.startswith("update projection_generations")]) == 1
    assert not [s for s in statements if s.startswith("select") and "from projection_generations" in s]
    assert len([s for s in statements if s.startswith("select crm_events.id")]) == 1
    assert {view: projector[view].position() for view in views} == dict.fromkeys(
        views, app.recorder.max_notification_id()
    )


def test_a_catch_up_from_where_this_process_left_the_views_yields_to_another_process(sql_database, clock):
    """Another process moved the views on meanwhile: the claim of the old positions fails, nothing is applied
    twice, and the catch-up goes on from where they stand."""
    app = sql_database.app(clock=clock)
    team = make_team(
        app,
    )
    here, there = Projector(app, projection_classes=CLASSES), Projector(app, projection_classes=CLASSES)
    here.catch_up()
    busy_history(app, team, companies_count=2, attempts_each=2)
    there.catch_up()
    busy_history(app, team, companies_count=1, attempts_each=1)
    assert here.catch_up() > 0  # the last company, its contact and its attempt: the rest was applied there
    assert there.catch_up() == 0
    assert outreach_rows(here["outreach"]) == outreach_rows(there["outreach"])
    assert len(here["outreach"].rows(companies)) == 3 and len(here["outreach"].rows(attempts)) == 5
    assert {name: here[name].position() for name in here.projections} == dict.fromkeys(
        here.projections, app.recorder.max_notification_id()
    )


def test_the_head_of_the_log_is_its_last_position_on_every_store(database, clock):
    from projections import head_position

    app = database.app(clock=clock)
    assert head_position(app) == 0
    make_team(app)
    assert head_position(app) == app.recorder.max_notification_id() > 0
