"""My day: the recruiter's queue, attempts logged in place, and new rounds with declined companies."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from crm.companies import Company
from tests.support import SOLTOFT_PLEJE_CVR, hansen_transport


def row_html(page: str, company_id) -> str:
    found = re.search(rf'<li class="queue-row[^"]*" id="queue-row-{company_id}">.*?\n</li>', page, re.S)
    assert found, f"no queue row for {company_id}"
    return found.group(0)


@pytest.fixture
def queue(crm, team, clock):
    """Mette's companies: one overdue, one due today, one with no next step, one to approach again."""
    mette = team.recruiter
    now = clock.now()
    clock.set(datetime(2026, 2, 2, 9, 0, tzinfo=UTC))
    cleaning = crm.register_company(mette, "Byens Rengøring", "cleaning", owner_id=mette)
    crm.log_attempt(mette, cleaning, "call", "declined", note="Travlt med udbud", approach_again_after=date(2026, 3, 1))
    clock.set(now)
    hansen = hansen_transport(crm, mette, owner_id=mette)
    lise = crm.register_contact(mette, hansen, "Lise Hansen", "hr", "20304050", "lise@hansen-transport.dk")
    crm.log_attempt(
        mette,
        hansen,
        "call",
        "no_answer",
        occurred_on=date(2026, 2, 20),
        next_follow_up=date(2026, 2, 25),
        contact_id=lise,
    )
    soltoft = crm.register_company(mette, "Soltoft Pleje", "care", cvr=SOLTOFT_PLEJE_CVR, owner_id=mette)
    crm.log_attempt(mette, soltoft, "email", "call_back", next_follow_up=date(2026, 3, 2))
    bakery = crm.register_company(mette, "Bageriet Kornblomst", "production", owner_id=mette)
    others = crm.register_company(team.consultant, "Jonas' Vognmand", "transport", owner_id=team.consultant)
    return {
        "hansen": hansen,
        "lise": lise,
        "soltoft": soltoft,
        "bakery": bakery,
        "cleaning": cleaning,
        "others": others,
    }


class TestTheQueue:
    def test_the_recruiter_sees_her_four_sections_with_the_days_overdue(self, as_role, queue):
        page = as_role("recruiter").get("/my-day").get_data(as_text=True)
        assert "<html" in page and "Min dag" in page
        sections = [
            page.index(f'id="section-{name}"') for name in ("overdue", "due_today", "no_next_step", "reapproach")
        ]
        assert sections == sorted(sections)
        assert (
            sections[0] < page.index("Hansen Transport ApS") < sections[1] < page.index("Soltoft Pleje") < sections[2]
        )
        assert sections[2] < page.index("Bageriet Kornblomst") < sections[3] < page.index("Byens Rengøring")
        assert "5 dage over tid" in row_html(page, queue["hansen"])

    def test_each_row_shows_whom_to_call_the_last_outcome_and_note_and_the_attempts(self, as_role, crm, team, queue):
        crm.log_attempt(
            team.recruiter,
            queue["hansen"],
            "call",
            "no_answer",
            note="Omstillingen lukket",
            occurred_on=date(2026, 2, 21),
            next_follow_up=date(2026, 2, 25),
        )
        row = row_html(as_role("recruiter").get("/my-day").get_data(as_text=True), queue["hansen"])
        assert f'href="/companies/{queue["hansen"]}"' in row
        assert (
            "Lise Hansen" in row and 'href="tel:+4520304050"' in row and 'href="mailto:lise@hansen-transport.dk"' in row
        )
        assert "Intet svar, 21. feb. 2026" in row and "Omstillingen lukket" in row and "2 henvendelser" in row
        assert "<form" not in row  # the log form is fetched when asked for

    def test_the_decision_maker_is_the_one_to_call(self, as_role, crm, team, queue):
        crm.register_contact(
            team.recruiter, queue["hansen"], "Peter Hansen", "top_management", "20304060", is_decision_maker=True
        )
        row = row_html(as_role("recruiter").get("/my-day").get_data(as_text=True), queue["hansen"])
        assert "Peter Hansen" in row and 'href="tel:+4520304060"' in row and "Lise Hansen" not in row

    def test_within_a_section_an_urgent_lead_then_the_stage_then_a_known_decision_maker_come_first(
        self, as_role, crm, team, clock
    ):
        mette = team.recruiter
        names = ["A identified", "B meeting", "C decider", "D urgent lead"]
        ids = {name: crm.register_company(mette, name, "care", owner_id=mette) for name in names}
        for company_id in ids.values():
            crm.log_attempt(mette, company_id, "call", "no_answer", next_follow_up=date(2026, 3, 2))
        crm.move_company(mette, ids["B meeting"], "meeting")
        crm.register_contact(mette, ids["C decider"], "Kim Dam", "top_management", is_decision_maker=True)
        crm.share_lead(team.consultant, ids["D urgent lead"], "Højt sygefravær", urgency="high")
        page = as_role("recruiter").get("/my-day").get_data(as_text=True)
        due = page[page.index('id="section-due_today"') : page.index('id="section-no_next_step"')]
        assert [due.index(name) for name in ["D urgent lead", "B meeting", "C decider", "A identified"]] == sorted(
            due.index(name) for name in names
        )
        assert "Tip: Høj" in row_html(page, ids["D urgent lead"])

    def test_a_company_owned_by_someone_else_is_not_on_my_queue(self, as_role, queue):
        assert "Jonas&#39; Vognmand" not in as_role("recruiter").get("/my-day").get_data(as_text=True)

    def test_the_queue_is_a_fragment_for_htmx(self, as_role, queue):
        response = as_role("recruiter").htmx_get("/my-day", "queue")
        assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
        assert 'id="queue"' in response.get_data(as_text=True)
        assert "HX-Request" in response.headers["Vary"]

    def test_the_contacts_on_the_queue_are_in_the_access_log(self, as_role, crm, team, queue):
        as_role("recruiter").get("/my-day")
        entries = crm.access_log.entries(contact_id=queue["lise"])
        assert [(e["user_id"], e["use"], e["place"]) for e in entries] == [(team.recruiter, "page", "/my-day")]

    def test_a_company_approached_by_another_department_shows_the_overlap_notice(self, as_role, crm, team, queue):
        crm.log_attempt(team.consultant, queue["soltoft"], "visit", "interested")
        page = as_role("recruiter").get("/my-day").get_data(as_text=True)
        notice = page[page.index('id="overlap-title"') : page.index("</aside>")]
        assert "Soltoft Pleje" in notice and "Jonas Vestergaard" in notice and "Hansen" not in notice

    def test_companies_without_an_attempt_for_the_stalled_days_are_counted(self, as_role, crm, team, queue, clock):
        clock.set(datetime(2026, 3, 20, 9, 0, tzinfo=UTC))
        page = as_role("recruiter").get("/my-day").get_data(as_text=True)
        assert "3 af dine virksomheder har ikke haft nogen henvendelse i 14 dage eller mere" in page

    def test_a_long_section_shows_fifty_rows_and_a_link_to_the_rest(self, as_role, crm, team):
        for number in range(53):
            crm.register_company(team.recruiter, f"Vognmand nr. {number:02d}", "transport", owner_id=team.recruiter)
        client = as_role("recruiter")
        page = client.get("/my-day").get_data(as_text=True)
        assert page.count('class="queue-row ') == 50 and "Vis alle 53" in page
        everything = client.get("/my-day?all=no_next_step").get_data(as_text=True)
        assert everything.count('class="queue-row ') == 53 and "Vis alle" not in everything


class TestLoggingAnAttempt:
    def post(self, client, company_id, htmx=True, **values):
        data = {"channel": "call", "outcome": "call_back", **values}
        return client.post(
            f"/my-day/{company_id}/attempts", data, htmx_target=f"queue-row-{company_id}" if htmx else None
        )

    def test_htmx_gets_the_updated_row_with_its_new_next_step(self, as_role, crm, queue):
        response = self.post(
            as_role("recruiter"), queue["hansen"], next_follow_up="2026-03-04", note="Ring efter frokost"
        )
        row = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" not in row and "HX-Request" in response.headers["Vary"]
        assert row.startswith(f'<li class="queue-row queue-later" id="queue-row-{queue["hansen"]}">')
        assert "Ring tilbage, 2. mar. 2026" in row and "Næste: 4. mar. 2026" in row and "2 henvendelser" in row
        assert "Henvendelsen til Hansen Transport ApS er registreret." in row

    def test_a_typed_date_wins_over_a_quick_pick(self, as_role, crm, queue):
        self.post(as_role("recruiter"), queue["soltoft"], next_follow_up="2026-03-03", next_follow_up_on="2026-03-10")
        attempts = list(crm_view_attempts(crm, queue["soltoft"]))
        assert attempts[-1].next_follow_up == date(2026, 3, 10)

    def test_without_javascript_the_form_posts_and_comes_back_to_my_day(self, as_role, queue):
        client = as_role("recruiter")
        response = self.post(client, queue["bakery"], htmx=False, next_follow_up="2026-03-03")
        assert response.status_code == 303 and response.headers["Location"].endswith("/my-day")
        page = client.get("/my-day").get_data(as_text=True)
        assert "Henvendelsen til Bageriet Kornblomst er registreret." in page

    def test_a_follow_up_before_today_shows_the_danish_message_and_logs_nothing(self, as_role, crm, queue):
        version = crm.load(Company, queue["hansen"]).version
        response = self.post(as_role("recruiter"), queue["hansen"], next_follow_up_on="2026-02-27", note="Forkert dato")
        row = response.get_data(as_text=True)
        assert response.status_code == 200 and 'role="alert"' in row
        assert "kan ikke ligge før 2026-03-02" in row
        assert '<details class="log-attempt" open>' in row and 'value="Forkert dato"' in row
        assert crm.load(Company, queue["hansen"]).version == version
        assert len(crm_view_attempts(crm, queue["hansen"])) == 1

    def test_a_missing_outcome_is_refused_without_javascript_too(self, as_role, crm, queue):
        client = as_role("recruiter")
        response = client.post(f"/my-day/{queue['hansen']}/attempts", {"channel": "call"})
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" in page and "er ikke en af valgmulighederne" in page
        assert len(crm_view_attempts(crm, queue["hansen"])) == 1

    def test_an_error_for_a_company_not_on_the_queue_is_shown_on_top(self, as_role, queue):
        response = self.post(as_role("recruiter"), queue["others"], htmx=False, next_follow_up_on="2026-02-01")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and '<p class="flash error" role="alert">' in page
        assert "kan ikke ligge før" in page

    def test_a_declined_outcome_records_when_to_approach_again(self, as_role, crm, queue):
        response = self.post(
            as_role("recruiter"),
            queue["soltoft"],
            outcome="declined",
            note="Ingen tid i år",
            next_follow_up="2026-03-03",
            approach_again_after="2026-09-01",
        )
        company = crm.load(Company, queue["soltoft"])
        assert (company.stage, company.approach_again_after) == ("declined", date(2026, 9, 1))
        assert "indtil 1. sep. 2026" in response.get_data(as_text=True)

    def form(self, client, company_id) -> str:
        response = client.htmx_get(f"/my-day/{company_id}/attempts", f"queue-row-{company_id}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def test_the_form_asks_for_the_approach_again_date(self, as_role, queue):
        row = self.form(as_role("recruiter"), queue["hansen"])
        assert f'<label for="log-{queue["hansen"].hex}-again">Kontakt igen efter</label>' in row
        assert "Lise Hansen (HR)" in row  # the contact select

    def test_the_quick_picks_skip_the_weekend_and_show_the_date(self, as_role, queue, clock):
        clock.set(datetime(2026, 3, 6, 9, 0, tzinfo=UTC))  # a Friday
        row = self.form(as_role("recruiter"), queue["hansen"])
        assert 'name="next_follow_up" value="2026-03-09"' in row and "I morgen" in row

    def test_without_javascript_the_form_link_opens_the_queue_with_the_form(self, as_role, queue):
        page = as_role("recruiter").get(f"/my-day/{queue['hansen']}/attempts").get_data(as_text=True)
        assert "<html" in page and '<details class="log-attempt" open>' in row_html(page, queue["hansen"])

    def test_each_outcome_names_its_default_follow_up(self, as_role, queue):
        row = self.form(as_role("recruiter"), queue["hansen"])  # Monday 2 March 2026
        assert 'value="no_answer" data-pick="2026-03-03"' in row and 'value="interested" data-pick="2026-03-04"' in row
        assert 'value="declined" data-pick=""' in row
        assert 'name="next_follow_up" value="none"' in row

    def test_no_follow_up_chosen_is_refused_and_no_next_step_is_a_choice(self, as_role, crm, queue):
        client = as_role("recruiter")
        response = self.post(client, queue["hansen"], outcome="no_answer")
        assert "vælg næste skridt" in response.get_data(as_text=True)
        assert len(crm_view_attempts(crm, queue["hansen"])) == 1
        response = self.post(client, queue["hansen"], outcome="no_answer", next_follow_up="none")
        assert "Intet næste skridt" in response.get_data(as_text=True)
        assert crm_view_attempts(crm, queue["hansen"])[-1].next_follow_up is None

    def test_the_counters_are_swapped_in_place(self, as_role, queue):
        response = self.post(as_role("recruiter"), queue["hansen"], next_follow_up="2026-03-04")
        row = response.get_data(as_text=True)
        assert '<nav id="queue-counts"' in row and 'hx-swap-oob="true"' in row
        assert '<span class="badge" id="count-overdue" hx-swap-oob="true">0</span>' in row


class TestANewRound:
    def test_starting_a_new_round_swaps_the_row_with_a_log_form(self, as_role, crm, queue):
        response = as_role("recruiter").post(
            f"/my-day/{queue['cleaning']}/reapproach", htmx_target=f"queue-row-{queue['cleaning']}"
        )
        row = response.get_data(as_text=True)
        assert response.status_code == 200 and "En ny runde er startet." in row and "Registrér henvendelse" in row
        company = crm.load(Company, queue["cleaning"])
        assert (company.stage, company.round) == ("identified", 2)

    def test_the_row_of_a_declined_company_shows_the_reason(self, as_role, queue):
        row = row_html(as_role("recruiter").get("/my-day").get_data(as_text=True), queue["cleaning"])
        assert "Travlt med udbud" in row and "Start en ny runde" in row


class TestWhoMay:
    @pytest.mark.parametrize("role", ["auditor", "admin"])
    def test_roles_without_outreach_cannot_see_my_day(self, as_role, role):
        assert as_role(role).get("/my-day").status_code == 403

    @pytest.mark.parametrize("role", ["consultant", "health_consultant", "project_lead"])
    def test_the_other_outreach_roles_have_a_day_too(self, as_role, role):
        assert as_role(role).get("/my-day").status_code == 200

    def test_an_auditors_post_is_refused_and_logs_nothing(self, as_role, crm, queue):
        response = as_role("auditor").post(
            f"/my-day/{queue['hansen']}/attempts", {"channel": "call", "outcome": "no_answer"}
        )
        assert response.status_code == 403
        assert len(crm_view_attempts(crm, queue["hansen"])) == 1

    def test_a_post_without_the_csrf_token_is_refused(self, as_role, crm, queue):
        response = as_role("recruiter").post(
            f"/my-day/{queue['hansen']}/attempts", {"channel": "call", "outcome": "no_answer"}, with_token=False
        )
        assert response.status_code == 400
        assert len(crm_view_attempts(crm, queue["hansen"])) == 1


def crm_view_attempts(crm, company_id):
    """The company's attempts, read straight from the event store (not through the web)."""
    from crm.attempts import OutreachAttempt

    found = []
    for notification in crm.recorder.select_notifications(start=1, limit=10_000):
        if notification.topic.endswith("OutreachAttempt.Logged"):
            event = crm.mapper.to_domain_event(notification)
            if event.company_id == company_id:
                found.append(crm.repository.get(event.originator_id))
    return [a for a in found if isinstance(a, OutreachAttempt)]
