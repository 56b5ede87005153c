"""No single event stops the application: an event a read model cannot apply stops that view only.

The event is the one the demo showed: a delivery plan of 10^20 health checks, as a version
without the bound recorded it. It is too large for the agreements view's integer column.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from uuid import UUID, uuid4

import pytest
import sqlalchemy.exc
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from crm.agreements import PartnershipAgreement
from crm.leads import Lead
from crm.validation import MAX_PLANNED
from projections.agreement_tables import agreements
from projections.agreements import AgreementsView
from projections.applying import is_transient
from projections.outreach_tables import companies
from projections.runner import Projector, RebuildFailed
from projections.verify import verify_projections
from tests.support import Team, hansen_transport, make_team

PLANNED = get_topic(PartnershipAgreement.ServicesPlanned)


def plan_as_an_older_version_did(app, agreement_id: UUID, health_checks: int) -> int:
    """ServicesPlanned as recorded before the bound existed; returns its position."""
    agreement = app.load(PartnershipAgreement, agreement_id)
    agreement._services_planned(health_checks, 40)
    app.save(agreement)
    return app.recorder.max_notification_id()


@dataclass
class Stopped:
    app: object
    team: Team
    projector: Projector
    agreement: UUID
    poison: int
    later_company: UUID


@pytest.fixture
def stopped(sql_database, clock) -> Stopped:
    app = sql_database.app(clock=clock)
    team = make_team(app)
    hansen = hansen_transport(app, team.recruiter)
    app.log_attempt(team.recruiter, hansen, "call", "meeting_booked")
    agreement = app.open_agreement(team.recruiter, hansen)
    projector = Projector(app)
    projector.catch_up()
    poison = plan_as_an_older_version_did(app, agreement, 10**20)
    later_company = app.register_company(team.recruiter, name="Soltoft Rengøring", industry="cleaning")
    app.add_commitment(team.recruiter, agreement, "fruit_scheme", "Frugt til alle skift")
    projector.catch_up()
    return Stopped(app, team, projector, agreement, poison, later_company)


def fix_the_view(monkeypatch):
    """The fix a developer would ship: plans beyond the domain maximum are shown as the maximum."""
    original = AgreementsView.update_agreement

    def capped(self, event, **values):
        for column in ("planned_health_checks", "planned_conversations"):
            if isinstance(values.get(column), int):
                values[column] = min(values[column], MAX_PLANNED)
        original(self, event, **values)

    monkeypatch.setattr(AgreementsView, "update_agreement", capped)


def test_the_view_stops_just_before_the_event_and_every_other_view_goes_on(stopped):
    head = stopped.app.recorder.max_notification_id()
    view = stopped.projector["agreements"]
    failure = view.failure()
    # Check the failing view applied everything before the event, and recorded what stopped it.
    assert (failure.position, failure.topic, view.position()) == (stopped.poison, PLANNED, stopped.poison - 1)
    assert failure.error and "[SQL" not in failure.error and "Soltoft" not in failure.error
    assert view.agreement(stopped.agreement)["planned_health_checks"] == 0
    # Check every other view is current, the event after the failing one included.
    for name in ("users", "outreach", "leads", "timeline"):
        assert stopped.projector[name].position() == head, name
    assert stopped.later_company in {row["company_id"] for row in stopped.projector["outreach"].rows(companies)}
    assert stopped.projector.failures == {"agreements": failure}


def test_later_catch_ups_leave_the_stopped_view_where_it_stopped(stopped):
    stopped.app.register_company(stopped.team.recruiter, name="Bøgely Plejecenter", industry="care", sector="public")
    assert stopped.projector.catch_up() > 0
    assert stopped.projector["agreements"].position() == stopped.poison - 1
    assert stopped.projector["outreach"].position() == stopped.app.recorder.max_notification_id()


def test_status_names_the_view_the_position_the_topic_and_the_error(stopped):
    statuses = {s.name: s for s in stopped.projector.status()}
    assert statuses["agreements"].failure.position == stopped.poison
    assert statuses["agreements"].failure.topic == PLANNED
    assert statuses["agreements"].position == stopped.poison - 1 and statuses["agreements"].live
    assert all(s.failure is None and s.behind == 0 for name, s in statuses.items() if name != "agreements")


def test_a_rebuild_that_meets_the_event_again_reports_it_and_keeps_the_live_view(stopped):
    before = stopped.projector["agreements"].rows(agreements)
    generation = stopped.projector["agreements"].generation
    with pytest.raises(RebuildFailed) as caught:
        stopped.projector.rebuild("agreements")
    assert caught.value.failure.position == stopped.poison
    assert stopped.projector["agreements"].generation == generation
    assert stopped.projector["agreements"].rows(agreements) == before
    assert [s.generation for s in stopped.projector.status() if s.name == "agreements"] == [generation]


def test_every_view_rebuilt_together_switches_but_the_one_the_event_stops_again(stopped):
    before = stopped.projector["agreements"].rows(agreements)
    generations = {s.name: s.generation for s in stopped.projector.status()}
    failed = stopped.projector.rebuild_together()
    assert [(f.name, f.failure.position) for f in failed] == [("agreements", stopped.poison)]
    assert stopped.projector["agreements"].generation == generations["agreements"]
    assert stopped.projector["agreements"].rows(agreements) == before
    head = stopped.app.recorder.max_notification_id()
    for name in ("users", "outreach", "leads", "timeline", "reports", "audit_events"):
        view = stopped.projector[name]
        assert view.generation > generations[name] and view.position() == head, name
    assert {s.name for s in stopped.projector.status()} == set(generations)  # one generation each, the old dropped


def test_after_the_fix_a_rebuild_clears_the_failure(stopped, monkeypatch):
    fix_the_view(monkeypatch)
    stopped.projector.rebuild("agreements")
    view = stopped.projector["agreements"]
    assert view.failure() is None and view.position() == stopped.app.recorder.max_notification_id()
    assert view.agreement(stopped.agreement)["planned_health_checks"] == MAX_PLANNED
    assert len(view.agreement(stopped.agreement)["commitments"]) == 1
    assert "agreements" not in stopped.projector.failures


def test_after_the_fix_a_resume_continues_from_where_it_stopped(stopped, monkeypatch):
    fix_the_view(monkeypatch)
    generation = stopped.projector["agreements"].generation
    assert stopped.projector.resume("agreements") == 2  # the plan and the commitment after it
    view = stopped.projector["agreements"]
    assert (view.failure(), view.generation) == (None, generation)
    assert view.agreement(stopped.agreement)["planned_health_checks"] == MAX_PLANNED


def test_the_check_against_a_fresh_replay_reports_the_stopped_view_and_checks_the_others(stopped):
    checks = {check.name: check for check in verify_projections(stopped.app, stopped.projector)}
    assert checks["agreements"].error.startswith(f"the live view stopped before position {stopped.poison}")
    assert all(check.equal for name, check in checks.items() if name != "agreements")


def test_an_event_that_no_longer_decodes_stops_only_the_views_that_read_it(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    projector = Projector(app)
    hansen = hansen_transport(app, team.recruiter)
    # A row as a broken upcaster or an older version might have left it: the right topic, a state that does not fit.
    app.recorder.insert_events([StoredEvent(uuid4(), 1, get_topic(Lead.Shared), b'{"company_id": 42}')])
    broken = app.recorder.max_notification_id()
    app.register_contact(team.recruiter, hansen, "Lars Hansen", "top_management")
    projector.catch_up()
    head = app.recorder.max_notification_id()
    # The outreach view reads a shared lead too (its urgency orders the call list).
    assert {name for name, failure in projector.failures.items()} == {"leads", "outreach", "timeline"}
    assert all(projector[name].failure().position == broken for name in ("leads", "outreach", "timeline"))
    assert all(projector[name].position() == head for name in ("users", "agreements"))


@pytest.mark.parametrize(
    "error, transient",
    [
        pytest.param(
            sqlalchemy.exc.OperationalError("UPDATE", {}, sqlite3.OperationalError("database is locked")),
            True,
            id="sqlite-locked",
        ),
        pytest.param(
            sqlalchemy.exc.OperationalError("UPDATE", {}, sqlite3.OperationalError("no such column: initials")),
            False,
            id="sqlite-missing-column",
        ),
        pytest.param(sqlalchemy.exc.DataError("UPDATE", {}, Exception("integer out of range")), False, id="data"),
        pytest.param(OverflowError("Python int too large to convert to SQLite INTEGER"), False, id="overflow"),
        pytest.param(LookupError("the timeline has not seen the contact created"), False, id="handler"),
    ],
)
def test_only_errors_of_the_database_itself_are_tried_again_rather_than_marked(error, transient):
    assert is_transient(error) is transient
