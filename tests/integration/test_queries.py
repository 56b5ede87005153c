"""The read side's published queries, on a SQLite file and on PostgreSQL: plain data, bounded input, one home each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from sqlalchemy import select

import projections
from crm.agreements import PartnershipAgreement
from crm.commands.leads import NewCompany
from crm.permissions import SYSTEM_ACTOR_ID
from projections.call_list import RANK_TO_URGENCY, STAGE_RANK
from projections.leads import URGENCY_RANK
from projections.outreach_tables import companies
from projections.reading import fetch
from tests.support import SOLTOFT_PLEJE_CVR, Team, hansen_transport, make_team, statements_on

MONDAY = date(2026, 3, 2)
MEGABYTE = "x" * 1_000_000


@dataclass
class Town:
    app: object
    team: Team
    hansen: UUID
    soltoft: UUID
    bakery: UUID
    lars: UUID
    pia: UUID
    gone: UUID
    first_call: UUID
    second_call: UUID
    partner: UUID
    agreement: UUID
    projector: projections.Projector

    @property
    def outreach(self):
        return self.projector["outreach"]


@pytest.fixture
def town(sql_database, clock) -> Town:
    """Hansen Transport in its second round with three people, Soltoft Pleje negotiating, a bakery declined."""
    app = sql_database.app(clock=clock)
    team = make_team(app)
    partner = app.register_partner(team.recruiter, "3F Horsens", "union")
    hansen = hansen_transport(app, team.recruiter, owner_id=team.recruiter, source_partner_id=partner)
    soltoft = app.register_company(
        team.recruiter, name="Soltoft Pleje 100%_A/S", industry="care", cvr=SOLTOFT_PLEJE_CVR, owner_id=team.recruiter
    )
    bakery = app.register_company(team.consultant, name="Horsens Bageri", industry="production")
    lars = app.register_contact(team.recruiter, hansen, "Lars Hansen", "top_management", phone="20304050")
    pia = app.register_contact(team.recruiter, hansen, "Pia Holm", "hr", email="pia@hansen-transport.dk")
    gone = app.register_contact(team.recruiter, hansen, "Bo Berg", "manager", is_decision_maker=True)
    app.archive_contact(team.recruiter, gone)
    app.register_contact(team.recruiter, soltoft, "Karin Mørk", "hr")
    first_call = app.log_attempt(team.recruiter, hansen, "call", "declined", note="Ikke nu")
    clock.advance(timedelta(days=1))
    app.reapproach_company(team.recruiter, hansen)
    second_call = app.log_attempt(
        team.recruiter, hansen, "call", "call_back", contact_id=lars, next_follow_up=MONDAY + timedelta(days=2)
    )
    agreement = app.open_agreement(team.recruiter, soltoft)
    app.log_attempt(team.consultant, bakery, "visit", "declined", note="Nej tak")
    projector = projections.Projector(app)
    projector.catch_up()
    return Town(
        app, team, hansen, soltoft, bakery, lars, pia, gone, first_call, second_call, partner, agreement, projector
    )


class TestCompanies:
    def test_one_company_and_its_names(self, town):
        found = projections.company(town.outreach, town.hansen)
        assert (found["name"], found["round"], found["source_partner_id"]) == ("Hansen Transport ApS", 2, town.partner)
        assert projections.company(town.outreach, uuid4()) is None
        assert projections.company_names(town.outreach, [town.hansen, town.bakery, uuid4()]) == {
            town.hansen: "Hansen Transport ApS",
            town.bakery: "Horsens Bageri",
        }

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            pytest.param("horsens", ["Horsens Bageri"], id="part-of-the-name"),
            pytest.param("100%_a", ["Soltoft Pleje 100%_A/S"], id="like-wildcards-are-plain-text"),
            pytest.param("%", ["Soltoft Pleje 100%_A/S"], id="a-lone-percent"),
            pytest.param("  ", [], id="nothing-to-search"),
            pytest.param(MEGABYTE, [], id="a-megabyte-is-cut-not-refused-by-the-database"),
        ],
    )
    def test_companies_by_name_match_the_text_literally(self, town, text, expected):
        assert [c["name"] for c in projections.companies_named(town.outreach, text)] == expected

    def test_attempts_of_one_round_or_every_round_newest_first(self, town):
        this_round = projections.attempts_of(town.outreach, town.hansen, 2)
        every_round = projections.attempts_of(town.outreach, town.hansen)
        assert [a["attempt_id"] for a in this_round] == [town.second_call]
        assert [a["attempt_id"] for a in every_round] == [town.second_call, town.first_call]

    def test_an_attempt_or_a_contact_of_another_company_is_not_found(self, town):
        assert projections.attempt_at(town.outreach, town.hansen, town.second_call)["outcome"] == "call_back"
        assert projections.attempt_at(town.outreach, town.soltoft, town.second_call) is None
        assert projections.contact_at(town.outreach, town.hansen, town.pia)["email"] == "pia@hansen-transport.dk"
        assert projections.contact_at(town.outreach, town.soltoft, town.pia) is None

    def test_partners_by_name(self, town):
        assert [p["name"] for p in projections.partners_list(town.outreach)] == ["3F Horsens"]
        assert projections.partner_names(town.outreach, [town.partner]) == {town.partner: "3F Horsens"}
        assert projections.partner_names(town.outreach, []) == {}

    def test_a_search_with_a_megabyte_and_a_page_beyond_the_last_answers_without_an_error(self, town):
        assert projections.search_companies(town.outreach, MEGABYTE).total == 0
        far = projections.search_companies(town.outreach, page=10**12)
        assert (far.page, far.rows, far.total) == (projections.MAX_PAGE, [], 3)
        assert [r["name"] for r in projections.search_companies(town.outreach, "100%").rows] == [
            "Soltoft Pleje 100%_A/S"
        ]


class TestContacts:
    def test_the_company_page_lists_current_people_first_then_the_archived(self, town):
        people = projections.contacts_of(town.outreach, town.hansen)
        assert [(p["name"], p["archived"]) for p in people] == [
            ("Lars Hansen", False),
            ("Pia Holm", False),
            ("Bo Berg", True),
        ]
        assert [p["name"] for p in projections.contacts_of(town.outreach, town.hansen, current_only=True)] == [
            "Lars Hansen",
            "Pia Holm",
        ]

    def test_a_sponsor_is_offered_from_top_management_first(self, town):
        town.app.register_contact(town.team.recruiter, town.hansen, "Anna Andersen", "manager")
        town.projector.catch_up()
        sponsors = projections.contacts_of(town.outreach, town.hansen, current_only=True, order="sponsors")
        assert [p["name"] for p in sponsors] == ["Lars Hansen", "Anna Andersen", "Pia Holm"]

    def test_the_people_of_several_companies_at_once(self, town):
        found = projections.current_contacts(town.outreach, [town.hansen, town.soltoft, town.bakery])
        assert {company: [p["name"] for p in people] for company, people in found.items()} == {
            town.hansen: ["Lars Hansen", "Pia Holm"],
            town.soltoft: ["Karin Mørk"],
            town.bakery: [],
        }

    def test_people_by_id_carry_their_company(self, town):
        found = projections.contacts_by_id(town.outreach, [town.lars, None, uuid4()])
        assert list(found) == [town.lars]
        assert (found[town.lars]["name"], found[town.lars]["company_name"]) == ("Lars Hansen", "Hansen Transport ApS")

    def test_people_by_name_anywhere_or_at_some_companies(self, town):
        assert [p["name"] for p in projections.contacts_named(town.outreach, "r")] == [
            "Bo Berg",
            "Karin Mørk",
            "Lars Hansen",
        ]
        assert [p["name"] for p in projections.contacts_named(town.outreach, "r", [town.soltoft])] == ["Karin Mørk"]
        assert projections.contacts_named(town.outreach, MEGABYTE) == []


class TestTheQueue:
    def test_each_row_is_labelled_with_the_section_the_day_lists_it_in(self, town):
        # Soltoft negotiates with no next step, Hansen's call-back is due in two days, the bakery declined.
        for day in (MONDAY, MONDAY + timedelta(days=2), MONDAY + timedelta(days=3)):
            listed = projections.my_day(town.outreach, None, day)
            for section, rows in listed.items():
                for row in rows:
                    assert projections.queue_row(town.outreach, row["company_id"], day)["section"] == section
        later = projections.queue_row(town.outreach, town.hansen, MONDAY)
        assert (later["section"], later["days_overdue"]) == ("later", 0)
        overdue = projections.queue_row(town.outreach, town.hansen, MONDAY + timedelta(days=5))
        assert (overdue["section"], overdue["days_overdue"]) == ("overdue", 3)
        assert projections.queue_row(town.outreach, town.bakery, MONDAY)["section"] == "closed"
        assert projections.queue_row(town.outreach, uuid4(), MONDAY) is None

    def test_the_counts_say_how_many_a_limited_section_holds(self, town):
        day = MONDAY + timedelta(days=5)
        everything = projections.my_day(town.outreach, None, day)
        assert projections.queue_counts(town.outreach, None, day) == {
            name: len(rows) for name, rows in everything.items()
        }
        limited = projections.my_day(town.outreach, town.team.recruiter, day, limit=0)
        assert all(rows == [] for rows in limited.values())
        only = projections.my_day(town.outreach, town.team.recruiter, day, sections=["overdue"])
        assert list(only) == ["overdue"] and [r["name"] for r in only["overdue"]] == ["Hansen Transport ApS"]

    def test_overlap_narrowed_to_the_companies_on_a_users_queue(self, town, clock):
        town.app.log_attempt(town.team.consultant, town.hansen, "visit", "interested")
        town.app.log_attempt(town.team.health_consultant, town.bakery, "call", "no_answer")
        town.projector.catch_up()
        everyone = projections.department_overlap(town.outreach, MONDAY + timedelta(days=1))
        mine = projections.department_overlap(
            town.outreach, MONDAY + timedelta(days=1), responsible_for=town.team.recruiter
        )
        assert [o["name"] for o in everyone] == ["Hansen Transport ApS", "Horsens Bageri"]
        assert [o["name"] for o in mine] == ["Hansen Transport ApS"]


class TestThePipeline:
    def test_cards_carry_their_agreement_and_a_card_is_found_outside_the_columns(self, town):
        columns = projections.board(town.outreach, MONDAY, per_stage=0)
        assert columns["negotiating"] == {"count": 1, "companies": []}
        card = projections.card(town.outreach, town.soltoft, MONDAY + timedelta(days=3))
        assert (card["stage"], card["agreement_id"], card["days_in_stage"]) == ("negotiating", town.agreement, 2)

    def test_the_stalled_count_is_what_the_list_holds_without_a_limit(self, town):
        day = MONDAY + timedelta(days=30)
        assert projections.count_stalled(town.outreach, day) == len(projections.stalled(town.outreach, day)) == 2
        assert len(projections.stalled(town.outreach, day, limit=1)) == 1

    def test_counts_by_an_unknown_dimension_is_refused_rather_than_read(self, town):
        with pytest.raises(ValueError, match="no dimension"):
            projections.counts_by(town.outreach, "search_name")
        assert {r["value"] for r in projections.counts_by(town.outreach, "owner_id")} == {
            town.team.recruiter,
            None,
        }


class TestViewsQueries:
    def test_the_owners_are_the_active_people_of_the_outreach_roles(self, town):
        town.app.disable_user(SYSTEM_ACTOR_ID, town.team.health_consultant)
        town.projector.catch_up()
        users = town.projector["users"]
        assert [u["username"] for u in users.owners()] == ["henrik", "jonas", "mette"]
        assert [u["username"] for u in users.owners(include_disabled=True)] == ["henrik", "jonas", "mette", "sofie"]

    def test_the_inbox_is_limited_and_counted(self, town):
        for reason in ("Højt sygefravær", "Nyt lager", "Ny direktør"):
            town.app.share_lead(town.team.consultant, town.bakery, reason)
        town.projector.catch_up()
        leads = town.projector["leads"]
        assert len(leads.inbox(MONDAY, limit=2)) == 2 and leads.count_inbox() == 3
        assert leads.count_inbox("claimed") == 0 and leads.count_inbox(None) == 3
        assert {lead["company_name"] for lead in leads.of_company(town.bakery)} == {"Horsens Bageri"}
        assert leads.of_company(town.hansen) == []

    def test_the_company_of_each_agreement(self, town):
        agreements = town.projector["agreements"]
        assert projections.agreement_companies(agreements, [town.agreement, uuid4()]) == {town.agreement: town.soltoft}
        found = agreements.agreement_for_company(town.soltoft)
        assert (found["status"], found["company_name"]) == ("negotiating", "Soltoft Pleje 100%_A/S")
        assert len(found["requirements"]) == len(town.app.load(PartnershipAgreement, town.agreement).requirements)


class TestTheEventIndex:
    def test_the_projector_keeps_the_index_current_with_the_other_read_models(self, town):
        index = town.projector["audit_events"]
        head = town.app.recorder.max_notification_id()
        assert index.position() == head
        page = index.page(projections.EventFilters(), last=True, limit=head + 10)
        assert page.positions == list(range(1, head + 1))
        hansen_transport(town.app, town.team.recruiter, name="Hansen Transport II", cvr=None)
        town.projector.catch_up()
        assert index.position() == town.app.recorder.max_notification_id() > head

    def test_days_at_the_calendars_edges_filter_without_an_error(self, town):
        index, head = town.projector["audit_events"], town.app.recorder.max_notification_id()
        everything = list(range(1, head + 1))
        assert index.page(projections.EventFilters(date_from=date.min), limit=head).positions == everything
        assert index.page(projections.EventFilters(date_to=date.max), limit=head).positions == everything
        assert index.page(projections.EventFilters(date_from=date.max, date_to=date.max)).positions == []

    def test_a_past_moment_is_replayed_without_the_index(self, town, clock):
        past = projections.as_of(town.app, clock.now())
        try:
            assert "audit_events" not in past.projections
            assert projections.stage_counts(past["outreach"]) == projections.stage_counts(town.outreach)
        finally:
            past.datastore.engine.dispose()


def test_every_published_name_is_importable_from_the_package():
    missing = [name for name in projections.__all__ if not hasattr(projections, name)]
    assert missing == [] and len(projections.__all__) == len(set(projections.__all__))


class TestDanishFolding:
    @pytest.mark.parametrize(
        ("text", "folded"),
        [
            ("Bøgely", "bogely"),
            ("boegely", "bogely"),
            ("Ålborg  Æblehave", "alborg ablehave"),
            ("Aalborg", "alborg"),
            ("Café", "cafe"),
        ],
    )
    def test_one_fold_for_both_spellings(self, text, folded):
        assert projections.fold(text) == folded

    @pytest.mark.parametrize("text", ["mork", "moerk", "MØRK", "karin mørk"])
    def test_names_are_found_by_either_spelling(self, town, text):
        assert [p["name"] for p in projections.contacts_named(town.outreach, text)] == ["Karin Mørk"]
        found = projections.search_companies(town.outreach, text).rows
        assert [r["company_id"] for r in found] == [town.soltoft]

    def test_a_company_name_with_a_danish_letter(self, town):
        bogely = town.app.register_company(town.team.recruiter, name="Bøgely Plejehjem", industry="care")
        town.projector.catch_up()
        for text in ("bogely", "boegely", "Bøgely"):
            assert [c["company_id"] for c in projections.companies_named(town.outreach, text)] == [bogely]
            assert [r["company_id"] for r in projections.search_companies(town.outreach, text).rows] == [bogely]

    def test_few_matches_sorted_whole_page_as_many_read_in_order(self, town, monkeypatch):
        """A search matching few companies reads them all and sorts them; one matching many reads the list
        in order: the same rows, order, pages and count either way."""
        app, recruiter = town.app, town.team.recruiter
        for n, industry in enumerate(("care", "transport", "care", "production", "care", "transport")):
            company = app.register_company(recruiter, name=f"Bøgely {n % 4} Hjem", industry=industry)
            if n % 2:
                app.log_attempt(recruiter, company, "call", "no_answer", next_follow_up=MONDAY + timedelta(days=n))
        app.register_contact(recruiter, town.bakery, "Anne Boegely", "hr")
        town.projector.catch_up()

        def pages(sort, descending):
            found = [projections.search_companies(town.outreach, "bogely", sort, descending, p, 3) for p in (1, 2, 3)]
            return [([r["company_id"] for r in f.rows], f.total, f.capped) for f in found]

        keys = [(sort, descending) for sort in projections.SORT_KEYS for descending in (False, True)]
        sorted_whole = {key: pages(*key) for key in keys}
        monkeypatch.setattr("projections.company_list.SORTED_MATCHES", 0)
        assert {key: pages(*key) for key in keys} == sorted_whole
        by_name = sorted_whole["name", False]
        assert by_name[0][1] == 7 and town.bakery in [company for rows, _, _ in by_name for company in rows]


class TestQueuePage:
    def test_one_page_of_a_section_in_the_queue_order(self, town, clock):
        app, recruiter = town.app, town.team.recruiter
        day = MONDAY + timedelta(days=30)
        for n in range(5):
            company = app.register_company(recruiter, name=f"Kø {n}", industry="care", owner_id=recruiter)
            app.log_attempt(recruiter, company, "call", "no_answer", next_follow_up=MONDAY + timedelta(days=2 + n))
        town.projector.catch_up()
        whole = projections.my_day(town.outreach, recruiter, day)["overdue"]
        pages = [
            projections.queue_page(town.outreach, recruiter, day, "overdue", page, per_page=2) for page in (1, 2, 3)
        ]
        assert [r["company_id"] for page in pages for r in page] == [r["company_id"] for r in whole]
        assert [len(page) for page in pages] == [2, 2, len(whole) - 4]
        assert projections.queue_page(town.outreach, recruiter, day, "overdue", 10**9, per_page=2) == []

    def test_call_mode_offers_the_sections_of_the_call_list_in_its_order(self, town, clock):
        """Overdue, due today, then no next step, each as the call list orders it (no next step: the company
        left alone longest first, whatever its name), as many as asked, those left out skipped."""
        app, recruiter = town.app, town.team.recruiter
        day = MONDAY + timedelta(days=30)
        for name, follow_up in (("Forfalden", day - timedelta(days=3)), ("I dag", day), ("Igår", day - timedelta(1))):
            company = app.register_company(recruiter, name=name, industry="care", owner_id=recruiter)
            app.log_attempt(recruiter, company, "call", "no_answer", next_follow_up=follow_up)
        for name in ("Ørsted Pleje", "Aalborg Pleje"):  # left alone the longest first: not in the names' order
            company = app.register_company(recruiter, name=name, industry="care", owner_id=recruiter)
            app.log_attempt(recruiter, company, "call", "no_answer")
            clock.advance(timedelta(days=1))
        town.projector.catch_up()
        listed = projections.call_list(town.outreach, recruiter, day)
        expected = [row["company_id"] for section in projections.TO_CALL for row in listed[section]]
        assert [r["name"] for r in listed["no_next_step"]][-2:] == ["Ørsted Pleje", "Aalborg Pleje"]

        def offered(**kwargs):
            return projections.to_call(town.outreach, recruiter, day, called_since=clock.now(), **kwargs)

        assert offered(limit=len(expected) + 5) == expected and len(expected) >= 5
        assert offered(limit=2) == expected[:2] and offered(limit=4) == expected[:4]
        assert offered(leave_out={expected[0], expected[3]}, limit=100) == expected[1:3] + expected[4:]


class TestCallListOrder:
    """The call list orders by the company's most urgent live lead and whether a decision maker is known:
    columns the outreach view keeps on the company's row, which must follow every lead and contact."""

    DAY = MONDAY + timedelta(days=3)

    def expected(self, town, company_ids):
        """Each company's lead rank and known decision maker as the leads and the contacts say, and the
        due-today section in the call list's order worked out from them."""
        leads = town.projector["leads"]
        people = projections.current_contacts(town.outreach, company_ids)
        facts = {}
        for company_id in company_ids:
            live = [lead["urgency"] for lead in leads.of_company(company_id) if lead["status"] != "declined"]
            rank = min((URGENCY_RANK[urgency] for urgency in live), default=len(URGENCY_RANK))
            known = any(person["is_decision_maker"] for person in people[company_id])
            facts[company_id] = (rank, known)
        rows = {row["company_id"]: row for row in projections.call_list(town.outreach, None, self.DAY)["due_today"]}
        order = sorted(
            company_ids,
            key=lambda c: (
                facts[c][0],
                STAGE_RANK[rows[c]["stage"]],
                not facts[c][1],
                rows[c]["name"],
                c,
            ),
        )
        return facts, order

    def check(self, town, company_ids):
        town.projector.catch_up()
        facts, order = self.expected(town, company_ids)
        listed = projections.call_list(town.outreach, town.team.recruiter, self.DAY)["due_today"]
        assert [row["company_id"] for row in listed] == order
        for row in listed:
            rank, known = facts[row["company_id"]]
            assert (row["lead_urgency"], row["decision_maker_known"]) == (RANK_TO_URGENCY.get(rank), known)
            swapped = projections.call_row(town.outreach, row["company_id"], self.DAY)
            assert (swapped["lead_urgency"], swapped["decision_maker_known"]) == (RANK_TO_URGENCY.get(rank), known)
        limited = projections.call_list(town.outreach, town.team.recruiter, self.DAY, limit=2)["due_today"]
        assert [row["company_id"] for row in limited] == order[:2]
        offered = projections.to_call(town.outreach, town.team.recruiter, self.DAY, called_since=datetime.now(UTC))
        assert [c for c in offered if c in company_ids] == order
        return facts

    def test_the_order_follows_leads_shared_claimed_and_declined_and_decision_makers_added_and_gone(self, town):
        app, recruiter, consultant = town.app, town.team.recruiter, town.team.consultant
        # Registered, with people and leads, before the view applies any of it: one batch.
        ids = [app.register_company(recruiter, name=f"Ring {n}", industry="care", owner_id=recruiter) for n in range(5)]
        for company_id in ids:
            app.log_attempt(recruiter, company_id, "call", "no_answer", next_follow_up=self.DAY)
        decider = app.register_contact(recruiter, ids[3], "Kim Dam", "top_management", is_decision_maker=True)
        other = app.register_contact(recruiter, ids[4], "Eva Ny", "hr")
        low = app.share_lead(consultant, ids[2], "Lidt sygefravær", urgency="low")
        facts = self.check(town, ids)
        assert [facts[c] for c in ids] == [(3, False), (3, False), (2, False), (3, True), (3, False)]

        normal = app.share_lead(consultant, ids[0], "Sygefravær", urgency="normal")
        high = app.share_lead(consultant, ids[0], "Højt sygefravær", urgency="high")
        app.share_lead(consultant, ids[0], "Lidt", urgency="low")
        assert self.check(town, ids)[ids[0]] == (0, False)
        app.claim_lead(recruiter, high)
        app.decline_lead(recruiter, normal, reason="Kendt i forvejen")
        assert self.check(town, ids)[ids[0]] == (0, False)  # claimed is still live
        urgent = app.share_lead(consultant, ids[1], "Højt sygefravær", urgency="high")
        app.share_lead(consultant, ids[1], "Sygefravær", urgency="normal")
        assert self.check(town, ids)[ids[1]] == (0, False)
        app.decline_lead(recruiter, urgent, reason="Kendt i forvejen")
        assert self.check(town, ids)[ids[1]] == (1, False)
        app.decline_lead(recruiter, low, reason="Kendt i forvejen")
        assert self.check(town, ids)[ids[2]] == (3, False)

        app.change_contact_role(recruiter, other, "top_management", True)
        assert self.check(town, ids)[ids[4]] == (3, True)
        app.archive_contact(recruiter, decider)
        assert self.check(town, ids)[ids[3]] == (3, False)
        second = app.register_contact(recruiter, ids[4], "Ole Ny", "top_management", is_decision_maker=True)
        app.change_contact_role(recruiter, other, "hr", False)
        assert self.check(town, ids)[ids[4]] == (3, True)  # the other decision maker is still there
        app.erase_contact(town.team.project_lead, second, "art17_1_c_objection", reason="Sag 2026-14")
        assert self.check(town, ids)[ids[4]] == (3, False)

    def test_a_lead_about_a_new_company_ranks_it_in_the_same_batch(self, town):
        app = town.app
        lead = app.share_lead(
            town.team.consultant,
            None,
            "Ny virksomhed med sygefravær",
            urgency="high",
            new_company=NewCompany(name="Ny Vognmand", industry="transport"),
        )
        town.projector.catch_up()
        company_id = town.projector["leads"].lead(lead)["company_id"]
        row = projections.call_row(town.outreach, company_id, self.DAY)
        assert (row["lead_urgency"], row["decision_maker_known"]) == ("high", False)


def test_the_boards_columns_are_one_statement_and_each_column_its_longest_standing_first(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    made = []
    for number in range(7):
        owner = team.recruiter if number % 2 else team.consultant
        made.append(app.register_company(team.recruiter, name=f"Firma {number}", industry="care", owner_id=owner))
        clock.advance(timedelta(hours=5))
        if number >= 4:
            app.log_attempt(team.recruiter, made[-1], "call", "no_answer")
    projector = projections.Projector(app)
    projector.catch_up()
    outreach = projector["outreach"]
    day = MONDAY + timedelta(days=3)
    for per_stage, filters in ((2, {}), (50, {}), (1, {"owner_id": team.recruiter}), (3, {"industry": "care"})):
        with statements_on(outreach.datastore.engine) as statements:
            columns = projections.board(outreach, day, per_stage=per_stage, **filters)
        assert len(statements) == 2  # the counts, and every column's cards
        for stage, column in columns.items():
            # Each column as its own query finds it: the first `per_stage` of the stage, the longest standing first.
            alone = select(companies.c.company_id).where(companies.c.stage == stage)
            for name, value in filters.items():
                alone = alone.where(companies.c[name] == value)
            alone = alone.order_by(companies.c.stage_since, companies.c.name, companies.c.company_id).limit(per_stage)
            expected = [row["company_id"] for row in fetch(outreach, alone)]
            assert [card["company_id"] for card in column["companies"]] == expected
    assert [c["company_id"] for c in projections.board(outreach, day, per_stage=2)["identified"]["companies"]] == made[
        :2
    ]
    assert [c["company_id"] for c in projections.board(outreach, day, per_stage=2)["contacted"]["companies"]] == made[
        4:6
    ]
