"""A request brings up to date only the views it reads, once; with a projection worker, reads never catch up
and the page after a command waits for the worker to pass it."""

from __future__ import annotations

import threading

import pytest

from projections.worker import run_forever
from tests.support import hansen_transport, statements_on


@pytest.fixture
def projector(app):
    return app.extensions["crm"].projector


@pytest.fixture
def catch_ups(projector, monkeypatch):
    """The names each catch-up of the web process was asked for."""
    calls: list[list[str]] = []
    real = projector.catch_up

    def counted(names=None, *args, **kwargs):
        calls.append(sorted(names or projector.projections))
        return real(names, *args, **kwargs)

    monkeypatch.setattr(projector, "catch_up", counted)
    return calls


def positions(projector) -> dict[str, int]:
    return {name: p.view.position() for name, p in projector.projections.items()}


def test_a_page_catches_up_once_and_only_the_views_it_reads(as_role, crm, team, projector, catch_ups):
    recruiter = as_role("recruiter")
    hansen = hansen_transport(crm, team.recruiter, owner_id=team.recruiter)
    recruiter.get(f"/companies/{hansen}")  # learns what the company page reads
    crm.register_company(team.recruiter, name="Soltoft Rengøring", industry="cleaning")
    catch_ups.clear()

    assert "Soltoft Rengøring" in recruiter.get("/companies").get_data(as_text=True)
    assert catch_ups == [["agreements", "leads", "outreach", "users"]]  # outreach and the views its queries join
    head = crm.recorder.max_notification_id()
    assert positions(projector)["timeline"] < head and positions(projector)["audit_events"] < head

    catch_ups.clear()
    assert recruiter.get(f"/companies/{hansen}").status_code == 200
    assert len(catch_ups) == 1 and {"outreach", "timeline", "users"} <= set(catch_ups[0])
    assert "audit_events" not in catch_ups[0]


def test_a_command_catches_up_what_the_next_fragment_reads_and_it_shows_the_change(
    as_role, crm, team, projector, catch_ups
):
    recruiter = as_role("recruiter")
    hansen = hansen_transport(crm, team.recruiter, owner_id=team.recruiter)
    recruiter.get(f"/companies/{hansen}")
    catch_ups.clear()
    response = recruiter.post(
        f"/companies/{hansen}/attempts",
        data={"channel": "call", "outcome": "meeting_booked", "next_follow_up": "none"},
        htmx_target="company-attempts",
    )
    assert response.status_code == 200
    assert catch_ups and all("audit_events" not in names for names in catch_ups)
    assert positions(projector)["outreach"] == crm.recorder.max_notification_id()


@pytest.fixture
def with_worker(app):
    app.config["PROJECTION_WORKER"] = True
    app.config["PROJECTION_WAIT_SECONDS"] = 5.0
    return app


def test_with_a_worker_a_read_never_catches_up(with_worker, as_role, crm, team, projector, catch_ups):
    recruiter = as_role("recruiter")
    crm.register_company(team.recruiter, name="Soltoft Rengøring", industry="cleaning")
    page = recruiter.get("/companies")
    assert page.status_code == 200 and catch_ups == []
    assert "Soltoft Rengøring" not in page.get_data(as_text=True)  # the worker has not run


def test_with_a_worker_the_page_after_a_command_waits_for_it_and_shows_the_change(
    with_worker, as_role, crm, team, projector, catch_ups
):
    recruiter = as_role("recruiter")
    hansen = hansen_transport(crm, team.recruiter, owner_id=team.recruiter)
    stop = threading.Event()
    worker = threading.Thread(target=run_forever, args=(projector, stop.is_set), kwargs={"wake_every": 0.05})
    worker.start()
    try:
        assert projector.wait_for(projector.projections, crm.recorder.max_notification_id(), 10)
        response = recruiter.post(
            f"/companies/{hansen}/attempts",
            data={"channel": "call", "outcome": "meeting_booked"},
            htmx_target="company-attempts",
        )
        assert response.status_code == 200 and "Møde aftalt" in response.get_data(as_text=True)
        # The next full page of the same session (a redirect's GET) waits for the worker too.
        page = recruiter.get(f"/companies/{hansen}")
        assert page.status_code == 200
    finally:
        stop.set()
        worker.join()
    assert [names for names in catch_ups if names != sorted(projector.projections)] == []
    assert positions(projector)["outreach"] >= crm.recorder.max_notification_id()


def test_with_a_worker_that_does_not_come_the_request_catches_up_itself(
    with_worker, as_role, crm, team, projector, catch_ups
):
    with_worker.config["PROJECTION_WAIT_SECONDS"] = 0.05
    recruiter = as_role("recruiter")
    hansen = hansen_transport(crm, team.recruiter, owner_id=team.recruiter)
    projector.catch_up()  # as the worker did once, before it stopped
    catch_ups.clear()
    response = recruiter.post(
        f"/companies/{hansen}/attempts",
        data={"channel": "call", "outcome": "meeting_booked", "next_follow_up": "none"},
        htmx_target="company-attempts",
    )
    assert response.status_code == 200 and response.headers.get("HX-Trigger") == "company-changed"
    assert catch_ups and positions(projector)["outreach"] == crm.recorder.max_notification_id()


def test_a_company_page_reads_the_users_names_once_and_nothing_it_does_not_show(as_role, crm, team, app):
    """The page names users in its head, its attempts and its timeline and offers the owners: one read serves them
    all. The rules of
    the attempt form and the signed-in user come from the process's cache, fast-forwarded, not a snapshot."""
    recruiter = as_role("recruiter")
    hansen = hansen_transport(crm, team.recruiter, owner_id=team.recruiter)
    crm.log_attempt(team.recruiter, hansen, "call", "no_answer")
    rules = crm.outreach_rules()
    crm.set_outreach_rules(team.project_lead, 6, rules["min_gap_minutes"], rules["default_follow_up"])
    recruiter.get(f"/companies/{hansen}")
    with statements_on(app.extensions["crm"].projector.datastore.engine) as statements:
        assert recruiter.get(f"/companies/{hansen}").status_code == 200
    # Every user once, with what the owner field offers: the names and the owners come from the same read.
    users = [s for s in statements if s.startswith("select rm_users.user_id,") and " from rm_users" in s]
    assert len(users) == 1
    assert not [s for s in statements if "in (null)" in s or "crm_snapshots" in s]
