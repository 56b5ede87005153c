"""The plan and delivery forms carry the agreement's version: a second editor does not silently overwrite the first."""

from __future__ import annotations

import re

from tests.web.test_agreements import agreement, director, hansen, load, section, sign_ready

__all__ = ["agreement", "director", "hansen"]  # the fixtures, shared with test_agreements.py


def test_a_plan_saved_over_a_newer_one_is_refused_and_the_newer_one_is_shown(as_role, crm, team, agreement, director):
    sign_ready(crm, team, agreement, director)
    page = as_role("health_consultant").get(f"/agreements/{agreement}").get_data(as_text=True)
    shown = re.search(r'action="/agreements/[^"]+/plan".*?name="version" value="(\d+)"', page, re.S)
    assert shown and int(shown.group(1)) == load(crm, agreement).version
    crm.plan_services(team.project_lead, agreement, 40, 25)  # the first editor
    response = as_role("health_consultant").post(
        f"/agreements/{agreement}/plan", {"health_checks": "10", "conversations": "5", "version": shown.group(1)}
    )
    delivery = section(response.get_data(as_text=True), "delivery")
    assert "En anden har ændret samme samarbejdsaftale i mellemtiden" in delivery
    assert (load(crm, agreement).planned["health_checks"], load(crm, agreement).planned["conversations"]) == (40, 25)


def test_a_delivery_counted_on_a_stale_page_is_refused(as_role, crm, team, agreement, director):
    sign_ready(crm, team, agreement, director)
    stale = load(crm, agreement).version
    crm.record_delivery(team.health_consultant, agreement, conversations=3)
    response = as_role("health_consultant").post(
        f"/agreements/{agreement}/deliveries", {"conversations": "3", "version": str(stale)}
    )
    assert "En anden har ændret samme samarbejdsaftale i mellemtiden" in section(
        response.get_data(as_text=True), "delivery"
    )
    assert load(crm, agreement).delivered["conversations"] == 3
