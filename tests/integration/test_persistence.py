"""What the store must guarantee, on each real store: reloads, snapshots, upcasting, conflicts."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from eventsourcing.persistence import StoredEvent

from crm.attempts import OutreachAttempt
from crm.companies import Company
from crm.contacts import Contact
from crm.errors import ConcurrentChange
from tests.support import hansen_transport, make_team


def test_a_second_application_on_the_same_store_sees_everything(sql_database, clock):
    first = sql_database.app(clock=clock)
    team = make_team(first)
    company_id = hansen_transport(first, team.recruiter)
    attempt_id = first.log_attempt(team.recruiter, company_id, "call", "call_back", next_follow_up=date(2026, 3, 5))
    second = sql_database.app(clock=clock)
    assert second.load(Company, company_id).stage == "contacted"
    assert second.load(OutreachAttempt, attempt_id).next_follow_up == date(2026, 3, 5)


def test_a_long_lived_company_is_loaded_from_a_snapshot(database, clock):
    app = database.app(clock=clock)
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    app.move_company(team.recruiter, company_id, "contacted")
    for _ in range(60):
        app.move_company(team.recruiter, company_id, "meeting")
        app.move_company(team.recruiter, company_id, "contacted")

    # Check a snapshot was taken at version 50 and 100, and loading from it gives the same company.
    snapshots = list(app.snapshots.get(company_id))
    assert [s.originator_version for s in snapshots] == [50, 100]
    fresh = database.app(clock=clock) if database.kind != "memory" else app
    reloaded = fresh.load(Company, company_id)
    assert (reloaded.version, reloaded.stage, reloaded.name) == (122, "contacted", "Hansen Transport ApS")


def test_an_event_stored_in_an_older_shape_still_loads(database, clock):
    app = database.app(clock=clock)
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    contact_id = __import__("uuid").uuid4()
    # Version 1 of Contact.Registered had no decision-maker flag and no class_version.
    old_state = {
        "originator_id": contact_id,
        "originator_version": 1,
        "timestamp": clock.now(),
        "originator_topic": "crm.contacts:Contact",
        "actor_id": team.recruiter,
        "reason": None,
        "company_id": company_id,
        "name": "Lars Hansen",
        "role": "top_management",
        "phone": None,
        "email": None,
    }
    app.recorder.insert_events(
        [
            StoredEvent(
                originator_id=contact_id,
                originator_version=1,
                topic="crm.contacts:Contact.Registered",
                state=app.mapper.transcoder.encode(old_state),
            )
        ]
    )
    contact = app.load(Contact, contact_id)
    assert (contact.name, contact.is_decision_maker) == ("Lars Hansen", True)


def test_a_stale_form_is_refused_as_changed_by_someone_else(database, clock):
    app = database.app(clock=clock)
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    seen_version = app.load(Company, company_id).version
    app.change_company_details(team.consultant, company_id, address="Havnegade 1, 8700 Horsens")
    with pytest.raises(ConcurrentChange):
        app.change_company_details(team.recruiter, company_id, expected_version=seen_version, name="Hansen & Co")
    assert app.load(Company, company_id).name == "Hansen Transport ApS"


def test_two_writers_of_one_company_conflict_and_the_loser_stores_nothing(sql_database, clock):
    # The first writer keeps what it read in its cache, so it writes on top of a version that is gone.
    stale_writer = sql_database.app(
        clock=clock, env={"AGGREGATE_CACHE_MAXSIZE": "100", "AGGREGATE_CACHE_FASTFORWARD": "n"}
    )
    team = make_team(stale_writer)
    company_id = hansen_transport(stale_writer, team.recruiter)
    stale_writer.load(Company, company_id)

    other_writer = sql_database.app(clock=clock)
    other_writer.log_attempt(team.consultant, company_id, "visit", "interested")

    with pytest.raises(ConcurrentChange):
        stale_writer.log_attempt(team.recruiter, company_id, "call", "no_answer")

    # Check the winner's attempt and stage are kept, and the loser's attempt was not stored at all.
    logged = [
        n
        for n in other_writer.recorder.select_notifications(start=1, limit=1000)
        if n.topic == "crm.attempts:OutreachAttempt.Logged"
    ]
    assert len(logged) == 1
    assert other_writer.mapper.to_domain_event(logged[0]).user_id == team.consultant
    assert other_writer.load(Company, company_id).stage == "contacted"


def test_concurrent_writers_lose_no_acknowledged_write(sql_database, clock):
    apps = [sql_database.app(clock=clock) for _ in range(2)]
    team = make_team(apps[0])
    company_id = hansen_transport(apps[0], team.recruiter)
    acknowledged: list[str] = []
    refused: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def writer(app, name):
        for i in range(15):
            address = f"{name} vej {i}, 8700 Horsens"
            try:
                app.change_company_details(team.recruiter, company_id, address=address)
            except ConcurrentChange:
                with lock:
                    refused.append(address)
            except BaseException as error:  # anything else is a failure of the test
                failures.append(error)
            else:
                with lock:
                    acknowledged.append(address)

    threads = [threading.Thread(target=writer, args=(apps[i % 2], f"Skriver{i}")) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    stored = [
        apps[1].mapper.to_domain_event(s).changes["address"]
        for s in apps[1].recorder.select_events(company_id)
        if s.topic == "crm.companies:Company.DetailsChanged"
    ]
    assert sorted(stored) == sorted(acknowledged)
    assert len(acknowledged) + len(refused) == 60
    print(f"{len(acknowledged)} acknowledged, {len(refused)} refused as concurrent")
