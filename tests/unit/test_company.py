from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from crm import acting
from crm.companies import Company
from crm.errors import IllegalTransition, TooEarlyToReapproach


def a_company() -> Company:
    return Company(
        name="Hansen Transport ApS",
        cvr="10000009",
        industry="transport",
        size_band="50-249",
        address=None,
        sector="private",
        target_group_note=None,
        owner_id=None,
        arena=None,
        strategy=None,
        source_partner_id=None,
    )


def test_a_new_company_is_identified_in_its_first_round():
    company = a_company()
    assert (company.stage, company.round) == ("identified", 1)
    assert [type(e) for e in company.collect_events()] == [Company.Registered]


def test_the_first_attempt_makes_a_company_contacted_and_a_booked_meeting_moves_it_on():
    company = a_company()
    company.note_outreach("no_answer")
    assert company.stage == "contacted"
    company.note_outreach("no_answer")
    company.note_outreach("meeting_booked")
    assert company.stage == "meeting"
    events = company.collect_events()
    assert [type(e) for e in events] == [Company.Registered, Company.StageChanged, Company.StageChanged]


def test_signing_cannot_be_reached_by_a_plain_move():
    company = a_company()
    with pytest.raises(IllegalTransition) as caught:
        company.move_to("partner")
    assert caught.value.params == {"from_stage": "identified", "to_stage": "partner"}


def test_becoming_partner_needs_the_company_to_negotiate_that_agreement():
    company = a_company()
    agreement_id = uuid4()
    with pytest.raises(IllegalTransition):
        company.become_partner(agreement_id)
    company.open_negotiation(agreement_id)
    with pytest.raises(IllegalTransition):
        company.become_partner(uuid4())
    company.become_partner(agreement_id)
    assert company.stage == "partner"


def test_a_declined_company_may_be_reapproached_only_from_its_date_and_starts_a_new_round():
    company = a_company()
    company.decline("Ingen tid i år", approach_again_after=date(2026, 9, 1))
    with pytest.raises(TooEarlyToReapproach):
        company.reapproach(today=date(2026, 8, 31))
    company.reapproach(today=date(2026, 9, 1))
    assert (company.stage, company.round, company.closed_reason) == ("identified", 2, None)


def test_only_a_company_in_outreach_can_be_declined_or_parked():
    company = a_company()
    company.park("Travl sæson", approach_again_after=None)
    with pytest.raises(IllegalTransition):
        company.decline("Nej tak", approach_again_after=None)


def test_an_unchanged_detail_records_no_event():
    company = a_company()
    company.collect_events()
    company.change_details(name="Hansen Transport ApS")
    assert company.collect_events() == []


def test_events_carry_the_actor_the_reason_and_the_clock_time():
    actor = uuid4()
    moment = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    with acting.acting(actor, "Flyttet efter møde", moment):
        company = a_company()
        company.move_to("meeting")
    for stamped in company.collect_events():
        assert (stamped.actor_id, stamped.reason, stamped.timestamp) == (actor, "Flyttet efter møde", moment)


def test_the_register_status_is_noted_only_when_it_changes():
    from crm.companies import Company

    company = Company(
        name="Vognmand Østergaard I/S", cvr=None, industry="transport", size_band=None, address=None,
        sector="private", target_group_note=None, owner_id=None, arena=None, strategy=None, source_partner_id=None,
    )  # fmt: skip
    company.note_register_status(False, False)
    company.note_register_status(True, True)
    company.note_register_status(True, True)
    noted = [e for e in company.collect_events() if isinstance(e, Company.RegisterStatusNoted)]
    assert [(e.ceased, e.protected) for e in noted] == [(True, True)]
