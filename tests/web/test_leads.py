"""Leads: sharing a lead in one form, the recruiters' inbox, and the consultant's own leads."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from crm.companies import Company
from crm.contacts import Contact
from crm.leads import Lead
from projections.outreach_tables import companies
from tests.support import HANSEN_TRANSPORT_CVR, SOLTOFT_PLEJE_CVR, hansen_transport
from web.leads import SHARED_SHOWN


@pytest.fixture
def hansen(crm, team):
    return hansen_transport(crm, team.recruiter)


@pytest.fixture
def hr_manager(crm, team, hansen):
    return crm.register_contact(team.recruiter, hansen, "Lone Berg", "hr", phone="20304050")


@pytest.fixture
def projector(app):
    return app.extensions["crm"].projector


def shared_by(projector, user_id):
    projector.catch_up()
    return projector["leads"].shared_by(user_id)


def company_names(projector):
    projector.catch_up()
    return sorted(row["name"] for row in projector["outreach"].rows(companies))


FORM = {
    "lead_reason": "Højt sygefravær, tal med HR-chefen",
    "urgency": "high",
    "arena": "municipal_actor",
    "strategy": "targeted",
}


class TestSharing:
    def test_the_page_offers_the_share_form_and_my_leads(self, as_role):
        response = as_role("consultant").get("/leads")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" in html
        assert 'id="share-form"' in html and "Du har ikke delt nogen tip endnu." in html

    @pytest.mark.parametrize("q", [pytest.param("hansen", id="name"), pytest.param(HANSEN_TRANSPORT_CVR[:5], id="cvr")])
    def test_companies_are_found_as_you_type_by_name_or_cvr(self, as_role, hansen, q):
        response = as_role("consultant").htmx_get(f"/leads?q={q}", "company-results")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" not in html
        assert html.startswith('<div id="company-results"') and "HX-Request" in response.headers["Vary"]
        assert f'value="{hansen}"' in html and "Hansen Transport ApS" in html

    def test_picking_a_company_offers_its_contacts_and_logs_that_they_were_shown(
        self, as_role, crm, team, hansen, hr_manager
    ):
        response = as_role("consultant").htmx_get(f"/leads?company_id={hansen}", "lead-contact")
        html = response.get_data(as_text=True)
        assert html.startswith('<div id="lead-contact"') and "Lone Berg" in html
        assert [(e["user_id"], e["use"]) for e in crm.access_log.entries(contact_id=hr_manager)] == [
            (team.consultant, "page")
        ]

    def test_a_lead_about_a_known_company_and_contact_is_shared(self, as_role, team, projector, hansen, hr_manager):
        response = as_role("consultant").post(
            "/leads", {**FORM, "company_id": str(hansen), "suggested_contact": str(hr_manager)}
        )
        assert response.status_code == 303 and response.headers["Location"].endswith("/leads")
        [lead] = shared_by(projector, team.consultant)
        assert (lead["company_id"], lead["suggested_contact_id"], lead["urgency"]) == (hansen, hr_manager, "high")
        assert lead["lead_reason"] == FORM["lead_reason"] and lead["strategy"] == "targeted"

    def test_the_company_and_the_contact_are_created_on_the_fly(self, as_role, crm, team, projector):
        response = as_role("consultant").post(
            "/leads",
            {
                **FORM,
                "company_id": "new",
                "new_company_name": "Soltoft Pleje",
                "new_company_cvr": SOLTOFT_PLEJE_CVR,
                "new_company_industry": "care",
                "suggested_contact": "new",
                "contact_name": "Lone Berg",
                "contact_role": "hr",
                "contact_phone": "20 30 40 50",
                "contact_email": "lone@soltoft.dk",
            },
        )
        assert response.status_code == 303
        [lead] = shared_by(projector, team.consultant)
        company = crm.load(Company, lead["company_id"])
        contact = crm.load(Contact, lead["suggested_contact_id"])
        assert (company.name, company.cvr, company.industry, company.arena) == (
            "Soltoft Pleje",
            SOLTOFT_PLEJE_CVR,
            "care",
            "municipal_actor",
        )
        assert (contact.name, contact.role, contact.phone, contact.company_id) == (
            "Lone Berg",
            "hr",
            "+4520304050",
            company.id,
        )

    def test_sharing_in_place_returns_a_fresh_form_and_updates_my_leads(self, as_role, hansen):
        response = as_role("consultant").post("/leads", {**FORM, "company_id": str(hansen)}, htmx_target="lead-share")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" not in html and "HX-Request" in response.headers["Vary"]
        assert (
            html.startswith('<div id="lead-share"')
            and "Tak. Tippet ligger nu i rekrutteringsmedarbejdernes indbakke." in html
        )
        assert '<div id="my-leads" hx-swap-oob="true">' in html and "Hansen Transport ApS" in html
        assert '<div id="lead-inbox" hx-swap-oob="true"' in html
        assert re.search(r'name="lead_reason"[^>]*></textarea>', html), "the form starts afresh"

    @pytest.mark.parametrize(
        "changes, message",
        [
            pytest.param({"contact_phone": "ring til mig"}, "Telefon: er ikke et telefonnummer", id="phone"),
            pytest.param({"new_company_cvr": "12345678"}, "12345678 er ikke et gyldigt CVR-nummer", id="cvr"),
            pytest.param({"lead_reason": " "}, "Hvorfor denne virksomhed: skal udfyldes", id="reason"),
            pytest.param({"new_company_industry": ""}, "Branche: er ikke en af valgmulighederne", id="industry"),
        ],
    )
    def test_bad_input_shows_the_danish_message_keeps_the_form_and_creates_nothing(
        self, as_role, team, projector, changes, message
    ):
        form = {
            **FORM,
            "company_id": "new",
            "new_company_name": "Soltoft Pleje",
            "new_company_industry": "care",
            "contact_name": "Lone Berg",
            "contact_phone": "20304050",
            **changes,
        }
        response = as_role("consultant").post("/leads", form)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and 'role="alert"' in html and message in html
        assert 'value="Soltoft Pleje"' in html and 'value="Lone Berg"' in html
        assert company_names(projector) == [] and shared_by(projector, team.consultant) == []

    def test_a_lead_without_a_company_asks_for_one(self, as_role, team, projector):
        html = as_role("consultant").post("/leads", FORM).get_data(as_text=True)
        assert "Vælg virksomheden, eller opret den med mindst navn og branche." in html
        assert shared_by(projector, team.consultant) == []

    def test_a_taken_cvr_number_points_to_the_existing_company(self, as_role, team, projector, hansen):
        html = (
            as_role("consultant")
            .post(
                "/leads",
                {
                    **FORM,
                    "company_id": "new",
                    "new_company_name": "Hansen",
                    "new_company_cvr": HANSEN_TRANSPORT_CVR,
                    "new_company_industry": "transport",
                },
            )
            .get_data(as_text=True)
        )
        assert f"Findes allerede: virksomhed {HANSEN_TRANSPORT_CVR}" in html
        assert company_names(projector) == ["Hansen Transport ApS"]

    @pytest.mark.parametrize("role", ["auditor", "admin"])
    def test_roles_that_may_not_share_are_refused(self, as_role, team, projector, hansen, role):
        response = as_role(role).post("/leads", {**FORM, "company_id": str(hansen)})
        assert response.status_code == 403
        assert shared_by(projector, getattr(team, role)) == []

    def test_sharing_without_the_csrf_token_is_refused(self, as_role, team, projector, hansen):
        response = as_role("consultant").post("/leads", {**FORM, "company_id": str(hansen)}, with_token=False)
        assert response.status_code == 400 and shared_by(projector, team.consultant) == []


class TestTheInbox:
    @pytest.fixture
    def lead(self, crm, team, clock, hansen, hr_manager):
        lead_id = crm.share_lead(
            team.consultant, hansen, "Højt sygefravær", suggested_contact_id=hr_manager, urgency="high"
        )
        clock.advance(timedelta(days=2))
        return lead_id

    def test_recruiters_see_open_leads_with_age_urgency_and_whom_to_call(self, as_role, crm, team, lead, hr_manager):
        html = as_role("recruiter").get("/leads").get_data(as_text=True)
        row = re.search(rf'<li class="lead-row urgency-high" id="lead-{lead}">.*?</li>', html, re.DOTALL).group(0)
        assert "Hansen Transport ApS" in row and "Højt sygefravær" in row and "(2 dage siden)" in row
        assert "Lone Berg" in row and "+45 20 30 40 50" in row and "Delt af Jonas Vestergaard" in row
        assert f'action="/leads/{lead}/claim"' in row
        assert team.recruiter in [e["user_id"] for e in crm.access_log.entries(contact_id=hr_manager)]

    def test_a_long_inbox_shows_the_first_leads_and_how_many_wait(self, as_role, crm, team, monkeypatch, hansen, lead):
        monkeypatch.setattr("web.leads.INBOX_SHOWN", 1)
        crm.share_lead(team.consultant, hansen, "Ny direktør", urgency="low")
        html = as_role("recruiter").htmx_get("/leads", "lead-inbox").get_data(as_text=True)
        assert "Højt sygefravær" in html and "Ny direktør" not in html and "1 tip mere venter bag disse." in html

    def test_the_inbox_is_filtered_by_status_in_place(self, as_role, crm, team, lead):
        crm.claim_lead(team.recruiter, lead)
        recruiter = as_role("recruiter")
        response = recruiter.htmx_get("/leads?status=claimed", "lead-inbox")
        html = response.get_data(as_text=True)
        assert html.startswith('<div id="lead-inbox"') and "HX-Request" in response.headers["Vary"]
        assert "Hansen Transport ApS" in html and "af Mette Kjær" in html
        assert "Hansen Transport ApS" not in recruiter.htmx_get("/leads", "lead-inbox").get_data(as_text=True)

    def test_claiming_in_place_returns_the_row_and_makes_the_recruiter_owner(self, as_role, crm, team, hansen, lead):
        response = as_role("recruiter").post(f"/leads/{lead}/claim", htmx_target=f"lead-{lead}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" not in html and "HX-Request" in response.headers["Vary"]
        assert html.startswith(f'<li class="lead-row urgency-high" id="lead-{lead}">')
        assert "Du har overtaget tippet." in html and "/claim" not in html
        assert crm.load(Lead, lead).status == "claimed" and crm.load(Company, hansen).owner_id == team.recruiter

    def test_a_lead_claimed_meanwhile_shows_why_it_cannot_be_claimed_again(self, as_role, crm, team, lead):
        crm.claim_lead(team.project_lead, lead)
        html = as_role("recruiter").post(f"/leads/{lead}/claim", htmx_target=f"lead-{lead}").get_data(as_text=True)
        assert 'role="alert"' in html and "Tippet har allerede status" in html and "af Henrik Bach" in html
        assert crm.load(Lead, lead).claimed_by == team.project_lead

    def test_declining_needs_a_reason_that_the_consultant_then_sees(self, as_role, crm, lead):
        recruiter = as_role("recruiter")
        refused = recruiter.post(f"/leads/{lead}/decline", {"reason": ""}, htmx_target=f"lead-{lead}")
        assert "Begrundelse: skal udfyldes" in refused.get_data(as_text=True)
        assert crm.load(Lead, lead).status == "open"
        response = recruiter.post(f"/leads/{lead}/decline", {"reason": "Vi har allerede kontakt via 3F"})
        assert response.status_code == 303 and crm.load(Lead, lead).status == "declined"
        mine = as_role("consultant").get("/leads").get_data(as_text=True).split('<div id="my-leads"')[1]
        assert "Vi har allerede kontakt via 3F" in mine

    def test_the_consultant_sees_what_came_of_the_lead(self, as_role, crm, team, hansen, lead):
        crm.log_attempt(team.recruiter, hansen, "call", "meeting_booked", lead_id=lead)
        agreement = crm.open_agreement(team.recruiter, hansen)
        mine = as_role("consultant").get("/leads").get_data(as_text=True).split('<div id="my-leads"')[1]
        assert "Overtaget" in mine and "Forhandling om ledelsesopbakning" in mine
        assert "<td>1</td>" in mine and f'href="/agreements/{agreement}"' in mine

    @pytest.mark.parametrize("role", ["consultant", "health_consultant", "auditor", "admin"])
    def test_only_recruiters_and_project_leads_may_decide(self, as_role, crm, lead, role):
        assert as_role(role).post(f"/leads/{lead}/claim").status_code == 403
        assert as_role(role).post(f"/leads/{lead}/decline", {"reason": "Nej"}).status_code == 403
        assert crm.load(Lead, lead).status == "open"

    def test_an_auditor_reads_the_inbox_without_actions(self, as_role, lead):
        html = as_role("auditor").get("/leads").get_data(as_text=True)
        assert "Højt sygefravær" in html and "/claim" not in html and 'id="share-form"' not in html

    def test_claiming_without_the_csrf_token_is_refused(self, as_role, crm, lead):
        assert as_role("recruiter").post(f"/leads/{lead}/claim", with_token=False).status_code == 400
        assert crm.load(Lead, lead).status == "open"


def test_searching_as_you_type_logs_no_personal_data(as_role, crm, team, hansen, hr_manager):
    crm.share_lead(team.consultant, hansen, "Højt sygefravær", suggested_contact_id=hr_manager)
    as_role("recruiter").htmx_get("/leads?q=hans", "company-results")
    assert crm.access_log.entries(contact_id=hr_manager) == []


def test_the_leads_page_shows_the_consultants_newest_shared_leads_and_says_how_many_more(
    as_role, crm, team, clock, hansen
):
    """The page most consultants open shows what it has room for: a consultant who shared for years does not
    make it slower; every lead, with its story, is on My leads."""
    for n in range(SHARED_SHOWN + 2):
        crm.share_lead(team.consultant, hansen, f"Tip nummer {n:02d}")
        clock.advance(timedelta(minutes=1))
    consultant = as_role("consultant")
    page = consultant.get("/leads").get_data(as_text=True)
    mine = page.split('id="my-leads"', 1)[1].split("</table>", 1)[0]
    shown = re.findall(r"Tip nummer (\d\d)", mine)
    assert shown == [f"{n:02d}" for n in range(SHARED_SHOWN + 1, 1, -1)]  # the newest first
    assert "2 ældre tip vises ikke her." in page and "Alle de tip, du har delt" in page
    every = consultant.get("/leads/mine").get_data(as_text=True) + consultant.get("/leads/mine?page=2").get_data(
        as_text=True
    )
    assert sorted(set(re.findall(r"Tip nummer (\d\d)", every))) == [f"{n:02d}" for n in range(SHARED_SHOWN + 2)]
