"""A printable agreement: printed, it shows the terms, the buy-in evidence and the commitments, not the controls."""

from __future__ import annotations

from datetime import date

from tests.support import hansen_transport


def test_the_printed_agreement_keeps_the_terms_and_drops_the_controls(page, sign_in, live_app):
    crm, team = live_app.extensions["crm"].crm, live_app.config["TEAM"]
    mette = team.recruiter
    hansen = hansen_transport(crm, mette, owner_id=mette)
    director = crm.register_contact(mette, hansen, "Birthe Hansen", "top_management", phone="20304050")
    agreement = crm.open_agreement(mette, hansen)
    crm.confirm_requirement(mette, agreement, "top_management_sponsor", contact_id=director)
    crm.add_commitment(mette, agreement, "fruit_scheme", "Frugtordning i kantinen", due_on=date(2026, 6, 1))
    sign_in("project_lead")
    page.goto(f"{live_app.config['LIVE_URL']}/agreements/{agreement}")
    on_screen = page.locator("main form").count()
    assert on_screen > 0 and page.locator("header.topbar").is_visible()

    page.emulate_media(media="print")
    assert not page.locator("header.topbar").is_visible()
    assert all(not form.is_visible() for form in page.locator("main form").all())
    printed = page.locator("main").inner_text()
    assert "Hansen Transport ApS" in printed and "Birthe Hansen" in printed and "Frugtordning i kantinen" in printed
