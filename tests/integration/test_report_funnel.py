"""The funnel report on a hand-built history (tests/report_history.py), the answers worked out by hand."""

from __future__ import annotations

from collections import defaultdict

import pytest

from crm.companies import Company
from projections.as_of import as_of
from projections.reports.funnel import funnel, funnel_by
from projections.reports.paths import FUNNEL_STAGES
from projections.reports.scope import ReportCriteria, Spread
from projections.runner import Projector
from tests.report_history import History, day, play


@pytest.fixture
def history(sql_database, clock) -> History:
    return play(sql_database.app(clock=clock), clock)


@pytest.fixture
def view(history):
    projector = Projector(history.app)
    projector.catch_up()
    return projector["reports"]


WHOLE = ReportCriteria(start=day(0), end=day(60), today=day(60))


def reached(stages) -> list[int]:
    return [s.companies for s in stages]


def test_the_funnel_counts_companies_reaching_each_stage_with_conversion_and_days_between(view):
    stages = funnel(view, WHOLE)

    # Check: contacted Hansen, Soltoft, Bager; a meeting Hansen, Soltoft; both negotiated; Hansen signed and completed.
    assert [s.stage for s in stages] == list(FUNNEL_STAGES)
    assert reached(stages) == [3, 2, 2, 1, 1]
    assert [s.conversion for s in stages] == [None, pytest.approx(2 / 3), 1.0, 0.5, 1.0]
    # Check: contacted to meeting took Hansen 7 days (0 to 7) and Soltoft 10 (1 to 11).
    assert stages[1].days == Spread(
        count=2, median=8.5, lower_quartile=7.75, upper_quartile=9.25, minimum=7, maximum=10
    )
    # Meeting to negotiating: Hansen 7 (7 to 14), Soltoft 4 (11 to 15);
    # then Hansen alone: 14 days to sign, 28 to complete.
    assert stages[2].days == Spread(2, 5.5, 4.75, 6.25, 4, 7)
    assert stages[3].days == Spread(1, 14, 14.0, 14.0, 14, 14)
    assert stages[4].days == Spread(1, 28, 28.0, 28.0, 28, 28)
    assert stages[0].days is None


def test_a_shorter_period_counts_only_what_was_reached_within_it(view):
    stages = funnel(view, ReportCriteria(start=day(0), end=day(10), today=day(10)))

    # Check: all three were contacted in the first ten days, only Hansen met (day 7); Soltoft met on day 11.
    assert reached(stages) == [3, 1, 0, 0, 0]
    assert stages[1].conversion == pytest.approx(1 / 3)
    assert stages[1].days == Spread(1, 7, 7.0, 7.0, 7, 7)
    assert stages[2].conversion == 0.0
    assert stages[3].conversion is None


def test_the_funnel_by_arena_and_by_source_splits_the_companies(view, history):
    by_arena = {g.value: reached(g.stages) for g in funnel_by(view, WHOLE, "arena")}
    assert by_arena == {
        "online": [0, 0, 0, 0, 0],
        "public": [1, 0, 0, 0, 0],
        "union": [1, 1, 1, 0, 0],
        "workplace_private": [1, 1, 1, 1, 1],
    }
    by_source = {g.value: reached(g.stages) for g in funnel_by(view, WHOLE, "source")}
    # Check: Soltoft came as Jonas's lead, Bager from 3F; Hansen and Dalgas came from nobody.
    assert by_source == {
        f"consultant:{history.team.consultant}": [1, 1, 1, 0, 0],
        f"partner:{history.partner}": [1, 0, 0, 0, 0],
        "none": [1, 1, 1, 1, 1],
    }


def test_the_filters_select_companies_by_owner_department_and_dimension(view, history):
    def with_(**filters):
        return reached(funnel(view, ReportCriteria(start=day(0), end=day(60), today=day(60), **filters)))

    assert with_(recruiter=history.ole) == [1, 1, 1, 0, 0]
    assert with_(department="health") == [2, 1, 1, 1, 1]  # Mette's Hansen and Bager
    assert with_(strategy="targeted") == [1, 1, 1, 1, 1]
    assert with_(industry="retail") == [1, 0, 0, 0, 0]
    assert with_(industry="retail", strategy="targeted") == [0, 0, 0, 0, 0]


def test_a_report_as_of_a_past_moment_replays_the_read_models_to_then(history):
    past = as_of(history.app, history.moment(20))
    try:
        stages = funnel(past["reports"], WHOLE)
    finally:
        past.close()

    # Check: on day 20 Hansen and Soltoft were negotiating; nobody had signed yet.
    assert reached(stages) == [3, 2, 2, 0, 0]


def test_the_companies_reaching_each_stage_recomputed_from_the_raw_events(view, history):
    """Each company's stages straight from its stored Company events, against the read model's figure."""
    app = history.app
    stages_of = defaultdict(list)
    for notification in app.recorder.select_notifications(start=1, limit=10_000):
        event = app.mapper.to_domain_event(notification)
        if not isinstance(event, Company.Event):
            continue
        stage = {
            Company.StageChanged: lambda e: e.to_stage,
            Company.NegotiationOpened: lambda e: "negotiating",
            Company.BecamePartner: lambda e: "partner",
            Company.PartnershipClosed: lambda e: e.outcome,
        }.get(type(event), lambda e: None)(event)
        if stage in FUNNEL_STAGES:
            stages_of[event.originator_id].append(FUNNEL_STAGES.index(stage))
    from_events = [sum(max(found) >= i for found in stages_of.values()) for i in range(len(FUNNEL_STAGES))]

    assert reached(funnel(view, WHOLE)) == from_events == [3, 2, 2, 1, 1]
