"""Archiving a channel partner: no longer offered for new choices, still named on the history, told in the audit."""

from __future__ import annotations

from tests.support import hansen_transport


def test_an_archived_partner_leaves_the_choices_and_stays_on_the_history(as_role, crm, team):
    partner = crm.register_partner(team.consultant, "3F Horsens", "union")
    hansen = hansen_transport(crm, team.recruiter, owner_id=team.recruiter, source_partner_id=partner)
    lead = as_role("project_lead")
    response = lead.post(f"/partners/{partner}/archive")
    assert response.status_code == 303

    page = lead.get("/partners").get_data(as_text=True)
    assert "Kanalpartneren er arkiveret" in page
    archived = page.split('class="plain archived-partners"')[1]
    assert "3F Horsens" in archived and f"/partners/{partner}/archive" not in page

    recruiter = as_role("recruiter")
    company = recruiter.get(f"/companies/{hansen}").get_data(as_text=True)
    assert f'<option value="{partner}"' not in company  # the attempt form's source
    assert "3F Horsens" in company  # where the company came from
    assert f'<option value="{partner}"' not in recruiter.get("/leads").get_data(as_text=True)
    assert f'<option value="{partner}"' not in recruiter.get("/companies").get_data(as_text=True)


def test_the_audit_log_says_it_in_plain_danish(as_role, crm, team):
    partner = crm.register_partner(team.consultant, "3F Horsens", "union")
    as_role("project_lead").post(f"/partners/{partner}/archive")
    page = as_role("auditor").get("/audit/?type=ChannelPartner.Archived").get_data(as_text=True)
    assert "Henrik Bach arkiverede kanalpartneren 3F Horsens: tilbydes ikke længere til nye tip" in page


def test_those_who_may_not_manage_partners_cannot_archive(as_role, crm, team):
    partner = crm.register_partner(team.consultant, "3F Horsens", "union")
    assert as_role("auditor").post(f"/partners/{partner}/archive").status_code == 403
