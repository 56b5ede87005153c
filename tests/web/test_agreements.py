"""Cooperation agreements: the trackers, and an agreement from buy-in through delivery to its end."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from crm.agreements import PartnershipAgreement
from crm.companies import Company
from tests.support import hansen_transport

STANDARD = ("top_management_sponsor", "conversations_in_working_hours", "rooms_on_site", "company_coordinator")


@pytest.fixture
def hansen(crm, team):
    return hansen_transport(crm, team.recruiter, owner_id=team.recruiter)


@pytest.fixture
def director(crm, team, hansen):
    return crm.register_contact(team.recruiter, hansen, "Birthe Hansen", "top_management", phone="20304050")


@pytest.fixture
def agreement(crm, team, hansen, director):
    return crm.open_agreement(team.recruiter, hansen)


def load(crm, agreement_id) -> PartnershipAgreement:
    return crm.load(PartnershipAgreement, agreement_id)


def sign_ready(crm, team, agreement_id, sponsor):
    for key in STANDARD:
        crm.confirm_requirement(team.recruiter, agreement_id, key, contact_id=sponsor if key == STANDARD[0] else None)
    crm.sign_agreement(team.recruiter, agreement_id)


def section(html: str, section_id: str) -> str:
    found = re.search(rf'<section class="card" id="{section_id}".*?</section>', html, re.DOTALL)
    assert found, f"no section {section_id}"
    return found.group(0)


class TestTheTrackers:
    def test_the_buy_in_tracker_shows_what_is_met_by_whom_and_what_is_missing(
        self, as_role, crm, team, agreement, director
    ):
        crm.confirm_requirement(team.recruiter, agreement, "top_management_sponsor", contact_id=director)
        response = as_role("project_lead").get("/agreements")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" in html
        assert "Hansen Transport ApS" in html and "3 mangler" in html
        assert "bekræftet af Mette Kjær den 2. mar. 2026" in html and "sponsor: Birthe Hansen" in html

    def test_showing_the_sponsor_is_written_to_the_access_log(self, as_role, crm, team, agreement, director):
        crm.confirm_requirement(team.recruiter, agreement, "top_management_sponsor", contact_id=director)
        as_role("auditor").get("/agreements")
        entries = crm.access_log.entries(contact_id=director)
        assert [(e["user_id"], e["use"], e["place"]) for e in entries] == [(team.auditor, "page", "/agreements")]

    @pytest.fixture
    def commitments(self, crm, team, clock, agreement, director):
        today = clock.now().date()
        crm.add_commitment(
            team.recruiter,
            agreement,
            "fruit_scheme",
            "Frugt til alle skift",
            owner_contact_id=director,
            due_on=today - timedelta(days=3),
        )
        crm.add_commitment(
            team.recruiter, agreement, "smoking_policy", "Røgfri arbejdstid", due_on=today + timedelta(days=10)
        )
        canteen = crm.add_commitment(team.recruiter, agreement, "healthier_canteen", "Sund kantine")
        crm.fulfil_commitment(team.recruiter, agreement, canteen)

    @pytest.mark.parametrize(
        "query, shown, hidden",
        [
            pytest.param(
                "status=overdue", ["Frugt til alle skift"], ["Røgfri arbejdstid", "Sund kantine"], id="overdue"
            ),
            pytest.param(
                "status=due_soon", ["Røgfri arbejdstid"], ["Frugt til alle skift", "Sund kantine"], id="due-soon"
            ),
            pytest.param(
                "status=fulfilled", ["Sund kantine"], ["Frugt til alle skift", "Røgfri arbejdstid"], id="fulfilled"
            ),
            pytest.param("kind=smoking_policy", ["Røgfri arbejdstid"], ["Sund kantine"], id="kind"),
            pytest.param("", ["Frugt til alle skift", "Røgfri arbejdstid", "Sund kantine"], [], id="all"),
        ],
    )
    def test_the_commitment_tracker_filters_by_status_and_kind(self, as_role, commitments, query, shown, hidden):
        response = as_role("project_lead").htmx_get("/agreements?" + query, "commitment-tracker")
        html = response.get_data(as_text=True)
        assert "<html" not in html and html.startswith('<div id="commitment-tracker"')
        assert "HX-Request" in response.headers["Vary"]
        assert all(text in html for text in shown) and not any(text in html for text in hidden)

    def test_overdue_and_due_soon_commitments_carry_badges(self, as_role, commitments):
        html = as_role("project_lead").get("/agreements").get_data(as_text=True)
        assert '<span class="badge bad">Overskredet</span>' in html
        assert '<span class="badge warn">Forfalder snart</span>' in html

    def test_open_commitments_of_a_terminated_agreement_are_hidden_or_marked(
        self, as_role, crm, team, agreement, commitments
    ):
        crm.terminate_agreement(team.recruiter, agreement, reason="Virksomheden er solgt")
        project_lead = as_role("project_lead")
        html = project_lead.get("/agreements").get_data(as_text=True)
        assert "Frugt til alle skift" not in html and "Sund kantine" in html
        assert "2 åbne strukturelle indsatser fra opsagte aftaler er skjult." in html
        shown = project_lead.get("/agreements?terminated=show").get_data(as_text=True)
        row = re.search(r'<tr class="orphaned">.*?</tr>', shown, re.DOTALL).group(0)
        assert "Frugt til alle skift" in row and "Aftalen er opsagt" in row


class TestBuyInAndSigning:
    def url(self, agreement_id, action=""):
        return f"/agreements/{agreement_id}" + action

    def test_the_agreement_page_shows_the_checklist(self, as_role, agreement):
        response = as_role("consultant").get(self.url(agreement))
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" in html
        assert "Samarbejdsaftale med" in html and "4 af 4 krav mangler stadig." in html
        assert '<option value="' in section(html, "buy-in") and "Birthe Hansen" in html

    def test_an_unknown_agreement_is_not_found(self, as_role, hansen):
        assert as_role("consultant").get(self.url(hansen)).status_code == 404

    def test_confirming_in_place_returns_the_agreement_fragment(self, as_role, crm, agreement):
        response = as_role("consultant").post(
            self.url(agreement, "/requirements/confirm"),
            {"key": "rooms_on_site", "version": load(crm, agreement).version},
            htmx_target="agreement",
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" not in html and html.startswith('<div id="agreement"')
        assert "HX-Request" in response.headers["Vary"]
        assert "bekræftet af Jonas Vestergaard" in html and "Kravet er bekræftet." in html
        assert load(crm, agreement).requirements["rooms_on_site"]["met"]

    def test_signing_without_buy_in_is_refused_with_the_missing_items_in_danish(self, as_role, crm, team, agreement):
        crm.confirm_requirement(team.recruiter, agreement, "rooms_on_site")
        crm.add_requirement(team.recruiter, agreement, "Lederne tager samtalen først")
        response = as_role("recruiter").post(self.url(agreement, "/sign"), {})
        buy_in = section(response.get_data(as_text=True), "buy-in")
        assert response.status_code == 200 and 'role="alert"' in buy_in
        assert "Aftalen kan ikke underskrives. Der mangler ledelsesopbakning:" in buy_in
        items = re.findall(r"<li>([^<]+)</li>", buy_in)
        assert items == [
            "En navngiven sponsor i den øverste ledelse",
            "Samtaler i arbejdstiden",
            "En tovholder i virksomheden",
            "Lederne tager samtalen først",
        ]
        assert load(crm, agreement).status == "negotiating"

    def test_the_sponsor_must_be_a_named_top_manager(self, as_role, crm, team, hansen, agreement):
        hr = crm.register_contact(team.recruiter, hansen, "Karin Holm", "hr")
        consultant = as_role("consultant")
        version = load(crm, agreement).version
        unnamed = consultant.post(
            self.url(agreement, "/requirements/confirm"), {"key": "top_management_sponsor", "version": version}
        ).get_data(as_text=True)
        assert "Kontaktperson: angiv sponsoren i den øverste ledelse" in unnamed
        not_top = consultant.post(
            self.url(agreement, "/requirements/confirm"),
            {"key": "top_management_sponsor", "contact": str(hr), "version": version},
        )
        assert "sponsoren skal være en del af den øverste ledelse" in not_top.get_data(as_text=True)
        assert not load(crm, agreement).requirements["top_management_sponsor"]["met"]

    def test_confirming_everything_then_signing_makes_the_company_a_partner(
        self, as_role, crm, hansen, agreement, director
    ):
        recruiter = as_role("recruiter")
        for key in STANDARD:
            response = recruiter.post(
                self.url(agreement, "/requirements/confirm"),
                {
                    "key": key,
                    "contact": str(director) if key == STANDARD[0] else "",
                    "version": load(crm, agreement).version,
                    "confirmed_on": "2026-03-01",
                },
            )
            assert response.status_code == 303
        response = recruiter.post(self.url(agreement, "/sign"), {"signed_on": "2026-03-02"})
        assert response.status_code == 303 and response.headers["Location"].endswith(f"/agreements/{agreement}#buy-in")
        assert load(crm, agreement).signed_on == date(2026, 3, 2)
        assert crm.load(Company, hansen).stage == "partner"
        assert load(crm, agreement).requirements["rooms_on_site"]["confirmed_on"] == date(2026, 3, 1)

    def test_a_stale_checklist_shows_the_conflict_and_the_current_state(self, as_role, crm, team, agreement):
        stale = load(crm, agreement).version
        crm.confirm_requirement(team.project_lead, agreement, "rooms_on_site")
        response = as_role("consultant").post(
            self.url(agreement, "/requirements/confirm"), {"key": "company_coordinator", "version": stale}
        )
        buy_in = section(response.get_data(as_text=True), "buy-in")
        assert response.status_code == 200
        assert "En anden har ændret samme samarbejdsaftale i mellemtiden" in buy_in
        assert "bekræftet af Henrik Bach" in buy_in
        assert not load(crm, agreement).requirements["company_coordinator"]["met"]

    def test_withdrawing_needs_a_reason(self, as_role, crm, team, agreement):
        crm.confirm_requirement(team.recruiter, agreement, "rooms_on_site")
        consultant = as_role("consultant")
        refused = consultant.post(
            self.url(agreement, "/requirements/withdraw"),
            {"key": "rooms_on_site", "version": load(crm, agreement).version, "reason": ""},
        )
        assert "Begrundelse: skal udfyldes" in refused.get_data(as_text=True)
        assert load(crm, agreement).requirements["rooms_on_site"]["met"]
        consultant.post(
            self.url(agreement, "/requirements/withdraw"),
            {"key": "rooms_on_site", "version": load(crm, agreement).version, "reason": "Kantinen skal bruges"},
        )
        assert not load(crm, agreement).requirements["rooms_on_site"]["met"]

    def test_the_municipality_adds_its_own_requirement(self, as_role, crm, agreement):
        html = (
            as_role("consultant")
            .post(self.url(agreement, "/requirements"), {"label": "Ambassadører først"}, htmx_target="agreement")
            .get_data(as_text=True)
        )
        assert "<strong>Ambassadører først</strong>" in html
        assert "custom_ambassadoerer_foerst" in load(crm, agreement).requirements

    @pytest.mark.parametrize(
        "role, action, status",
        [
            pytest.param("consultant", "/sign", 403, id="consultant-signs"),
            pytest.param("consultant", "/deliveries", 403, id="consultant-delivers"),
            pytest.param("auditor", "/requirements/confirm", 403, id="auditor-confirms"),
            pytest.param("auditor", "/sign", 403, id="auditor-signs"),
            pytest.param("admin", "/requirements", 403, id="admin-adds"),
        ],
    )
    def test_roles_without_the_permission_are_refused(self, as_role, crm, agreement, role, action, status):
        response = as_role(role).post(self.url(agreement, action), {"key": "rooms_on_site", "label": "Frugt"})
        assert response.status_code == status
        assert load(crm, agreement).version == 1

    def test_a_post_without_the_csrf_token_is_refused(self, as_role, crm, agreement):
        response = as_role("recruiter").post(
            self.url(agreement, "/requirements/confirm"), {"key": "rooms_on_site"}, with_token=False
        )
        assert response.status_code == 400 and load(crm, agreement).version == 1


class TestDeliveryAndTheEnd:
    def url(self, agreement_id, action=""):
        return f"/agreements/{agreement_id}" + action

    def test_delivery_before_signing_is_refused(self, as_role, crm, agreement):
        html = (
            as_role("health_consultant")
            .post(self.url(agreement, "/deliveries"), {"conversations": "5"})
            .get_data(as_text=True)
        )
        assert "Aftalen skal underskrives først." in section(html, "delivery")
        assert load(crm, agreement).delivered["conversations"] == 0

    def test_delivered_counts_are_shown_against_the_plan(self, as_role, crm, team, agreement, director):
        sign_ready(crm, team, agreement, director)
        nurse = as_role("health_consultant")
        nurse.post(self.url(agreement, "/plan"), {"health_checks": "40", "conversations": "25"})
        nurse.post(
            self.url(agreement, "/deliveries"),
            {"delivered_on": "2026-03-02", "health_checks": "12", "conversations": "7", "referrals": "2"},
        )
        html = section(nurse.get(self.url(agreement)).get_data(as_text=True), "delivery")
        assert re.search(r"Sundhedssamtaler</th><td>25</td><td>7</td>", html)
        assert re.search(r"Korte sundhedstjek</th><td>40</td><td>12</td>", html)
        assert load(crm, agreement).delivered == {"health_checks": 12, "conversations": 7, "referrals": 2}

    def test_a_count_that_is_not_a_number_shows_the_danish_message(self, as_role, crm, team, agreement, director):
        sign_ready(crm, team, agreement, director)
        html = (
            as_role("health_consultant")
            .post(self.url(agreement, "/deliveries"), {"conversations": "mange"})
            .get_data(as_text=True)
        )
        assert "Sundhedssamtaler: skal være et helt tal på 0 eller derover" in section(html, "delivery")
        assert 'value="mange"' in html
        assert load(crm, agreement).delivered["conversations"] == 0

    def test_a_plan_of_ten_to_the_twentieth_checks_is_refused_in_danish_and_the_pages_keep_working(
        self, as_role, crm, agreement
    ):
        nurse = as_role("health_consultant")
        head = crm.recorder.max_notification_id()
        html = nurse.post(self.url(agreement, "/plan"), {"health_checks": str(10**20), "conversations": "5"}).get_data(
            as_text=True
        )
        assert "Sundhedstjek: skal være et helt tal fra 0 til 10000" in section(html, "delivery")
        assert crm.recorder.max_notification_id() == head
        for page in (self.url(agreement), "/agreements", "/my-day", "/companies"):
            assert nurse.get(page).status_code == 200, page

    def test_feedback_suggests_the_follow_up_a_month_later_and_the_agreement_completes(
        self, as_role, crm, team, clock, agreement, director
    ):
        sign_ready(crm, team, agreement, director)
        crm.record_delivery(team.health_consultant, agreement, conversations=10)
        nurse = as_role("health_consultant")
        nurse.post(self.url(agreement, "/feedback"), {"delivered_on": "2026-03-02", "focus_points": "Søvn og kost"})
        html = nurse.get(self.url(agreement)).get_data(as_text=True)
        assert "Søvn og kost" in section(html, "feedback")
        assert "Forslag: 7. apr. 2026" in html  # 2 April is Maundy Thursday: the first working day after Easter
        clock.advance(timedelta(days=31))
        nurse = as_role("health_consultant")  # a month later: the old session has long ended
        nurse.post(self.url(agreement, "/follow-up"), {"note": "Flere tilmeldt rygestop"})
        response = as_role("project_lead").post(self.url(agreement, "/complete"), {})
        assert response.status_code == 303
        assert load(crm, agreement).status == "completed" and load(crm, agreement).follow_up_on == date(2026, 4, 2)

    def test_commitments_are_added_fulfilled_and_abandoned_with_a_reason(self, as_role, crm, team, agreement, director):
        consultant = as_role("consultant")
        consultant.post(
            self.url(agreement, "/commitments"),
            {
                "kind": "exercise_in_working_hours",
                "description": "Motion to gange om ugen",
                "contact": str(director),
                "due_on": "2026-06-01",
            },
        )
        consultant.post(self.url(agreement, "/commitments"), {"kind": "fruit_scheme", "description": "Frugt"})
        first, second = load(crm, agreement).commitments
        consultant.post(self.url(agreement, f"/commitments/{first}/fulfil"), {})
        refused = consultant.post(self.url(agreement, f"/commitments/{second}/abandon"), {"reason": ""})
        assert "Begrundelse: skal udfyldes" in section(refused.get_data(as_text=True), "commitments")
        consultant.post(self.url(agreement, f"/commitments/{second}/abandon"), {"reason": "Ingen leverandør"})
        commitments = load(crm, agreement).commitments
        assert commitments[first]["state"] == "fulfilled" and commitments[first]["owner_contact_id"] == director
        assert commitments[second]["state"] == "abandoned"
        html = consultant.get(self.url(agreement)).get_data(as_text=True)
        assert "Opgivet med begrundelsen: Ingen leverandør" in section(html, "commitments")

    def test_a_commitment_without_a_kind_shows_the_danish_message_and_keeps_the_text(self, as_role, crm, agreement):
        html = (
            as_role("consultant")
            .post(self.url(agreement, "/commitments"), {"kind": "", "description": "Frugtordning"})
            .get_data(as_text=True)
        )
        assert "Type: er ikke en af valgmulighederne" in section(html, "commitments")
        assert ">Frugtordning</textarea>" in html and load(crm, agreement).commitments == {}

    def test_termination_needs_a_reason_and_ends_the_company(self, as_role, crm, team, hansen, agreement, director):
        sign_ready(crm, team, agreement, director)
        lead = as_role("project_lead")
        refused = lead.post(self.url(agreement, "/terminate"), {"reason": ""}).get_data(as_text=True)
        assert "Begrundelse: skal udfyldes" in section(refused, "closing")
        lead.post(self.url(agreement, "/terminate"), {"reason": "Virksomheden lukker afdelingen"})
        assert load(crm, agreement).status == "terminated" and crm.load(Company, hansen).stage == "ended"
        html = lead.get(self.url(agreement)).get_data(as_text=True)
        assert "Opsagt med begrundelsen: Virksomheden lukker afdelingen" in html and 'name="reason"' not in html
