"""The rules of persistent contact: defaults until the project lead sets them, bounded, one record."""

from __future__ import annotations

import pytest

from crm.errors import InvalidInput, NotAllowed
from crm.outreach_rules import DEFAULTS
from tests.support import make_team, statements_on


def test_the_defaults_until_set_then_the_project_leads_rules(app):
    team = make_team(app)
    assert app.outreach_rules() == DEFAULTS
    follow_up = {**DEFAULTS["default_follow_up"], "no_answer": "in_2_days", "not_now": "none"}
    app.set_outreach_rules(team.project_lead, 4, 120, follow_up)
    app.set_outreach_rules(team.project_lead, 5, 120, follow_up)
    assert app.outreach_rules() == {"attempts_before_flag": 5, "min_gap_minutes": 120, "default_follow_up": follow_up}


def test_only_the_project_lead_sets_them(app):
    team = make_team(app)
    with pytest.raises(NotAllowed):
        app.set_outreach_rules(team.recruiter, 4, 60, {})


@pytest.mark.parametrize(
    "attempts, gap, follow_up",
    [(0, 60, {}), (51, 60, {}), (4, -1, {}), (4, 60, {"no_answer": "someday"}), (4, 60, {"maybe": "tomorrow"})],
)
def test_values_out_of_bounds_are_refused(app, attempts, gap, follow_up):
    team = make_team(app)
    with pytest.raises(InvalidInput):
        app.set_outreach_rules(team.project_lead, attempts, gap, follow_up)
    assert app.outreach_rules() == DEFAULTS


def test_rules_changed_by_another_process_hold_at_once_in_this_one(sql_database, clock):
    """The rules are kept decoded in each process's cache and brought up to date on every read."""
    here, there = sql_database.app(clock=clock), sql_database.app(clock=clock)
    team = make_team(here)
    follow_up = dict(DEFAULTS["default_follow_up"])
    here.set_outreach_rules(team.project_lead, 4, 120, follow_up)
    assert here.outreach_rules()["attempts_before_flag"] == 4
    there.set_outreach_rules(team.project_lead, 7, 30, follow_up)
    assert here.outreach_rules() == {"attempts_before_flag": 7, "min_gap_minutes": 30, "default_follow_up": follow_up}


def test_rules_never_set_cost_one_read_and_are_seen_once_another_process_sets_them(sql_database, clock):
    """Screens with the attempt form read the rules on every request; before any are set that is one read of at
    most one event (a load read the record's snapshots and then its events, and cached nothing)."""
    here, there = sql_database.app(clock=clock), sql_database.app(clock=clock)
    team = make_team(here)
    with statements_on(here.factory.datastore.engine) as statements:
        assert here.outreach_rules() == DEFAULTS
    assert len(statements) == 1
    follow_up = dict(DEFAULTS["default_follow_up"])
    there.set_outreach_rules(team.project_lead, 6, 45, follow_up)
    assert here.outreach_rules() == {"attempts_before_flag": 6, "min_gap_minutes": 45, "default_follow_up": follow_up}
    with statements_on(here.factory.datastore.engine) as statements:
        here.outreach_rules()
    assert len(statements) == 1  # from the cache, with a read of what is new since
