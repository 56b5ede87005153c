"""The audit area: event log, record history, the past, export, access log and tamper check; read-only."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text

import web.audit
from crm.audit.export import verify_export
from crm.clock import COPENHAGEN, local_date
from projections import EventFilters
from tests.audit_history import build_history
from tests.support import hansen_transport, store_version_1_decline

AUDIT_PAGES = [
    "/audit/",
    "/audit/history",
    "/audit/as-of",
    "/audit/export",
    "/audit/export/events.jsonl",
    "/audit/export/manifest.json",
    "/audit/access-log",
    "/audit/chain",
    "/audit/checkpoints",
    "/audit/proof/1",
]


@pytest.fixture
def history(crm, team, clock):
    return build_history(crm, clock, team=team)


@pytest.fixture
def auditor(as_role, history):
    return as_role("auditor")


def html(response) -> str:
    return response.get_data(as_text=True)


def sentences(page: str) -> list[str]:
    return [re.sub(r"\s+", " ", s).strip() for s in re.findall(r'<p class="event-sentence">(.*?)</p>', page, re.S)]


def positions(page: str) -> list[int]:
    return [int(p) for p in re.findall(r'id="event-(\d+)"', page)]


def assert_fragment(response, target_id: str) -> str:
    body = html(response)
    assert response.status_code == 200
    assert "<html" not in body and f'id="{target_id}"' in body
    assert "HX-Request" in response.headers["Vary"]
    return body


class TestTheEventLog:
    def test_each_event_reads_as_a_danish_sentence_newest_first_with_the_total(self, auditor, crm):
        page = html(auditor.get("/audit/"))
        said = sentences(page)

        call = "Mette Kjær registrerede et opkald til Hansen Transport ApS: intet svar; næste opfølgning 4. marts"
        assert call in said
        assert "Jonas Vestergaard delte et tip om Soltoft Pleje A/S: »Højt sygefravær, tal med HR«" in said
        head = crm.recorder.max_notification_id()
        assert positions(page) == list(range(head, 0, -1))
        assert f"{head} hændelser i alt" in page and "den nyeste først" in page

    def test_a_decline_in_an_attempt_and_an_older_decline_with_its_copied_note_both_read_well(self, auditor, crm, team):
        older = hansen_transport(crm, team.recruiter, name="Bager Nielsen", cvr=None)
        store_version_1_decline(crm, older, "Travlt med udbud")
        said = sentences(html(auditor.get("/audit/?type=Company.Declined")))
        assert said == [
            "Systemet registrerede, at Bager Nielsen takkede nej: Travlt med udbud",
            "Mette Kjær registrerede i en henvendelse, at Soltoft Pleje A/S takkede nej; "
            "må kontaktes igen efter 1. september",
        ]

    def test_the_raw_data_is_one_click_away(self, auditor):
        page = html(auditor.get("/audit/?type=OutreachAttempt.Logged"))
        raw = re.findall(r'<details class="raw-event">.*?</details>', page, re.S)[-1]
        assert "<summary>Rå data</summary>" in raw
        assert "&#34;outcome&#34;: &#34;no_answer&#34;" in raw or '"outcome": "no_answer"' in raw

    def test_filtering_by_kind_over_htmx_returns_the_event_list_fragment(self, auditor):
        response = auditor.htmx_get("/audit/?aggregate=attempt", "audit-events")
        body = assert_fragment(response, "audit-events")
        assert len(sentences(body)) == 3
        assert all("registrerede et opkald" in s for s in sentences(body))

    def test_filtering_by_date_range_shows_only_those_days(self, auditor, history):
        first = local_date(history.week_end[1])
        last = local_date(history.week_end[2]) - timedelta(days=1)
        said = sentences(html(auditor.get(f"/audit/?from={first}&to={last}")))
        assert said[-1] == "Mette Kjær oprettede en samarbejdsaftale med Hansen Transport ApS"
        assert len(said) == 6 and not any("underskrev" in s for s in said)

    def test_filtering_by_actor_shows_only_what_that_person_did(self, auditor, team):
        said = sentences(html(auditor.get(f"/audit/?actor={team.consultant}")))
        assert said and all(s.startswith("Jonas Vestergaard ") for s in said)

    def test_filtering_by_company_shows_its_contacts_attempts_and_leads_too(self, auditor):
        page = html(auditor.get("/audit/?company=soltoft"))
        said = sentences(page)
        assert "1 virksomhed passer på »soltoft«." in page
        assert said[-1].startswith("Jonas Vestergaard registrerede Soltoft Pleje A/S (")
        assert any("Pia Holm" in s for s in said) and any("tippet om Soltoft" in s for s in said)
        assert not any("Hansen Transport" in s for s in said)

    def test_filtering_by_event_type(self, auditor):
        said = sentences(html(auditor.get("/audit/?type=PartnershipAgreement.RequirementConfirmed")))
        assert len(said) == 4 and all(s.startswith("Mette Kjær bekræftede »") for s in said)

    def test_a_company_that_matches_nothing_shows_no_events(self, auditor):
        page = html(auditor.get("/audit/?company=ingen+s%C3%A5dan"))
        assert sentences(page) == [] and "Ingen hændelser passer på disse filtre." in page

    def test_a_bad_date_shows_a_danish_message_and_no_filter(self, auditor, crm):
        page = html(auditor.get("/audit/?from=2.+marts"))
        assert 'role="alert"' in page and "2. marts er ikke en dato" in page
        assert len(positions(page)) == crm.recorder.max_notification_id()

    def test_pages_go_from_the_newest_to_the_oldest_and_back(self, auditor, crm, monkeypatch):
        monkeypatch.setattr(web.audit, "PAGE_SIZE", 10)
        head = crm.recorder.max_notification_id()
        newest = html(auditor.get("/audit/"))
        assert positions(newest) == list(range(head, head - 10, -1))
        assert f"before={head - 9}" in newest and "after=" not in newest and "first=1" in newest

        older = html(auditor.get(f"/audit/?before={head - 9}"))
        assert positions(older) == list(range(head - 10, head - 20, -1)) and f"after={head - 10}" in older
        assert positions(html(auditor.get(f"/audit/?after={head - 10}"))) == list(range(head, head - 10, -1))

        oldest = html(auditor.get("/audit/?first=1"))
        assert positions(oldest) == list(range(10, 0, -1)) and "before=" not in oldest

        every = positions(html(auditor.get("/audit/?aggregate=agreement")))
        filtered = positions(html(auditor.get(f"/audit/?aggregate=agreement&before={every[5]}")))
        assert filtered[:4] == every[6:] and len(filtered) == 5  # 11 agreement events, 10 a page here
        assert "11 hændelser passer" in html(auditor.get("/audit/?aggregate=agreement"))

    def test_the_total_is_counted_up_to_the_cap_and_says_over_beyond_it(self, auditor, crm, monkeypatch):
        monkeypatch.setattr(web.audit, "EVENT_COUNT_CAP", 10)
        head = crm.recorder.max_notification_id()
        assert head > 11
        page = html(auditor.get("/audit/"))
        assert "Over 10 hændelser i alt" in page and f"{head} hændelser" not in page
        assert "Over 10 hændelser passer" in html(auditor.get("/audit/?aggregate=agreement"))  # 11 of them
        assert "4 hændelser passer" in html(auditor.get("/audit/?type=PartnershipAgreement.RequirementConfirmed"))

    def test_the_index_counts_no_further_than_the_cap(self, app, auditor, crm):
        auditor.get("/audit/")  # the index caught up
        index = app.extensions["crm"].projector["audit_events"]
        every = index.count(EventFilters())
        assert every == crm.recorder.max_notification_id()
        assert index.count(EventFilters(), cap=5) == 6
        assert index.count(EventFilters(), cap=every) == every

    def test_events_showing_a_person_are_recorded_in_the_access_log(self, auditor, crm, history, team):
        auditor.get("/audit/?aggregate=contact")
        # Check the page view is one row, listing both people.
        [viewed] = crm.access_log.entries(user_id=team.auditor)
        assert set(viewed["contact_ids"]) == {history.lars, history.pia}
        assert crm.access_log.entries(contact_id=history.lars)[0]["place"] == "/audit/"


class TestRecordHistory:
    def test_every_version_is_listed_and_the_last_change_is_shown(self, auditor, history):
        page = html(auditor.get(f"/audit/history?id={history.hansen}"))
        assert page.count('class="logged-event') == 6
        assert "Mette Kjær ændrede stamdata for Hansen Transport ApS: adresse" in page
        # Check the diff between version 5 and 6 names the field with the old and the new value.
        diff = re.search(r'<table class="diff">.*?</table>', page, re.S).group(0)
        assert "Adresse" in diff and "Industrivej 12, 8700 Horsens" in diff and "Industrivej 14, 8700 Horsens" in diff

    def test_two_chosen_versions_are_compared_over_htmx(self, auditor, history):
        response = auditor.htmx_get(f"/audit/history?id={history.agreement}&a=1&b=6", "audit-history")
        body = assert_fragment(response, "audit-history")
        diff = re.search(r'<table class="diff">.*?</table>', body, re.S).group(0)
        assert "Under forhandling" in diff and "Underskrevet" in diff and "negotiating" not in diff
        assert "Krav til forankring › Lokaler på arbejdspladsen › Bekræftet af" in diff
        assert "10. marts 2026" in diff and "2026-03-10" not in diff

    def test_a_contacts_history_is_recorded_in_the_access_log(self, auditor, crm, history, team):
        page = html(auditor.get(f"/audit/history?id={history.lars}&a=0&b=1"))
        assert "Lars Hansen" in page and "20304050" in page
        assert crm.access_log.entries(contact_id=history.lars)[0]["user_id"] == team.auditor

    def test_a_name_that_matches_nothing_and_an_unknown_id_show_danish_messages(self, auditor):
        page = html(auditor.get("/audit/history?q=ingen+s%C3%A5dan"))
        assert 'role="alert"' in page and "Ingen virksomhed eller person hedder »ingen sådan«." in page
        page = html(auditor.get("/audit/history?id=00000000-0000-0000-0000-000000000001"))
        assert "Der er ikke registreret noget med dette id." in page


class TestAsItStood:
    def test_the_pipeline_and_trackers_as_they_stood_with_a_banner(self, auditor, history, team):
        moment = history.week_end[2].astimezone(COPENHAGEN).strftime("%Y-%m-%dT%H:%M")
        page = html(auditor.get(f"/audit/as-of?moment={moment}&user={team.recruiter}"))

        assert 'class="banner-past"' in page and "Dette er fortiden: 16. mar. 2026 08:00." in page
        negotiating = re.search(r'id="past-stage-negotiating".*?</section>', page, re.S).group(0)
        assert "Hansen Transport ApS" in negotiating and "Soltoft" not in page
        buy_in = re.search(r"Ledelsesopbakning</h2>.*?</table>", page, re.S).group(0)
        assert buy_in.count("opfyldt") == 4 and "(Lars Hansen)" in buy_in
        assert "Der var ikke registreret nogen strukturelle indsatser." in page

    def test_later_weeks_show_the_commitment_and_the_declined_company(self, auditor, history):
        moment = history.week_end[4].astimezone(COPENHAGEN).strftime("%Y-%m-%dT%H:%M")
        response = auditor.htmx_get(f"/audit/as-of?moment={moment}", "audit-as-of")
        body = assert_fragment(response, "audit-as-of")
        declined = re.search(r'id="past-stage-declined".*?</section>', body, re.S).group(0)
        assert "Soltoft Pleje A/S" in declined
        assert "Motion i arbejdstiden" in body and "Ingen samarbejdsaftaler var i forhandling." in body

    def test_the_queue_as_it_stood_for_a_recruiter(self, auditor, history, team):
        # The morning of 10 March, before the agreement was opened: the follow-up booked on the 4th is due.
        moment = (history.week_end[1] + timedelta(days=1, minutes=30)).astimezone(COPENHAGEN)
        body = html(auditor.get(f"/audit/as-of?moment={moment:%Y-%m-%dT%H:%M}&user={team.recruiter}"))
        due = re.search(r'id="past-queue-due_today".*?</section>', body, re.S).group(0)
        assert "Hansen Transport ApS" in due and "Møde med ledelsen" in due

    def test_a_moment_in_the_future_is_refused_with_a_message(self, auditor):
        page = html(auditor.get("/audit/as-of?moment=2030-01-01T12:00"))
        assert "Vælg et tidspunkt i fortiden." in page and "banner-past" not in page
        assert "er ikke en dato og et klokkeslæt" in html(auditor.get("/audit/as-of?moment=i+går"))


class TestExport:
    def test_the_export_page_offers_both_downloads_for_the_range(self, auditor):
        page = html(auditor.get("/audit/export?from=2026-03-01&to=2026-03-31"))
        assert "/audit/export/events.jsonl?from=2026-03-01&amp;to=2026-03-31" in page
        assert "crm-events-2026-03-01-2026-03-31.manifest.json" in page

    def test_choosing_a_range_over_htmx_returns_the_download_fragment(self, auditor):
        body = assert_fragment(auditor.htmx_get("/audit/export?from=2026-03-01", "audit-export"), "audit-export")
        assert "Hent hændelserne" in body

    def test_the_downloads_verify_alone_and_the_export_is_in_the_access_log(
        self, auditor, crm, history, team, tmp_path
    ):
        events = auditor.get("/audit/export/events.jsonl?from=2026-03-01&to=2026-03-31")
        assert events.headers["Content-Disposition"].endswith('filename="crm-events-2026-03-01-2026-03-31.jsonl"')
        assert events.is_streamed
        manifest = auditor.get("/audit/export/manifest.json?from=2026-03-01&to=2026-03-31")
        (tmp_path / "events.jsonl").write_bytes(events.get_data())
        (tmp_path / "manifest.json").write_bytes(manifest.get_data())

        check = verify_export(tmp_path / "events.jsonl", tmp_path / "manifest.json")
        assert check.ok, check.problems
        assert json.loads(manifest.get_data())["count"] == len(events.get_data().splitlines()) > 20
        exported = {
            c for e in crm.access_log.entries(user_id=team.auditor) if e["use"] == "export" for c in e["contact_ids"]
        }
        assert exported == {history.lars, history.pia}

    def test_a_range_that_ends_before_it_starts_is_refused(self, auditor):
        page = html(auditor.get("/audit/export?from=2026-03-31&to=2026-03-01"))
        assert "Den sidste dag ligger før den første." in page and "Hent hændelserne" not in page
        assert auditor.get("/audit/export/events.jsonl?from=2026-03-31&to=2026-03-01").status_code == 400


class TestAccessLog:
    def test_per_person_newest_first_and_per_user(self, auditor, crm, history, team):
        crm.access_log.record(team.recruiter, "page", [history.lars], place="/companies/x")
        crm.access_log.record(team.consultant, "search", [history.lars, history.pia], criterion="hansen")

        page = html(auditor.get(f"/audit/access-log?contact={history.lars}"))
        assert "Hvem har set oplysninger om Lars Hansen" in page
        rows = re.findall(r"<tr>\s*<td>.*?</tr>", page, re.S)
        # The auditor's own look at Lars comes first: it is recorded before the list is read.
        assert "Birgit Holm" in rows[0] and "set på en side" in rows[0]
        assert "Jonas Vestergaard" in rows[1] and "fundet ved en søgning" in rows[1] and "hansen" not in rows[1]
        assert "Mette Kjær" in rows[2]

        mine = html(auditor.get(f"/audit/access-log?user={team.consultant}"))
        # Check the search that found both is one row, saying how many it showed.
        assert "Hvad Jonas Vestergaard har set" in mine and mine.count("fundet ved en søgning") == 1
        assert "2 personer" in mine

    def test_finding_a_person_is_itself_recorded_as_a_search(self, auditor, crm, history, team):
        response = auditor.htmx_get("/audit/access-log?person=lars", "audit-access")
        body = assert_fragment(response, "audit-access")
        assert "Lars Hansen" in body
        found = crm.access_log.entries(user_id=team.auditor)[0]
        assert (found["use"], found["criterion"], found["contact_id"]) == (
            "search",
            crm.access_log.criterion_digest("lars"),
            history.lars,
        )


class TestTamperCheck:
    def test_the_head_is_shown_to_be_written_down(self, auditor, crm):
        position, digest = crm.recorder.head()
        assert f"{position}:{digest}" in html(auditor.get("/audit/chain"))

    def test_a_check_finds_the_log_intact_then_points_at_an_edited_row(self, auditor, crm, history):
        body = assert_fragment(auditor.htmx_get("/audit/chain?verify=1&replay=1", "audit-chain"), "audit-chain")
        assert "Uændret" in body and "Alle gemte hændelser stemmer" in body
        assert body.count('<span class="badge ok">ens</span>') == 6  # every read model equals a fresh replay

        events = crm.recorder.events_table
        with crm.factory.datastore.engine.begin() as connection:
            position, state = connection.execute(
                select(events.c.id, events.c.state).where(events.c.originator_id == history.first_attempt)
            ).one()
            connection.execute(
                text("UPDATE crm_events SET state = :s WHERE id = :id"),
                {"s": bytes(state).replace(b"no_answer", b"interested"), "id": position},
            )
        page = html(auditor.get("/audit/chain?verify=1"))
        assert "Oversigterne sammenlignet" not in page  # the chain alone, unless the replay is asked for
        assert (
            f"Den første position, der ikke længere stemmer, er {position}: den gemte hændelse er blevet ændret."
        ) in page

    def test_an_anchor_is_checked_and_a_malformed_one_explained(self, auditor, crm):
        anchor = "{}:{}".format(*crm.recorder.head())
        assert "giver den hash, der blev skrevet ned" in html(auditor.get(f"/audit/chain?verify=1&anchor={anchor}"))
        page = html(auditor.get("/audit/chain?verify=1&anchor=17"))
        assert 'role="alert"' in page and "Et anker skrives POSITION:HASH" in page


class TestWhoMayRead:
    @pytest.mark.parametrize("role", ["recruiter", "consultant", "health_consultant", "admin"])
    def test_roles_without_the_audit_permission_are_refused(self, as_role, history, role):
        client = as_role(role)
        assert {url: client.get(url).status_code for url in AUDIT_PAGES} == dict.fromkeys(AUDIT_PAGES, 403)

    def test_a_project_lead_may_read_the_audit_area(self, as_role, history):
        client = as_role("project_lead")
        # A proof before the first checkpoint is signed: let in, and told there is none yet.
        expected = {url: 404 if "/proof/" in url else 200 for url in AUDIT_PAGES}
        assert {url: client.get(url).status_code for url in AUDIT_PAGES} == expected

    def test_the_auditor_lands_on_the_event_log(self, auditor):
        assert auditor.get("/").headers["Location"].endswith("/audit/")

    @pytest.mark.parametrize("url", AUDIT_PAGES)
    def test_an_auditors_post_is_refused_and_changes_nothing(self, auditor, crm, url):
        before = crm.recorder.max_notification_id()
        assert auditor.post(url, data={"from": "2026-03-01"}).status_code in (403, 405)
        assert auditor.post(url, data={}, with_token=False).status_code in (400, 403, 405)
        assert crm.recorder.max_notification_id() == before

    def test_signed_out_visitors_are_sent_to_sign_in(self, web, history):
        response = web.get("/audit/")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
