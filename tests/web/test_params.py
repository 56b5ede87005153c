"""Hostile query parameters and form values: a 400 with the reason in the user's language, never a 500."""

from __future__ import annotations

import html as entities
import re

import pytest

from crm.agreements import PartnershipAgreement
from crm.attempts import OutreachAttempt
from tests.support import hansen_transport

HUGE = "9" * 30
MEGABYTE = "x" * 1_000_000


@pytest.fixture
def hansen(crm, team):
    company_id = hansen_transport(crm, team.recruiter, owner_id=team.recruiter)
    crm.register_contact(team.recruiter, company_id, "Lise Hansen", "hr", "20304050")
    crm.log_attempt(team.recruiter, company_id, "call", "no_answer")
    return company_id


@pytest.fixture
def agreement(crm, team, hansen):
    return crm.open_agreement(team.recruiter, hansen)


def text_of(response) -> str:
    return entities.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


class TestLinksNoPageSends:
    @pytest.mark.parametrize(
        ("url", "message"),
        [
            pytest.param(f"/companies?page={HUGE}", "Siderne er nummereret fra 1 til 100000.", id="huge-page"),
            pytest.param("/companies?page=-3", "Siderne er nummereret fra 1 til 100000.", id="negative-page"),
            pytest.param("/companies?q=100%25%00", "et tegn, der ikke kan bruges", id="nul-in-a-search"),
            pytest.param("/pipeline?owner=not-an-id", "not-an-id er ikke et id.", id="owner-not-an-id"),
            pytest.param(f"/audit/?after={HUGE}", "er ikke en position på listen", id="huge-position"),
            pytest.param("/audit/?before=-1", "-1 er ikke en position på listen", id="negative-position"),
            pytest.param(f"/audit/access-log?before={HUGE}", "er ikke en position på listen", id="access-log-position"),
        ],
    )
    def test_an_unusable_value_is_answered_400_with_the_reason_in_danish(self, as_role, hansen, url, message):
        response = as_role("project_lead").get(url)
        assert response.status_code == 400
        assert message in text_of(response) and "Forespørgslen kunne ikke bruges" in text_of(response)

    def test_a_huge_timeline_position_is_refused(self, as_role, hansen):
        response = as_role("recruiter").get(f"/companies/{hansen}/timeline?before={HUGE}")
        assert response.status_code == 400

    def test_a_huge_version_to_compare_in_a_history_is_refused(self, as_role, hansen):
        response = as_role("auditor").get(f"/audit/history?id={hansen}&a={HUGE}")
        assert response.status_code == 400 and "er ikke et helt tal fra 0 til 2147483647." in text_of(response)

    @pytest.mark.parametrize("url", ["/companies", "/leads", "/audit/access-log"])
    def test_a_megabyte_search_is_refused_with_the_limit(self, as_role, hansen, url):
        name = "person" if "access" in url else "q"
        response = as_role("project_lead").get(url, query_string={name: MEGABYTE})
        assert response.status_code == 400
        assert "En søgning kan højst være 200 tegn lang." in text_of(response)

    def test_a_search_of_200_characters_with_wildcards_is_answered(self, as_role, hansen):
        response = as_role("recruiter").get("/companies", query_string={"q": "%_" * 100})
        assert response.status_code == 200 and "Hansen Transport" not in text_of(response)

    def test_the_reason_is_in_english_for_a_user_who_chose_english(self, as_role, hansen):
        recruiter = as_role("recruiter")
        recruiter.post("/language", data={"language": "en", "next": "/login"})
        response = recruiter.get(f"/companies?page={HUGE}")
        assert response.status_code == 400 and "Pages are numbered from 1 to 100000." in text_of(response)

    def test_an_old_link_with_no_page_number_at_all_still_shows_the_first_page(self, as_role, hansen):
        assert "Hansen Transport" in text_of(as_role("recruiter").get("/companies?page=x&sort=evil&dir=up"))


class TestDaysBeyondTheCalendar:
    @pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
    def test_a_filter_day_beyond_the_window_is_said_beside_the_filter(self, as_role, hansen, crm, day):
        page = text_of(as_role("auditor").get(f"/audit/?from={day}&to={day}"))
        assert "Vælg en dag fra 1900-01-01 til 2199-12-31." in page
        assert page.count('class="logged-event') == crm.recorder.max_notification_id()

    @pytest.mark.parametrize("moment", ["0001-01-01T00:00", "9999-12-31T23:59"])
    def test_a_past_moment_beyond_the_window_is_said_beside_the_choice(self, as_role, hansen, moment):
        response = as_role("auditor").get(f"/audit/as-of?moment={moment}")
        assert response.status_code == 200
        assert "Vælg en dag fra 1900-01-01 til 2199-12-31." in text_of(response)
        assert "banner-past" not in text_of(response)

    @pytest.mark.parametrize(
        "query", ["from=0001-01-01", "to=9999-12-31", "from=2026-13-01", f"to={MEGABYTE[:5000]}", "from=2026-03-01%00"]
    )
    @pytest.mark.parametrize("download", ["events.jsonl", "manifest.json"])
    def test_a_download_is_refused_before_its_first_byte(self, as_role, hansen, crm, team, query, download):
        response = as_role("auditor").get(f"/audit/export/{download}?{query}")
        assert response.status_code == 400
        assert response.mimetype == "text/plain" and response.get_data(as_text=True).strip()
        assert [e for e in crm.access_log.entries(user_id=team.auditor) if e["use"] == "export"] == []


class TestFormValues:
    @pytest.mark.parametrize(
        ("day", "problem"),
        [
            ("9999-12-31", "skal ligge fra 1900-01-01 til 2199-12-31"),
            ("0001-01-01", "skal ligge fra 1900-01-01 til 2199-12-31"),
            ("i morgen", "er ikke en dato"),
        ],
    )
    def test_a_follow_up_beyond_the_window_is_refused_in_the_form_and_nothing_is_logged(
        self, as_role, crm, hansen, day, problem
    ):
        before = crm.recorder.max_notification_id()
        response = as_role("recruiter").post(
            f"/my-day/{hansen}/attempts",
            {"channel": "call", "outcome": "call_back", "next_follow_up_on": day},
            htmx_target=f"queue-row-{hansen}",
        )
        assert response.status_code == 200 and problem in text_of(response)
        assert crm.recorder.max_notification_id() == before

    def test_a_correction_with_a_date_beyond_the_window_is_refused(self, as_role, crm, team, hansen):
        attempt = crm.log_attempt(team.recruiter, hansen, "call", "call_back")
        response = as_role("recruiter").post(
            f"/companies/{hansen}/attempts/{attempt}/correct",
            {"reason": "Forkert dato", "channel": "call", "outcome": "call_back", "occurred_on": "0001-01-01"},
            htmx_target="company-attempts",
        )
        assert "skal ligge fra 1900-01-01 til 2199-12-31" in text_of(response)
        assert crm.load(OutreachAttempt, attempt).version == 1

    @pytest.mark.parametrize("version", [HUGE, "-5", "x", ""])
    def test_a_hidden_version_no_page_sends_is_a_400_and_changes_nothing(self, as_role, crm, hansen, version):
        before = crm.recorder.max_notification_id()
        response = as_role("recruiter").post(
            f"/companies/{hansen}/move", {"stage": "meeting", "expected_version": version}
        )
        assert response.status_code == 400 and crm.recorder.max_notification_id() == before

    def test_a_count_that_is_no_number_is_said_in_the_form(self, as_role, crm, agreement):
        response = as_role("recruiter").post(
            f"/agreements/{agreement}/plan", {"health_checks": "mange", "conversations": "4"}, htmx_target="agreement"
        )
        assert "skal være et helt tal på 0 eller derover" in text_of(response)
        assert crm.load(PartnershipAgreement, agreement).version == 1


HOSTILE = ["", HUGE, "-1", "0", "x", "0001-01-01", "9999-12-31", "%", "\x00", MEGABYTE[:20_000]]
SCREENS = {
    "/companies": ("q", "page", "sort", "dir", "stage", "owner", "industry", "arena"),
    "/pipeline": ("owner", "industry", "arena", "strategy", "by"),
    "/my-day": ("all",),
    "/leads": ("q", "status", "company_id"),
    "/agreements": ("status", "kind", "terminated"),
    "/audit/": ("from", "to", "actor", "company", "company_id", "aggregate", "type", "after", "before", "last"),
    "/audit/history": ("id", "a", "b"),
    "/audit/as-of": ("moment", "user"),
    "/audit/export": ("from", "to"),
    "/audit/access-log": ("person", "contact", "user", "before"),
    "/audit/chain": ("anchor",),
}


@pytest.mark.parametrize("url", list(SCREENS))
def test_no_hostile_query_parameter_of_a_screen_gives_a_server_error(as_role, hansen, url):
    client = as_role("project_lead")
    answers = {
        (name, value[:12]): client.get(url, query_string={name: value}).status_code
        for name in SCREENS[url]
        for value in HOSTILE
    }
    assert {key: status for key, status in answers.items() if status >= 500} == {}
    assert set(answers.values()) <= {200, 400}
