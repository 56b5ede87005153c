"""Webhook subscribers over the API: an administrator registers, lists, stops, and reads the delivery attempts."""

from __future__ import annotations

from datetime import timedelta

from crm.webhook_delivery import deliver
from tests.integration.test_webhooks import Receiver
from tests.support import hansen_transport
from tests.web.api.conftest import error_of


def test_an_administrator_registers_a_subscriber_and_reads_its_deliveries(api, crm, team):
    receiver = Receiver(failures=1)
    try:
        admin = api("admin")
        created = admin.post("/api/v1/webhooks", {"url": receiver.url, "event_types": ["Company.Registered"]})
        assert created.status_code == 201
        webhook = created.get_json()
        assert webhook["secret"] and webhook["event_types"] == ["Company.Registered"]
        assert all("secret" not in row for row in admin.get("/api/v1/webhooks").get_json()["items"])
        hansen_transport(crm, team.recruiter)
        deliver(crm)
        crm.clock.advance(timedelta(seconds=10))
        deliver(crm)
        url = f"/api/v1/webhooks/{webhook['webhook_id']}/deliveries"
        first = admin.get(f"{url}?limit=1").get_json()
        assert [row["delivered"] for row in first["items"]] == [True]
        rest = admin.get(f"{url}?cursor={first['next_cursor']}").get_json()
        assert [(row["delivered"], row["status"]) for row in rest["items"]] == [(False, 500)]
        assert admin.delete(f"/api/v1/webhooks/{webhook['webhook_id']}").status_code == 204
        assert admin.get("/api/v1/webhooks").get_json()["items"][0]["active"] is False
    finally:
        receiver.close()


def test_only_an_administrator_manages_subscribers_and_bad_input_names_its_field(api):
    assert api("project_lead").get("/api/v1/webhooks").status_code == 403
    bad = api("admin").post("/api/v1/webhooks", {"url": "ftp://x", "event_types": ["*"]})
    assert bad.status_code == 422 and error_of(bad)["field"] == "url"
