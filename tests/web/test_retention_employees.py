"""The retention review's former employees: listed after their period, erased one by one, shown as
"tidligere medarbejder" on every screen after."""

from __future__ import annotations

from datetime import timedelta

from crm.permissions import SYSTEM_ACTOR_ID
from tests.support import hansen_transport

NAME = "Karen Østergaard"


def leaver(crm, team, clock, days_ago: int):
    user_id = crm.register_user(SYSTEM_ACTOR_ID, "karen", NAME, "health", "recruiter")
    hansen_transport(crm, user_id)
    crm.disable_user(team.admin, user_id)
    clock.advance(timedelta(days=days_ago))
    return user_id


def test_a_former_employee_is_listed_only_after_the_period(as_role, crm, team, clock):
    leaver(crm, team, clock, 300)
    lead = as_role("project_lead")
    early = lead.get("/privacy/retention").get_data(as_text=True)
    assert "Tidligere medarbejdere" in early and NAME not in early
    assert "Ingen tidligere medarbejdere at gennemgå." in early
    clock.advance(timedelta(days=70))
    later = as_role("project_lead").get("/privacy/retention").get_data(as_text=True)  # a new day, a new session
    assert NAME in later and "Slet navnet på Karen Østergaard for altid" in later
    assert "Mette Kjær" not in later  # active users are never listed


def test_erasing_a_name_shows_the_placeholder_everywhere_and_the_log_says_so(as_role, crm, team, clock):
    user_id = leaver(crm, team, clock, 400)
    lead = as_role("project_lead")
    assert NAME in lead.get("/audit/?aggregate=company").get_data(as_text=True)  # the actor of her work

    missing = lead.post(f"/privacy/retention/employees/{user_id}/erase", {"reason": ""})
    assert missing.status_code == 303
    assert NAME in lead.get("/privacy/retention").get_data(as_text=True)

    done = lead.post(f"/privacy/retention/employees/{user_id}/erase", {"reason": "Gennemgang 2027-2"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/privacy/retention")
    after = lead.get("/privacy/retention").get_data(as_text=True)
    assert "Navnet er slettet." in after and NAME not in after

    company_log = lead.get("/audit/?aggregate=company").get_data(as_text=True)
    assert NAME not in company_log and "tidligere medarbejder" in company_log
    user_log = lead.get("/audit/?aggregate=user").get_data(as_text=True)
    assert "slettede navnet på en tidligere medarbejder" in user_log and "Gennemgang 2027-2" in user_log
    assert NAME not in user_log
    users = as_role("admin").get("/admin/users").get_data(as_text=True)
    assert NAME not in users and "tidligere medarbejder" in users


def test_an_active_user_is_refused_and_only_the_project_lead_may(as_role, team):
    lead = as_role("project_lead")
    refused = lead.post(f"/privacy/retention/employees/{team.recruiter}/erase", {"reason": "x"})
    assert refused.status_code == 303
    assert "kun en deaktiveret brugers navn kan slettes" in lead.get("/privacy/retention").get_data(as_text=True)
    assert (
        as_role("admin").post(f"/privacy/retention/employees/{team.recruiter}/erase", {"reason": "x"}).status_code
        == 403
    )
