"""The pipeline board: columns, filters, summary, stalled companies, and moving a company on its path."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from crm.agreements import PartnershipAgreement
from crm.companies import Company
from tests.support import SOLTOFT_PLEJE_CVR, hansen_transport


@pytest.fixture
def hansen(crm, team):
    return hansen_transport(crm, team.recruiter, owner_id=team.recruiter)


@pytest.fixture
def soltoft(crm, team):
    return crm.register_company(
        team.recruiter,
        "Soltoft Pleje",
        "care",
        cvr=SOLTOFT_PLEJE_CVR,
        owner_id=team.health_consultant,
        arena="workplace_public",
        strategy="open",
    )


def column(html: str, stage: str) -> str:
    """The HTML of one stage's column on the board."""
    found = re.search(
        rf'<section class="board-column" aria-labelledby="stage-{stage}">(.*?)</section>', html, re.DOTALL
    )
    assert found, f"no column for {stage}"
    return found.group(1)


def section(html: str, heading_id: str) -> str:
    found = re.search(rf'<section class="card" aria-labelledby="{heading_id}">(.*?)</section>', html, re.DOTALL)
    assert found, f"no section {heading_id}"
    return found.group(1)


def stage_of(crm, company_id) -> str:
    return crm.load(Company, company_id).stage


def version_of(crm, company_id) -> int:
    return crm.load(Company, company_id).version


class TestTheBoard:
    def test_the_board_shows_each_stage_with_its_count_and_the_days_in_stage(
        self, as_role, crm, team, clock, hansen, soltoft
    ):
        crm.move_company(team.recruiter, soltoft, "contacted")
        clock.advance(timedelta(days=3))
        response = as_role("project_lead").get("/pipeline")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" in html
        identified, contacted = column(html, "identified"), column(html, "contacted")
        assert "Hansen Transport ApS" in identified and "Soltoft Pleje" not in identified
        assert "Soltoft Pleje" in contacted and '<span class="badge">1</span>' in contacted
        assert "3 dage i fasen" in identified
        assert f'href="/companies/{hansen}"' in identified

    def test_htmx_filtering_swaps_only_the_board(self, as_role, hansen, soltoft):
        response = as_role("project_lead").htmx_get("/pipeline?industry=care", "pipeline-board")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "<html" not in html and html.lstrip().startswith('<div id="pipeline-board"')
        assert "HX-Request" in response.headers["Vary"]
        assert "Soltoft Pleje" in html and "Hansen Transport ApS" not in html

    def test_the_filter_form_is_a_get_form_that_pushes_the_url(self, as_role, hansen):
        html = as_role("project_lead").get("/pipeline").get_data(as_text=True)
        form = re.search(r'<form id="pipeline-filters"[^>]*>', html).group(0)
        assert 'method="get"' in form and 'hx-push-url="true"' in form and 'hx-target="#pipeline-board"' in form

    @pytest.mark.parametrize(
        "query, shown, hidden",
        [
            pytest.param("owner={owner}", "Hansen Transport ApS", "Soltoft Pleje", id="owner"),
            pytest.param("arena=workplace_public", "Soltoft Pleje", "Hansen Transport ApS", id="arena"),
            pytest.param("strategy=targeted", "Hansen Transport ApS", "Soltoft Pleje", id="strategy"),
        ],
    )
    def test_each_filter_narrows_the_board(self, as_role, team, hansen, soltoft, query, shown, hidden):
        html = as_role("project_lead").get("/pipeline?" + query.format(owner=team.recruiter)).get_data(as_text=True)
        board = column(html, "identified")
        assert shown in board and hidden not in board

    def test_the_summary_counts_companies_by_the_chosen_dimension(self, as_role, crm, team, hansen, soltoft):
        crm.register_company(team.recruiter, "Vognmand Jensen", "transport")
        html = as_role("project_lead").get("/pipeline?by=industry").get_data(as_text=True)
        summary = section(html, "summary-heading")
        transport = re.search(r'<tr><th scope="row">Transport</th>(.*?)</tr>', summary, re.DOTALL).group(1)
        assert "<strong>2</strong>" in transport
        by_owner = section(
            as_role("project_lead").get("/pipeline?by=owner_id").get_data(as_text=True), "summary-heading"
        )
        assert "Mette Kjær" in by_owner and "Sofie Lund" in by_owner and "Ikke angivet" in by_owner

    def test_companies_without_an_attempt_for_the_stalled_days_are_listed(
        self, app, as_role, crm, team, clock, hansen, soltoft
    ):
        clock.advance(timedelta(days=app.config["STALLED_DAYS"] - 1))
        crm.log_attempt(team.recruiter, soltoft, "call", "no_answer")
        clock.advance(timedelta(days=2))
        stalled = section(as_role("project_lead").get("/pipeline").get_data(as_text=True), "stalled-heading")
        assert "Hansen Transport ApS" in stalled and f"{app.config['STALLED_DAYS'] + 1} dage" in stalled
        assert "Soltoft Pleje" not in stalled

    def test_only_the_longest_stalled_are_listed_with_the_count_of_the_rest(
        self, as_role, clock, monkeypatch, hansen, soltoft
    ):
        monkeypatch.setattr("web.pipeline.STALLED_SHOWN", 1)
        clock.advance(timedelta(days=30))
        stalled = section(as_role("project_lead").get("/pipeline").get_data(as_text=True), "stalled-heading")
        assert stalled.count("<li>") == 1 and "og 1 mere, der har stået stille i kortere tid." in stalled

    def test_beyond_the_cap_the_stalled_are_counted_as_more_than(self, as_role, clock, monkeypatch, hansen, soltoft):
        monkeypatch.setattr("web.pipeline.STALLED_SHOWN", 1)
        monkeypatch.setattr("projections.COUNT_CAP", 1)  # 1,000 on the board; smaller here, the same rule
        clock.advance(timedelta(days=30))
        stalled = section(as_role("project_lead").get("/pipeline").get_data(as_text=True), "stalled-heading")
        assert stalled.count("<li>") == 1 and "og flere: over 1 står stille i alt." in stalled

    def test_an_auditor_sees_the_board_but_no_move_menus(self, as_role, hansen):
        html = as_role("auditor").get("/pipeline").get_data(as_text=True)
        assert "Hansen Transport ApS" in html and 'name="stage"' not in html

    def test_each_card_offers_only_the_sensible_next_stages(self, as_role, crm, team, hansen, soltoft):
        crm.open_agreement(team.recruiter, soltoft)
        html = as_role("recruiter").get("/pipeline").get_data(as_text=True)

        def options(company_id):
            menu = re.search(rf'id="move-{company_id}".*?</select>', html, re.DOTALL).group(0)
            return re.findall(r'<option value="(\w+)">', menu)

        assert options(hansen) == ["contacted", "meeting", "negotiating", "declined", "parked"]
        assert options(soltoft) == ["meeting", "partner"]


class TestMoving:
    def url(self, company_id, query=""):
        return f"/pipeline/companies/{company_id}/move" + query

    def test_a_plain_move_goes_back_to_the_board_with_its_filters(self, as_role, crm, hansen):
        response = as_role("recruiter").post(
            self.url(hansen, "?industry=transport"), {"stage": "contacted", "version": version_of(crm, hansen)}
        )
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/pipeline?industry=transport")
        assert stage_of(crm, hansen) == "contacted"

    def test_an_htmx_move_returns_the_board_with_the_card_in_its_new_column(self, as_role, crm, hansen):
        response = as_role("recruiter").post(
            self.url(hansen), {"stage": "meeting", "version": version_of(crm, hansen)}, htmx_target="pipeline-board"
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" not in html
        assert "HX-Request" in response.headers["Vary"]
        assert "Hansen Transport ApS" in column(html, "meeting") and 'role="status"' in html
        assert stage_of(crm, hansen) == "meeting"

    def test_an_illegal_move_is_refused_with_the_danish_reason_on_the_board(self, as_role, crm, hansen):
        response = as_role("recruiter").post(
            self.url(hansen), {"stage": "completed", "version": version_of(crm, hansen)}, htmx_target="pipeline-board"
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and 'role="alert"' in html
        assert "En virksomhed kan ikke flyttes fra" in html
        assert stage_of(crm, hansen) == "identified"

    def test_a_stale_card_shows_the_conflict_and_the_current_card(self, as_role, crm, team, hansen):
        stale = version_of(crm, hansen)
        crm.move_company(team.project_lead, hansen, "meeting")
        response = as_role("recruiter").post(self.url(hansen), {"stage": "contacted", "version": stale})
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "En anden har ændret samme virksomhed" in html
        assert "Hansen Transport ApS" in column(html, "meeting")
        assert stage_of(crm, hansen) == "meeting"

    def test_moving_to_negotiation_asks_first_then_opens_the_agreement(self, as_role, crm, hansen):
        recruiter = as_role("recruiter")
        asked = recruiter.post(self.url(hansen), {"stage": "negotiating"}).get_data(as_text=True)
        assert "Vil du oprette en samarbejdsaftale med Hansen Transport ApS?" in asked
        assert stage_of(crm, hansen) == "identified"
        response = recruiter.post(self.url(hansen), {"stage": "negotiating", "confirmed": "1"})
        agreement_id = crm.load(Company, hansen).agreement_id
        assert response.status_code == 303 and response.headers["Location"].endswith(f"/agreements/{agreement_id}")
        assert stage_of(crm, hansen) == "negotiating"

    def test_htmx_confirming_the_negotiation_navigates_to_the_agreement(self, as_role, crm, hansen):
        response = as_role("recruiter").post(
            self.url(hansen), {"stage": "negotiating", "confirmed": "1"}, htmx_target="pipeline-board"
        )
        assert response.headers["HX-Redirect"] == f"/agreements/{crm.load(Company, hansen).agreement_id}"

    def test_a_partner_move_is_refused_with_the_missing_buy_in_and_a_link_to_sign(self, as_role, crm, team, hansen):
        agreement_id = crm.open_agreement(team.recruiter, hansen)
        crm.confirm_requirement(team.recruiter, agreement_id, "rooms_on_site")
        response = as_role("recruiter").post(self.url(hansen), {"stage": "partner"}, htmx_target="pipeline-board")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and 'role="alert"' in html
        assert "<li>En navngiven sponsor i den øverste ledelse</li>" in html
        assert "<li>Lokaler på arbejdspladsen</li>" not in html
        assert f'href="/agreements/{agreement_id}"' in html
        assert stage_of(crm, hansen) == "negotiating"

    def test_declining_asks_for_the_reason_and_the_date_to_approach_again(self, as_role, crm, hansen):
        recruiter = as_role("recruiter")
        asked = recruiter.post(self.url(hansen), {"stage": "declined"}).get_data(as_text=True)
        assert 'name="reason"' in asked and 'name="approach_again_after"' in asked
        response = recruiter.post(
            self.url(hansen),
            {"stage": "declined", "reason": "Travlt med ny rute", "approach_again_after": "2026-09-01"},
        )
        assert response.status_code == 303
        company = crm.load(Company, hansen)
        assert company.stage == "declined" and company.approach_again_after == date(2026, 9, 1)
        assert company.closed_reason == "Travlt med ny rute"

    def test_parking_without_a_reason_shows_the_danish_message_and_keeps_the_form(self, as_role, crm, hansen):
        response = as_role("recruiter").post(
            self.url(hansen), {"stage": "parked", "reason": " ", "approach_again_after": "2026-09-01"}
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "Begrundelse: skal udfyldes" in html
        assert 'value="2026-09-01"' in html
        assert stage_of(crm, hansen) == "identified"

    def test_a_bad_date_shows_the_danish_message_and_changes_nothing(self, as_role, crm, hansen):
        html = (
            as_role("recruiter")
            .post(self.url(hansen), {"stage": "parked", "reason": "Travlt", "approach_again_after": "efteråret"})
            .get_data(as_text=True)
        )
        assert "Kontakt igen efter: er ikke en dato" in html
        assert stage_of(crm, hansen) == "identified"

    def test_a_declined_company_is_approached_again_in_a_new_round(self, as_role, crm, team, clock, hansen):
        crm.decline_company(team.recruiter, hansen, reason="Ikke nu")
        response = as_role("recruiter").post(self.url(hansen), {"stage": "identified"})
        assert response.status_code == 303
        company = crm.load(Company, hansen)
        assert company.stage == "identified" and company.round == 2

    @pytest.mark.parametrize("role", ["auditor", "admin"])
    def test_roles_without_outreach_may_not_move(self, as_role, crm, hansen, role):
        response = as_role(role).post(self.url(hansen), {"stage": "contacted"})
        assert response.status_code == 403
        assert stage_of(crm, hansen) == "identified"

    def test_a_move_without_the_csrf_token_is_refused(self, as_role, crm, hansen):
        response = as_role("recruiter").post(self.url(hansen), {"stage": "contacted"}, with_token=False)
        assert response.status_code == 400
        assert stage_of(crm, hansen) == "identified"

    def test_no_agreement_is_opened_by_a_refused_move(self, as_role, crm, hansen):
        as_role("recruiter").post(self.url(hansen), {"stage": "partner"})
        assert crm.load(Company, hansen).agreement_id is None
        assert not [
            e
            for e in crm.recorder.select_notifications(start=1, limit=1000)
            if e.topic.endswith(PartnershipAgreement.Drafted.__qualname__)
        ]
