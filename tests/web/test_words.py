"""One word for each thing, in Danish: the auditor is a "Revisor", leads are "Tip" throughout, and the
reason for withdrawing a requirement is asked only of someone withdrawing."""

from __future__ import annotations

import re

from tests.web.test_agreements import agreement, director, hansen

__all__ = ["agreement", "director", "hansen"]  # the fixtures, shared with test_agreements.py


def test_the_auditor_is_called_revisor(as_role):
    assert "Birgit Holm · Revisor" in as_role("auditor").get("/audit/").get_data(as_text=True)


def test_the_menu_says_tip(as_role):
    page = as_role("recruiter").get("/my-day").get_data(as_text=True)
    assert re.search(r'<a href="/leads"[^>]*>Tip</a>', page)


def test_the_withdrawal_reason_waits_behind_withdraw(as_role, crm, team, agreement):
    crm.confirm_requirement(team.recruiter, agreement, "rooms_on_site")
    page = as_role("recruiter").get(f"/agreements/{agreement}").get_data(as_text=True)
    details = re.search(
        r'<details class="inline-details withdraw">\s*<summary>Træk tilbage …</summary>(.*?)</details>', page, re.S
    )
    assert details and "Hvorfor er det trukket tilbage?" in details.group(1)
