"""The one-month follow-up after an agreement's written feedback reaches its owner's My day on a working day."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.support import hansen_transport
from tests.web.test_agreements import sign_ready


def test_the_follow_up_is_due_on_the_first_working_day_a_month_after_the_feedback(as_role, crm, team, clock):
    mette = team.recruiter
    hansen = hansen_transport(crm, mette, owner_id=mette)
    director = crm.register_contact(mette, hansen, "Birthe Hansen", "top_management", phone="20304050")
    agreement = crm.open_agreement(mette, hansen)
    sign_ready(crm, team, agreement, director)
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    crm.record_delivery(team.health_consultant, agreement, conversations=8)
    crm.deliver_feedback(team.health_consultant, agreement, delivered_on=date(2026, 12, 1))

    clock.set(datetime(2026, 12, 31, 9, 0, tzinfo=UTC))
    assert "Opfølgning på aftaler" not in as_role("recruiter").get("/my-day").get_data(as_text=True)

    # 1 January is New Year's Day and the 2nd a Saturday: Monday 4 January.
    clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))
    page = as_role("recruiter").get("/my-day").get_data(as_text=True)
    notice = page[page.index('id="follow-ups-title"') :]
    assert "Hansen Transport ApS" in notice and "4. jan. 2027" in notice
    assert f'href="/agreements/{agreement}"' in notice
    assert "4. jan. 2027" in as_role("recruiter").get(f"/agreements/{agreement}").get_data(as_text=True)

    crm.hold_follow_up(team.health_consultant, agreement)
    assert "Opfølgning på aftaler" not in as_role("recruiter").get("/my-day").get_data(as_text=True)


def test_someone_elses_follow_up_is_not_on_my_day(as_role, crm, team, clock):
    jonas = team.consultant
    company = crm.register_company(jonas, "Jonas' Vognmand", "transport", owner_id=jonas)
    director = crm.register_contact(jonas, company, "Ib Dam", "top_management")
    agreement = crm.open_agreement(jonas, company)
    sign_ready(crm, team, agreement, director)
    crm.record_delivery(team.health_consultant, agreement, conversations=3)
    crm.deliver_feedback(team.health_consultant, agreement)
    clock.set(datetime(2026, 4, 8, 9, 0, tzinfo=UTC))
    assert "Opfølgning på aftaler" not in as_role("recruiter").get("/my-day").get_data(as_text=True)
