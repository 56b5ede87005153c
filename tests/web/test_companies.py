"""Companies: the list with search as you type, registering, and the company page with all it holds."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from crm.attempts import OutreachAttempt
from crm.companies import Company
from crm.contacts import Contact
from tests.support import HANSEN_TRANSPORT_CVR, SOLTOFT_PLEJE_CVR, hansen_transport


def text_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def hansen(crm, team):
    """Hansen Transport with two contacts, a workplace and one logged call."""
    mette = team.recruiter
    company = hansen_transport(crm, mette, owner_id=mette)
    lise = crm.register_contact(mette, company, "Lise Hansen", "hr", "20304050", "lise@hansen-transport.dk")
    peter = crm.register_contact(mette, company, "Peter Hansen", "top_management", "20304060", is_decision_maker=True)
    workplace = crm.add_workplace(mette, company, "Terminalen i Horsens", "1000000001", "Industrivej 12")
    attempt = crm.log_attempt(
        mette, company, "call", "no_answer", note="Ingen tog den", next_follow_up=date(2026, 3, 4), contact_id=lise
    )
    return {"id": company, "lise": lise, "peter": peter, "workplace": workplace, "attempt": attempt}


@pytest.fixture
def soltoft(crm, team):
    return crm.register_company(team.recruiter, "Soltoft Pleje", "care", cvr=SOLTOFT_PLEJE_CVR, sector="public")


class TestTheList:
    def test_the_list_shows_every_company_with_stage_and_owner(self, as_role, hansen, soltoft):
        page = text_of(as_role("recruiter").get("/companies"))
        assert "<html" in page and "Hansen Transport ApS" in page and "Soltoft Pleje" in page
        assert "2 virksomheder" in page and "Mette Kjær" in page and "I kontakt" in page

    def test_searching_is_a_fragment_for_htmx(self, as_role, hansen, soltoft):
        response = as_role("recruiter").htmx_get("/companies?q=soltoft", "company-rows")
        page = text_of(response)
        assert "<html" not in page and page.lstrip().startswith('<div id="company-rows"')
        assert "Soltoft Pleje" in page and "Hansen Transport" not in page
        assert "HX-Request" in response.headers["Vary"]

    @pytest.mark.parametrize(
        "q",
        [
            pytest.param("hansen trans", id="name"),
            pytest.param(HANSEN_TRANSPORT_CVR[:7], id="CVR number"),
            pytest.param("lise", id="contact name"),
        ],
    )
    def test_search_finds_by_name_cvr_and_contact(self, as_role, hansen, soltoft, q):
        page = text_of(as_role("recruiter").htmx_get(f"/companies?q={q}", "company-rows"))
        assert "Hansen Transport ApS" in page and "Soltoft Pleje" not in page

    def test_a_search_matching_a_contact_shows_and_logs_the_person(self, as_role, crm, team, hansen):
        page = text_of(as_role("recruiter").htmx_get("/companies?q=Lise", "company-rows"))
        assert "Kontaktperson: Lise Hansen" in page
        entries = crm.access_log.entries(contact_id=hansen["lise"])
        assert [(e["use"], e["criterion"], e["user_id"]) for e in entries] == [
            ("search", crm.access_log.criterion_digest("Lise"), team.recruiter)
        ]
        assert crm.access_log.entries(contact_id=hansen["peter"]) == []

    def test_filters_narrow_the_list(self, as_role, team, hansen, soltoft):
        client = as_role("recruiter")
        assert "Hansen" not in text_of(client.get("/companies?industry=care"))
        assert "Soltoft" not in text_of(client.get(f"/companies?owner={team.recruiter}"))
        assert "Soltoft" not in text_of(client.get("/companies?stage=contacted"))
        assert "Ingen virksomheder matcher" in text_of(client.get("/companies?arena=union"))

    def test_columns_sort_both_ways(self, as_role, hansen, soltoft):
        client = as_role("recruiter")
        ascending = text_of(client.get("/companies?sort=name"))
        descending = text_of(client.get("/companies?sort=name&dir=desc"))
        assert ascending.index("Hansen Transport") < ascending.index("Soltoft Pleje")
        assert descending.index("Soltoft Pleje") < descending.index("Hansen Transport")
        assert 'aria-sort="descending"' in descending

    def test_fifty_companies_a_page(self, as_role, crm, team):
        for number in range(53):
            crm.register_company(team.recruiter, f"Vognmand nr. {number:02d}", "transport")
        client = as_role("recruiter")
        first = text_of(client.get("/companies"))
        assert first.count("Vognmand nr.") == 50 and "Side 1 af 2" in first
        second = text_of(client.htmx_get("/companies?page=2", "company-rows"))
        assert second.count("Vognmand nr.") == 3 and "Vognmand nr. 52" in second and "Forrige" in second

    def test_a_search_counts_only_so_far_and_says_more_than_with_a_next_page(
        self, app, as_role, crm, team, monkeypatch
    ):
        # The cap is 1,000 and a page 50 rows; smaller here, the same rules.
        monkeypatch.setattr("projections.company_list.COUNT_CAP", 2)
        app.config["PAGE_SIZE"] = 2
        for number in range(5):
            crm.register_company(team.recruiter, f"Vognmand nr. {number}", "transport")
        client = as_role("recruiter")
        first = text_of(client.htmx_get("/companies?q=vognmand", "company-rows"))
        assert "Over 2 virksomheder matcher “vognmand”" in first and "Side 1<" in first and 'rel="next"' in first
        second = text_of(client.htmx_get("/companies?q=vognmand&page=2", "company-rows"))
        assert "Over 4 virksomheder" in second and 'rel="next"' in second and "Vognmand nr. 3" in second
        last = text_of(client.htmx_get("/companies?q=vognmand&page=3", "company-rows"))
        assert "5 virksomheder matcher" in last and "Side 3 af 3" in last and 'rel="next"' not in last
        # Without a search the counters give the exact number, however many.
        assert "5 virksomheder<" in text_of(client.htmx_get("/companies", "company-rows"))
        client.post("/language", data={"language": "en", "next": "/companies"})
        english = text_of(client.htmx_get("/companies?q=vognmand", "company-rows"))
        assert "More than 2 companies match “vognmand”" in english and "Page 1<" in english

    def test_a_nonsense_page_number_shows_the_first_page(self, as_role, hansen):
        assert "Hansen Transport" in text_of(as_role("recruiter").get("/companies?page=x&sort=evil"))

    def test_the_auditor_reads_the_list_but_is_offered_no_register_form(self, as_role, hansen):
        page = text_of(as_role("auditor").get("/companies"))
        assert "Hansen Transport ApS" in page and "Registrér virksomhed" not in page


class TestRegistering:
    def form(self, **values):
        return {
            "name": "Bageriet Kornblomst",
            "industry": "production",
            "sector": "private",
            "cvr": "",
            "size_band": "10-49",
            "address": "Torvet 3, 8700 Horsens",
            "target_group_note": "Bagere på nathold",
            "arena": "workplace_private",
            "strategy": "targeted",
            **values,
        }

    def test_a_registered_company_opens_on_its_page(self, as_role, crm, team):
        client = as_role("recruiter")
        response = client.post("/companies", self.form(owner_id=str(team.recruiter)))
        assert response.status_code == 303
        company_id = response.headers["Location"].rsplit("/", 1)[1]
        page = text_of(client.get(response.headers["Location"]))
        assert "Bageriet Kornblomst er registreret." in page and "Bagere på nathold" in page
        company = crm.load(Company, UUID(company_id))
        assert (company.owner_id, company.strategy, company.size_band) == (team.recruiter, "targeted", "10-49")

    def test_a_wrong_cvr_number_shows_the_danish_message_and_registers_nothing(self, as_role, crm):
        client = as_role("recruiter")
        response = client.post("/companies", self.form(cvr="12345678"))
        page = text_of(response)
        assert response.status_code == 200 and 'role="alert"' in page
        assert "12345678 er ikke et gyldigt CVR-nummer" in page and 'value="Bageriet Kornblomst"' in page
        assert "Bageriet Kornblomst" not in text_of(client.get("/companies?q=bageriet"))

    def test_an_auditor_cannot_register(self, as_role):
        assert as_role("auditor").post("/companies", self.form()).status_code == 403

    def test_a_post_without_the_csrf_token_is_refused(self, as_role):
        assert as_role("recruiter").post("/companies", self.form(), with_token=False).status_code == 400


class TestTheCompanyPage:
    def test_the_page_shows_details_contacts_workplaces_attempts_and_timeline(self, as_role, hansen):
        page = text_of(as_role("recruiter").get(f"/companies/{hansen['id']}"))
        assert "<h1>Hansen Transport ApS</h1>" in page
        assert "Lise Hansen" in page and "+45 20 30 40 50" in page and "lise@hansen-transport.dk" in page
        assert "Terminalen i Horsens" in page and "1000000001" in page
        assert "Ingen tog den" in page and "Henvendelser i runde 1" in page
        timeline = re.findall(r'class="sentence">([^<]*)', page[page.index('id="company-timeline"') :])
        # Check the timeline reads newest first, in the same plain sentences as the audit's event log.
        assert timeline[-1] == "Mette Kjær registrerede Hansen Transport ApS (transport)"
        assert (
            "Mette Kjær registrerede et opkald til Hansen Transport ApS: intet svar; næste opfølgning 4. marts"
            in timeline
        )

    def test_showing_the_page_logs_every_contact_shown(self, as_role, crm, team, hansen):
        as_role("health_consultant").get(f"/companies/{hansen['id']}")
        for person in ("lise", "peter"):
            entries = crm.access_log.entries(contact_id=hansen[person])
            assert [(e["use"], e["place"], e["user_id"]) for e in entries] == [
                ("page", f"/companies/{hansen['id']}", team.health_consultant)
            ]

    def test_the_header_and_the_path_refresh_as_fragments_without_logging_people(self, as_role, crm, hansen):
        client = as_role("recruiter")
        for target in ("company-head", "company-path"):
            response = client.htmx_get(f"/companies/{hansen['id']}", target)
            page = text_of(response)
            assert "<html" not in page and f'id="{target}"' in page and "HX-Request" in response.headers["Vary"]
        assert crm.access_log.entries(contact_id=hansen["lise"]) == []

    def test_an_unknown_company_is_not_found(self, as_role):
        assert as_role("recruiter").get("/companies/00000000-0000-0000-0000-000000000001").status_code == 404

    def test_the_auditor_reads_the_page_without_edit_controls(self, as_role, hansen):
        page = text_of(as_role("auditor").get(f"/companies/{hansen['id']}"))
        assert "Lise Hansen" in page and "Redigér stamdata" not in page and "Registrér henvendelse" not in page

    def test_the_lead_and_the_agreement_are_summarised(self, as_role, crm, team, hansen):
        lead = crm.share_lead(team.consultant, hansen["id"], "Højt sygefravær, tal med HR-chefen", urgency="high")
        crm.claim_lead(team.recruiter, lead)
        agreement = crm.open_agreement(team.recruiter, hansen["id"])
        page = text_of(as_role("recruiter").get(f"/companies/{hansen['id']}"))
        assert "Højt sygefravær, tal med HR-chefen" in page and "Jonas Vestergaard" in page
        assert f'href="/agreements/{agreement}"' in page
        assert "Der mangler stadig 4 krav til ledelsesopbakningen." in page


class TestEditingDetails:
    def test_the_edit_form_is_a_fragment_for_htmx(self, as_role, hansen):
        response = as_role("recruiter").htmx_get(f"/companies/{hansen['id']}?edit=details", "company-details")
        page = text_of(response)
        assert "<html" not in page and 'name="expected_version"' in page and "HX-Request" in response.headers["Vary"]

    def details(self, crm, company_id, **changes):
        company = crm.load(Company, company_id)
        values = {
            "name": company.name,
            "cvr": company.cvr or "",
            "industry": company.industry,
            "sector": company.sector,
            "size_band": company.size_band or "",
            "address": company.address or "",
            "target_group_note": company.target_group_note or "",
            "owner_id": str(company.owner_id or ""),
            "expected_version": str(company.version),
        }
        return {**values, **changes}

    def test_saving_swaps_the_details_and_records_the_change(self, as_role, crm, team, hansen):
        client = as_role("recruiter")
        response = client.post(
            f"/companies/{hansen['id']}/details",
            self.details(crm, hansen["id"], address="Havnevej 1, 8700 Horsens", owner_id=str(team.health_consultant)),
            htmx_target="company-details",
        )
        page = text_of(response)
        assert "<html" not in page and "Stamdata er gemt." in page and "Havnevej 1, 8700 Horsens" in page
        assert response.headers["HX-Trigger"] == "company-changed"
        company = crm.load(Company, hansen["id"])
        assert (company.address, company.owner_id) == ("Havnevej 1, 8700 Horsens", team.health_consultant)

    def test_a_stale_form_shows_the_conflict_and_the_current_values(self, as_role, crm, team, hansen):
        stale = self.details(crm, hansen["id"], name="Hansen Transport A/S")
        crm.change_company_details(team.consultant, hansen["id"], address="Søndergade 9, 8700 Horsens")
        response = as_role("recruiter").post(f"/companies/{hansen['id']}/details", stale, htmx_target="company-details")
        page = text_of(response)
        assert response.status_code == 200 and 'role="alert"' in page
        assert "En anden har ændret" in page
        assert 'value="Søndergade 9, 8700 Horsens"' in page and "Hansen Transport A/S" in page
        assert crm.load(Company, hansen["id"]).name == "Hansen Transport ApS"

    def test_a_bad_cvr_keeps_what_was_typed(self, as_role, crm, hansen):
        response = as_role("recruiter").post(
            f"/companies/{hansen['id']}/details",
            self.details(crm, hansen["id"], cvr="11111111", address="Ny vej 2"),
            htmx_target="company-details",
        )
        page = text_of(response)
        assert "er ikke et gyldigt CVR-nummer" in page and 'value="Ny vej 2"' in page
        assert crm.load(Company, hansen["id"]).cvr == HANSEN_TRANSPORT_CVR

    def test_without_javascript_saving_returns_to_the_page(self, as_role, crm, hansen):
        response = as_role("recruiter").post(
            f"/companies/{hansen['id']}/details", self.details(crm, hansen["id"], name="Hansen Transport A/S")
        )
        assert response.status_code == 303 and response.headers["Location"].endswith(
            f"/companies/{hansen['id']}#company-details"
        )

    def test_an_auditors_post_is_refused(self, as_role, crm, hansen):
        response = as_role("auditor").post(
            f"/companies/{hansen['id']}/details", self.details(crm, hansen["id"], name="Revideret")
        )
        assert response.status_code == 403 and crm.load(Company, hansen["id"]).name == "Hansen Transport ApS"


class TestContacts:
    def test_adding_a_contact_with_htmx(self, as_role, crm, hansen):
        response = as_role("recruiter").post(
            f"/companies/{hansen['id']}/contacts",
            {
                "name": "Karin Mølgaard",
                "role": "union_representative",
                "phone": "30405060",
                "email": "",
            },
            htmx_target="company-contacts",
        )
        page = text_of(response)
        assert "<html" not in page and "Karin Mølgaard" in page and "Kontaktpersonen er tilføjet." in page

    def test_a_contact_without_a_name_is_refused_in_danish(self, as_role, hansen):
        page = text_of(
            as_role("recruiter").post(
                f"/companies/{hansen['id']}/contacts",
                {"name": " ", "role": "hr", "phone": "30405060"},
                htmx_target="company-contacts",
            )
        )
        assert 'role="alert"' in page and "skal udfyldes" in page and 'value="30405060"' in page

    def test_editing_a_contact_with_a_stale_version_shows_the_conflict(self, as_role, crm, team, hansen):
        version = crm.load(Contact, hansen["lise"]).version
        crm.change_contact_details(team.consultant, hansen["lise"], "Lise Hansen", "20304099", None)
        response = as_role("recruiter").post(
            f"/companies/{hansen['id']}/contacts/{hansen['lise']}",
            {
                "name": "Lise B. Hansen",
                "phone": "20304050",
                "email": "lise@hansen-transport.dk",
                "expected_version": str(version),
            },
            htmx_target="company-contacts",
        )
        page = text_of(response)
        assert "En anden har ændret" in page and 'value="+4520304099"' in page and "Lise B. Hansen" in page
        assert crm.load(Contact, hansen["lise"]).name == "Lise Hansen"

    def test_editing_a_contact(self, as_role, crm, hansen):
        version = crm.load(Contact, hansen["lise"]).version
        as_role("recruiter").post(
            f"/companies/{hansen['id']}/contacts/{hansen['lise']}",
            {
                "name": "Lise Bach Hansen",
                "phone": "20304050",
                "email": "lise@hansen-transport.dk",
                "expected_version": str(version),
            },
            htmx_target="company-contacts",
        )
        assert crm.load(Contact, hansen["lise"]).name == "Lise Bach Hansen"

    def test_changing_the_role_and_archiving(self, as_role, crm, hansen):
        client = as_role("recruiter")
        client.post(
            f"/companies/{hansen['id']}/contacts/{hansen['lise']}/role",
            {"role": "manager", "is_decision_maker": "1"},
            htmx_target="company-contacts",
        )
        contact = crm.load(Contact, hansen["lise"])
        assert (contact.role, contact.is_decision_maker) == ("manager", True)
        page = text_of(
            client.post(f"/companies/{hansen['id']}/contacts/{hansen['peter']}/archive", htmx_target="company-contacts")
        )
        assert crm.load(Contact, hansen["peter"]).archived and "1 arkiveret kontaktperson" in page

    def test_a_contact_of_another_company_is_not_found_here(self, as_role, crm, team, hansen, soltoft):
        response = as_role("recruiter").post(f"/companies/{soltoft}/contacts/{hansen['lise']}/archive")
        assert response.status_code == 404 and not crm.load(Contact, hansen["lise"]).archived


class TestWorkplaces:
    def test_adding_and_removing_with_a_reason(self, as_role, crm, hansen):
        client = as_role("recruiter")
        page = text_of(
            client.post(
                f"/companies/{hansen['id']}/workplaces",
                {"name": "Lageret i Vejle", "p_number": "", "address": ""},
                htmx_target="company-workplaces",
            )
        )
        assert "Lageret i Vejle" in page and "<html" not in page
        refused = text_of(
            client.post(
                f"/companies/{hansen['id']}/workplaces/{hansen['workplace']}/remove",
                {"reason": ""},
                htmx_target="company-workplaces",
            )
        )
        assert "skal udfyldes" in refused and hansen["workplace"] in crm.load(Company, hansen["id"]).workplaces
        client.post(
            f"/companies/{hansen['id']}/workplaces/{hansen['workplace']}/remove",
            {"reason": "Terminalen er lukket"},
            htmx_target="company-workplaces",
        )
        assert hansen["workplace"] not in crm.load(Company, hansen["id"]).workplaces


class TestAttempts:
    def test_logging_from_the_company_page(self, as_role, crm, hansen):
        response = as_role("recruiter").post(
            f"/companies/{hansen['id']}/attempts",
            {
                "channel": "visit",
                "outcome": "meeting_booked",
                "contact_id": str(hansen["peter"]),
                "next_follow_up": "2026-03-10",
            },
            htmx_target="company-attempts",
        )
        page = text_of(response)
        assert "Henvendelsen er registreret." in page and "Møde aftalt" in page and "<html" not in page
        assert crm.load(Company, hansen["id"]).stage == "meeting"

    def test_correcting_needs_a_reason(self, as_role, crm, hansen):
        client = as_role("recruiter")
        url = f"/companies/{hansen['id']}/attempts/{hansen['attempt']}/correct"
        values = {
            "channel": "call",
            "outcome": "call_back",
            "occurred_on": "2026-03-02",
            "note": "Ingen tog den",
            "next_follow_up": "2026-03-04",
            "contact_id": str(hansen["lise"]),
        }
        refused = text_of(client.post(url, {**values, "reason": ""}, htmx_target="company-attempts"))
        assert "skal udfyldes" in refused and crm.load(OutreachAttempt, hansen["attempt"]).outcome == "no_answer"
        client.post(url, {**values, "reason": "Hun bad os ringe tilbage"}, htmx_target="company-attempts")
        assert crm.load(OutreachAttempt, hansen["attempt"]).outcome == "call_back"

    def test_voiding_needs_a_reason(self, as_role, crm, hansen):
        client = as_role("recruiter")
        url = f"/companies/{hansen['id']}/attempts/{hansen['attempt']}/void"
        assert "skal udfyldes" in text_of(client.post(url, {"reason": ""}, htmx_target="company-attempts"))
        page = text_of(client.post(url, {"reason": "Forkert virksomhed"}, htmx_target="company-attempts"))
        assert crm.load(OutreachAttempt, hansen["attempt"]).voided and "Annulleret" in page


def correction_inputs(attempt_id: UUID) -> str:
    return f'id="fix-{attempt_id.hex}-on"'


def void_inputs(attempt_id: UUID) -> str:
    return f'id="void-{attempt_id.hex}-reason"'


def details_of(page: str, summary: str, attempt_id: UUID) -> str:
    """The <details> of one attempt whose summary is `summary` (Ret, Annullér), as the page renders it."""
    item = page[page.index(f'id="attempt-{attempt_id.hex}"') :]
    item = item[: item.index("</li>")]
    found = re.search(rf"<details[^>]*>\s*<summary>{summary}</summary>.*?</details>", item, re.S)
    assert found, f"no {summary} details for the attempt"
    return found.group(0)


class TestAttemptFormsOpenWhenAsked:
    """The page renders an attempt's correction and void forms only when they are used; the rest load on opening."""

    @pytest.fixture
    def second(self, crm, team, hansen):
        return crm.log_attempt(team.recruiter, hansen["id"], "email", "call_back", next_follow_up=date(2026, 3, 5))

    def test_the_page_holds_no_correction_or_void_form(self, as_role, hansen, second):
        page = text_of(as_role("recruiter").get(f"/companies/{hansen['id']}"))
        for attempt in (hansen["attempt"], second):
            assert correction_inputs(attempt) not in page and void_inputs(attempt) not in page
            correct, void = details_of(page, "Ret", attempt), details_of(page, "Annullér", attempt)
            assert " open" not in correct and 'name="reason"' not in correct and 'name="reason"' not in void
            assert f'hx-get="/companies/{hansen["id"]}/attempts/{attempt}/correct"' in correct
            assert 'hx-trigger="toggle once"' in correct and f'hx-target="#fix-{attempt.hex}-slot"' in correct
            assert f'hx-get="/companies/{hansen["id"]}/attempts/{attempt}/void"' in void
            # Without JavaScript, a link opens the page with the form.
            assert f'href="/companies/{hansen["id"]}?correct={attempt}#attempt-{attempt.hex}"' in correct
            assert f'href="/companies/{hansen["id"]}?void={attempt}#attempt-{attempt.hex}"' in void

    def test_the_opened_correction_form_is_filled_in_and_corrects(self, as_role, crm, hansen):
        client, attempt = as_role("recruiter"), hansen["attempt"]
        url = f"/companies/{hansen['id']}/attempts/{attempt}/correct"
        response = client.htmx_get(url, f"fix-{attempt.hex}-slot")
        fragment = text_of(response)
        assert response.status_code == 200 and "<html" not in fragment and correction_inputs(attempt) in fragment
        assert f'hx-post="{url}" hx-target="#company-attempts" hx-swap="outerHTML"' in fragment
        assert 'value="2026-03-04"' in fragment and '<option value="no_answer" selected>' in fragment
        assert f'<option value="{hansen["lise"]}" selected>Lise Hansen</option>' in fragment
        assert "HX-Target" in response.headers["Vary"]
        token = client._token(fragment)
        form = {
            "csrf_token": token,
            "channel": "call",
            "outcome": "call_back",
            "occurred_on": "2026-03-02",
            "contact_id": str(hansen["lise"]),
            "reason": "Hun bad os ringe tilbage",
        }
        page = text_of(client.post(url, form, htmx_target="company-attempts", with_token=False))
        assert page.lstrip().startswith('<section id="company-attempts"') and "Henvendelsen er rettet." in page
        assert crm.load(OutreachAttempt, attempt).outcome == "call_back"

    def test_opening_the_correction_form_logs_the_people_it_names(self, as_role, crm, team, hansen):
        before = len(crm.access_log.entries(contact_id=hansen["peter"]))
        attempt = hansen["attempt"]
        as_role("recruiter").htmx_get(
            f"/companies/{hansen['id']}/attempts/{attempt}/correct", f"fix-{attempt.hex}-slot"
        )
        assert len(crm.access_log.entries(contact_id=hansen["peter"])) == before + 1

    def test_the_opened_void_form_voids(self, as_role, crm, hansen):
        client, attempt = as_role("recruiter"), hansen["attempt"]
        url = f"/companies/{hansen['id']}/attempts/{attempt}/void"
        fragment = text_of(client.htmx_get(url, f"void-{attempt.hex}-slot"))
        assert (
            "<html" not in fragment and void_inputs(attempt) in fragment and correction_inputs(attempt) not in fragment
        )
        assert f'hx-post="{url}" hx-target="#company-attempts"' in fragment
        form = {"csrf_token": client._token(fragment), "reason": "Forkert virksomhed"}
        page = text_of(client.post(url, form, htmx_target="company-attempts", with_token=False))
        assert "Henvendelsen er annulleret." in page and crm.load(OutreachAttempt, attempt).voided
        # A voided attempt has no forms to open.
        assert client.htmx_get(url, f"void-{attempt.hex}-slot").status_code == 404
        assert client.htmx_get(f"{url[: -len('void')]}correct", f"fix-{attempt.hex}-slot").status_code == 404

    def test_another_companys_attempt_or_none_is_not_found(self, as_role, hansen, soltoft):
        client, attempt = as_role("recruiter"), hansen["attempt"]
        for form, slot in (("correct", "fix"), ("void", "void")):
            wrong = client.htmx_get(f"/companies/{soltoft}/attempts/{attempt}/{form}", f"{slot}-{attempt.hex}-slot")
            assert wrong.status_code == 404
            nobody = UUID("5d1c2a8e-2f6e-4a47-9e0e-3c6b1f0a7d11")
            missing = client.htmx_get(
                f"/companies/{hansen['id']}/attempts/{nobody}/{form}", f"{slot}-{nobody.hex}-slot"
            )
            assert missing.status_code == 404

    def test_the_form_address_opened_without_htmx_goes_to_the_page_with_the_form_open(self, as_role, hansen):
        attempt = hansen["attempt"]
        for form in ("correct", "void"):
            response = as_role("recruiter").get(f"/companies/{hansen['id']}/attempts/{attempt}/{form}")
            assert response.status_code == 303
            assert response.headers["Location"] == f"/companies/{hansen['id']}?{form}={attempt}#attempt-{attempt.hex}"

    def test_the_link_opens_the_page_with_the_correction_form_filled_in(self, as_role, hansen, second):
        page = text_of(as_role("recruiter").get(f"/companies/{hansen['id']}?correct={hansen['attempt']}"))
        correct = details_of(page, "Ret", hansen["attempt"])
        assert correct.startswith('<details class="inline-details" open>') and "hx-get" not in correct
        assert correction_inputs(hansen["attempt"]) in correct and 'value="2026-03-04"' in correct
        assert '<option value="no_answer" selected>' in correct
        assert void_inputs(hansen["attempt"]) not in page and correction_inputs(second) not in page

    def test_the_link_opens_the_page_with_the_void_form(self, as_role, hansen, second):
        page = text_of(as_role("recruiter").get(f"/companies/{hansen['id']}?void={second}"))
        void = details_of(page, "Annullér", second)
        assert void.startswith('<details class="inline-details" open>') and void_inputs(second) in void
        assert correction_inputs(second) not in page and void_inputs(hansen["attempt"]) not in page

    def test_a_link_with_no_id_is_refused(self, as_role, hansen):
        response = as_role("recruiter").get(f"/companies/{hansen['id']}?correct=evil")
        assert response.status_code == 400 and "evil er ikke et id" in text_of(response)

    @pytest.mark.parametrize("htmx_target", ["company-attempts", None], ids=["htmx", "plain form"])
    def test_a_refused_correction_shows_its_form_open_with_the_message(self, as_role, crm, hansen, second, htmx_target):
        attempt = hansen["attempt"]
        url = f"/companies/{hansen['id']}/attempts/{attempt}/correct"
        form = {"channel": "visit", "outcome": "call_back", "occurred_on": "2026-03-02", "reason": ""}
        response = as_role("recruiter").post(url, form, htmx_target=htmx_target)
        page = text_of(response)
        correct = details_of(page, "Ret", attempt)
        assert correct.startswith('<details class="inline-details" open>')
        assert 'role="alert">' in correct and "skal udfyldes" in correct
        assert '<option value="visit" selected>' in correct  # what was typed, not what the attempt says
        assert correction_inputs(second) not in page and void_inputs(attempt) not in page
        assert crm.load(OutreachAttempt, attempt).outcome == "no_answer"

    def test_a_refused_void_shows_its_form_open_with_the_message(self, as_role, crm, hansen, second):
        url = f"/companies/{hansen['id']}/attempts/{second}/void"
        page = text_of(as_role("recruiter").post(url, {"reason": ""}, htmx_target="company-attempts"))
        void = details_of(page, "Annullér", second)
        assert void.startswith('<details class="inline-details" open>') and "skal udfyldes" in void
        assert correction_inputs(second) not in page and not crm.load(OutreachAttempt, second).voided


class TestThePath:
    def test_a_plain_move(self, as_role, crm, hansen):
        version = crm.load(Company, hansen["id"]).version
        response = as_role("recruiter").post(
            f"/companies/{hansen['id']}/move", {"stage": "meeting", "expected_version": str(version)}
        )
        assert response.status_code == 303 and crm.load(Company, hansen["id"]).stage == "meeting"

    def test_a_move_from_a_stale_page_shows_the_conflict(self, as_role, crm, team, hansen):
        version = crm.load(Company, hansen["id"]).version
        crm.change_company_details(team.consultant, hansen["id"], address="Søndergade 9")
        response = as_role("recruiter").post(
            f"/companies/{hansen['id']}/move", {"stage": "meeting", "expected_version": str(version)}
        )
        assert response.status_code == 200 and "En anden har ændret" in text_of(response)
        assert crm.load(Company, hansen["id"]).stage == "contacted"

    def test_an_illegal_move_is_explained(self, as_role, crm, hansen):
        version = crm.load(Company, hansen["id"]).version
        page = text_of(
            as_role("recruiter").post(
                f"/companies/{hansen['id']}/move", {"stage": "partner", "expected_version": str(version)}
            )
        )
        assert 'role="alert"' in page and "En virksomhed kan ikke flyttes fra »I kontakt« til »Partner«." in page

    def test_declining_and_a_new_round_later(self, as_role, crm, hansen, clock):
        client = as_role("recruiter")
        refused = client.post(
            f"/companies/{hansen['id']}/decline",
            {"reason": "", "approach_again_after": "2026-04-01", "action": "decline"},
        )
        assert "skal udfyldes" in text_of(refused) and crm.load(Company, hansen["id"]).stage == "contacted"
        client.post(
            f"/companies/{hansen['id']}/decline",
            {"reason": "Ingen tid før sommerferien", "approach_again_after": "2026-04-01"},
        )
        company = crm.load(Company, hansen["id"])
        assert (company.stage, company.approach_again_after) == ("declined", date(2026, 4, 1))
        early = text_of(client.get(f"/companies/{hansen['id']}"))
        assert "Kan kontaktes igen fra 1. apr. 2026" in early and "Start en ny runde" not in early
        clock.set(datetime(2026, 4, 1, 9, 0, tzinfo=UTC))
        client = as_role("recruiter")  # a month later: the old session has long ended
        response = client.post(f"/companies/{hansen['id']}/reapproach")
        assert response.status_code == 303 and crm.load(Company, hansen["id"]).round == 2

    def test_parking(self, as_role, crm, hansen):
        as_role("recruiter").post(f"/companies/{hansen['id']}/park", {"reason": "Travlt til efteråret"})
        assert crm.load(Company, hansen["id"]).stage == "parked"

    def test_opening_an_agreement_goes_to_it(self, as_role, crm, hansen):
        response = as_role("recruiter").post(f"/companies/{hansen['id']}/agreement")
        company = crm.load(Company, hansen["id"])
        assert response.status_code == 303 and response.headers["Location"] == f"/agreements/{company.agreement_id}"

    def test_the_auditor_may_not_move_a_company(self, as_role, crm, hansen):
        version = crm.load(Company, hansen["id"]).version
        response = as_role("auditor").post(
            f"/companies/{hansen['id']}/move", {"stage": "meeting", "expected_version": str(version)}
        )
        assert response.status_code == 403 and crm.load(Company, hansen["id"]).stage == "contacted"


class TestTheTimeline:
    def test_show_more_brings_the_next_page_as_a_fragment(self, as_role, crm, team, hansen):
        for number in range(25):
            crm.log_attempt(team.recruiter, hansen["id"], "sms", "no_answer", note=f"Sms nummer {number}")
        client = as_role("recruiter")
        page = text_of(client.get(f"/companies/{hansen['id']}"))
        timeline = page[page.index('id="company-timeline"') :]
        assert "Sms nummer 24" in timeline and "Sms nummer 4<" not in timeline
        more = re.search(r'hx-get="(/companies/[^"]+/timeline\?before=\d+)"', page).group(1)
        response = client.htmx_get(more, "timeline-more")
        fragment = text_of(response)
        assert "<html" not in fragment and "HX-Request" in response.headers["Vary"]
        assert "Sms nummer 4<" in fragment and "Sms nummer 0<" in fragment and "Sms nummer 5<" not in fragment

    def test_without_javascript_show_more_is_a_page(self, as_role, crm, team, hansen):
        for number in range(25):
            crm.log_attempt(team.recruiter, hansen["id"], "sms", "no_answer", note=f"Sms nummer {number}")
        client = as_role("recruiter")
        page = text_of(client.get(f"/companies/{hansen['id']}"))
        more = re.search(r'href="(/companies/[^"]+/timeline\?before=\d+)"', page).group(1)
        assert "<html" in text_of(client.get(more)) and "Sms nummer 0" in text_of(client.get(more))

    def test_reasons_are_shown_in_the_timeline(self, as_role, crm, team, hansen):
        crm.void_attempt(team.recruiter, hansen["attempt"], reason="Logget på den forkerte virksomhed")
        page = text_of(as_role("recruiter").get(f"/companies/{hansen['id']}"))
        assert "Mette Kjær annullerede en henvendelse til Hansen Transport ApS" in page
        assert "Begrundelse: Logget på den forkerte virksomhed" in page


class TestALongRound:
    """The page shows the round's newest attempts; the rest when asked, or when an older one's form is opened."""

    @pytest.fixture
    def long_round(self, crm, team, hansen, clock):
        for day in range(1, 23):  # with Hansen's first attempt: 23 in the round
            clock.set(datetime(2026, 3, 4, 9, 0, tzinfo=UTC) + timedelta(days=day))
            crm.log_attempt(team.recruiter, hansen["id"], "call", "no_answer", next_follow_up=None)
        return hansen

    def test_the_page_shows_the_newest_twenty_and_a_link_to_every_one(self, as_role, long_round):
        client = as_role("recruiter")
        page = text_of(client.get(f"/companies/{long_round['id']}"))
        assert page.count('class="attempt"') == 20 and "Vis alle henvendelser i runden" in page
        assert f"attempt-{long_round['attempt'].hex}" not in page  # the oldest waits for the link
        every = text_of(client.get(f"/companies/{long_round['id']}?attempts=all"))
        assert every.count('class="attempt"') == 23 and "Vis alle henvendelser i runden" not in every
        fragment = text_of(client.htmx_get(f"/companies/{long_round['id']}?attempts=all", "company-attempts"))
        assert (
            fragment.lstrip().startswith('<section id="company-attempts"') and fragment.count('class="attempt"') == 23
        )

    def test_an_older_attempts_form_opened_by_its_link_shows_the_whole_round(self, as_role, long_round):
        oldest = long_round["attempt"]
        page = text_of(as_role("recruiter").get(f"/companies/{long_round['id']}?correct={oldest}"))
        assert page.count('class="attempt"') == 23 and correction_inputs(oldest) in page
