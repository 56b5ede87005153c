"""The project lead's erasure screen: who may, what it asks, and "slettet person" everywhere after it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from crm.clock import COPENHAGEN
from crm.contacts import Contact
from tests.support import hansen_transport


@pytest.fixture
def birthe(crm, team):
    company = hansen_transport(crm, team.recruiter, owner_id=team.recruiter)
    contact = crm.register_contact(team.recruiter, company, "Birthe Kjærgaard", "hr", "29876543", "birthe@hansen.dk")
    crm.log_attempt(team.recruiter, company, "call", "no_answer", contact_id=contact)
    return company, contact


def test_only_the_project_lead_sees_the_link_and_the_screen(as_role, birthe):
    company, contact = birthe
    lead = as_role("project_lead")
    assert f"/privacy/contacts/{contact}/erase" in lead.get(f"/companies/{company}").get_data(as_text=True)
    recruiter = as_role("recruiter")
    assert f"/privacy/contacts/{contact}/erase" not in recruiter.get(f"/companies/{company}").get_data(as_text=True)
    assert recruiter.get(f"/privacy/contacts/{contact}/erase").status_code == 403
    page = lead.get(f"/privacy/contacts/{contact}/erase").get_data(as_text=True)
    assert "Slet en person" in page and "Birthe Kjærgaard hos Hansen Transport ApS" in page and "Retsgrundlag" in page


def test_erasing_asks_for_a_reason_then_every_screen_shows_an_erased_person(as_role, crm, birthe):
    company, contact = birthe
    lead = as_role("project_lead")
    missing = lead.post(f"/privacy/contacts/{contact}/erase", {"legal_basis": "art17_1_c_objection", "reason": ""})
    assert missing.status_code == 200 and "Begrundelse" in missing.get_data(as_text=True)
    assert not crm.load(Contact, contact).erased

    done = lead.post(
        f"/privacy/contacts/{contact}/erase", {"legal_basis": "art17_1_c_objection", "reason": "Sag 2026-14"}
    )
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/companies/{company}")
    assert crm.load(Contact, contact).erased

    company_page = lead.get(f"/companies/{company}").get_data(as_text=True)
    assert "Personen er slettet" in company_page and "slettet person" in company_page
    assert "Birthe" not in company_page and "29876543" not in company_page
    timeline = lead.get(f"/companies/{company}/timeline").get_data(as_text=True)
    assert "Birthe" not in timeline and "slettet person" in timeline
    events = lead.get("/audit/").get_data(as_text=True)
    assert "Birthe" not in events and "slettede en person hos Hansen Transport ApS" in events
    assert "indsigelse" in events and "Sag 2026-14" in events
    history = lead.get(f"/audit/history?id={contact}").get_data(as_text=True)
    assert "Birthe" not in history and "slettet person" in history


def test_the_texts_naming_the_person_are_listed_and_the_chosen_ones_redacted(as_role, crm, team, birthe):
    company, contact = birthe
    crm.log_attempt(
        team.recruiter, company, "call", "no_answer", note="Birthe bad mig ringe tilbage", contact_id=contact
    )
    crm.log_attempt(team.recruiter, company, "call", "no_answer", note="Ingen svarede")
    lead = as_role("project_lead")
    page = lead.get(f"/privacy/contacts/{contact}/erase").get_data(as_text=True)
    assert "Fritekster, der nævner personen" in page
    assert "Birthe bad mig ringe tilbage" in page and "Ingen svarede" not in page
    chosen = re.search(r'name="text" value="([^"]+)"', page).group(1)

    done = lead.post(f"/privacy/contacts/{contact}/redact", {"text": chosen, "reason": "Sag 2026-14"})
    assert done.status_code == 302
    page = lead.get(f"/privacy/contacts/{contact}/erase").get_data(as_text=True)
    assert "1 tekster fjernet" in page and "Birthe bad mig ringe tilbage" not in page
    company_page = lead.get(f"/companies/{company}").get_data(as_text=True)
    assert "bad mig ringe" not in company_page and "Ingen svarede" in company_page
    events = lead.get("/audit/?aggregate=attempt").get_data(as_text=True)
    assert "Henrik Bach fjernede en tekst (note) efter anmodning: Sag 2026-14" in events


def without_token(page: str) -> str:
    """The page without its CSRF token, in forms, in the meta tag and in htmx's request headers."""
    page = re.sub(r'(name="csrf[-_]token" (?:value|content)=")[^"]+"', r'\1"', page)
    return re.sub(r'("X-CSRFToken": ")[^"]+"', r'\1"', page)


def test_the_past_seen_before_an_erasure_is_not_shown_again_after_it(app, as_role, crm, team, clock, birthe):
    """A replay of a moment is kept for the next look (projections/replays.py), but never past an erasure."""
    company, _ = birthe
    contact = crm.register_contact(team.recruiter, company, "Bent Bøgh", "top_management", "20202020")
    agreement = crm.open_agreement(team.recruiter, company)
    crm.confirm_requirement(team.recruiter, agreement, "top_management_sponsor", contact_id=contact)
    clock.advance(timedelta(hours=1))
    moment = (clock.now() - timedelta(minutes=30)).astimezone(COPENHAGEN).strftime("%Y-%m-%dT%H:%M")
    lead, auditor, kept = as_role("project_lead"), as_role("auditor"), app.extensions["crm"].replays
    before = auditor.get(f"/audit/as-of?moment={moment}").get_data(as_text=True)
    again = auditor.get(f"/audit/as-of?moment={moment}").get_data(as_text=True)
    # The same page (the CSRF token aside: it carries the second it was signed in).
    assert "Bent Bøgh" in before and without_token(again) == without_token(before) and kept.made == 1

    lead.post(f"/privacy/contacts/{contact}/erase", {"legal_basis": "art17_1_c_objection", "reason": "Sag 2026-15"})
    after = auditor.get(f"/audit/as-of?moment={moment}").get_data(as_text=True)
    assert "Bent" not in after and "slettet person" in after and kept.made == 2


def test_with_a_worker_the_redaction_leaves_the_rebuild_to_it_and_the_page_says_so(app, as_role, crm, team, birthe):
    """The rebuild of every view takes minutes on a large log: with a projection worker the request does not wait
    for it (projections/redactions.py); until it is done the page says the texts may still show."""
    app.config["PROJECTION_WORKER"] = True
    projector = app.extensions["crm"].projector
    company, contact = birthe
    note = "Birthe bad mig ringe tilbage"
    crm.log_attempt(team.recruiter, company, "call", "no_answer", note=note, contact_id=contact)
    projector.catch_up()  # the worker's part, here and below
    lead = as_role("project_lead")
    page = lead.get(f"/privacy/contacts/{contact}/erase").get_data(as_text=True)
    chosen = re.search(r'name="text" value="([^"]+)"', page).group(1)

    done = lead.post(f"/privacy/contacts/{contact}/redact", {"text": chosen, "reason": "Sag 2026-14"})
    assert done.status_code == 302
    projector.catch_up()
    page = lead.get(f"/privacy/contacts/{contact}/erase").get_data(as_text=True)
    assert "1 tekster fjernet. De forsvinder fra alle skærmbilleder" in page
    assert "Fjernede tekster kan stadig ses" in page and note in page  # the live views keep it until rebuilt

    assert projector.rebuild_for_redactions() == []
    page = lead.get(f"/privacy/contacts/{contact}/erase").get_data(as_text=True)
    assert note not in page and "Fjernede tekster kan stadig ses" not in page
    assert "bad mig ringe" not in lead.get(f"/companies/{company}").get_data(as_text=True)
