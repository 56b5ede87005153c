"""The queue, leads, agreements, partners, the pipeline and the event feed over the API."""

from __future__ import annotations

from datetime import timedelta

from tests.support import hansen_transport
from tests.web.api.conftest import error_of


def test_the_queue_of_a_user_by_section(api, crm, team):
    due = hansen_transport(crm, team.recruiter, owner_id=team.recruiter)
    crm.log_attempt(team.recruiter, due, "call", "call_back", next_follow_up=crm.today())
    idle = hansen_transport(crm, team.recruiter, name="Uden aftale", cvr=None, owner_id=team.recruiter)
    client = api("recruiter")
    today = client.get("/api/v1/queue?due=today").get_json()["items"]
    assert [(row["company_id"], row["section"]) for row in today] == [(str(due), "due_today")]
    none = client.get("/api/v1/queue?due=none").get_json()["items"]
    assert [row["company_id"] for row in none] == [str(idle)]
    assert len(client.get(f"/api/v1/queue?user_id={team.recruiter}").get_json()["items"]) == 2
    assert client.get("/api/v1/queue?due=tomorrow").status_code == 400
    assert api("consultant").get("/api/v1/queue").get_json()["items"] == []


def test_a_lead_is_shared_with_a_new_company_claimed_once_and_declined_by_no_one_after(api):
    shared = api("consultant").post(
        "/api/v1/leads",
        {
            "new_company": {"name": "Bageriet", "industry": "retail"},
            "lead_reason": "Mange sygemeldte",
            "urgency": "high",
        },
    )
    assert shared.status_code == 201
    lead = shared.get_json()
    assert lead["status"] == "open" and shared.headers["Location"].endswith(lead["lead_id"])
    recruiter = api("recruiter")
    assert [row["lead_id"] for row in recruiter.get("/api/v1/leads").get_json()["items"]] == [lead["lead_id"]]
    assert api("consultant").post(f"/api/v1/leads/{lead['lead_id']}/claim").status_code == 403
    claimed = recruiter.post(f"/api/v1/leads/{lead['lead_id']}/claim")
    assert claimed.get_json()["status"] == "claimed"
    again = recruiter.post(f"/api/v1/leads/{lead['lead_id']}/decline", {"reason": "For sent"})
    assert again.status_code == 409 and error_of(again)["code"] == "lead_already_decided"
    assert recruiter.get("/api/v1/leads").get_json()["items"] == []
    assert len(recruiter.get("/api/v1/leads?status=all").get_json()["items"]) == 1


def test_leads_page_by_cursor(api):
    client = api("consultant")
    for number in range(3):
        client.post(
            "/api/v1/leads", {"new_company": {"name": f"Firma {number}", "industry": "retail"}, "lead_reason": "x"}
        )
    first = client.get("/api/v1/leads?limit=2").get_json()
    second = client.get(f"/api/v1/leads?limit=2&cursor={first['next_cursor']}").get_json()
    assert len(first["items"]) == 2 and len(second["items"]) == 1 and second["next_cursor"] is None


def test_an_agreement_from_negotiation_to_completion(api, crm, team):
    company_id = hansen_transport(crm, team.recruiter)
    director = crm.register_contact(team.recruiter, company_id, "Lars Hansen", "top_management", is_decision_maker=True)
    crm.log_attempt(team.recruiter, company_id, "call", "meeting_booked")
    client = api("project_lead")
    opened = client.post("/api/v1/agreements", {"company_id": str(company_id)})
    assert opened.status_code == 201
    agreement = opened.get_json()
    url = f"/api/v1/agreements/{agreement['agreement_id']}"
    not_ready = client.post(f"{url}/sign")
    assert not_ready.status_code == 409 and error_of(not_ready)["code"] == "agreement_not_ready"
    assert client.post(f"{url}/requirements", {"label": "Ledere først"}).status_code == 200
    for requirement in client.get(url).get_json()["requirements"]:
        contact = str(director) if requirement["key"] == "top_management_sponsor" else None
        confirmed = client.post(f"{url}/requirements/{requirement['key']}/confirm", {"contact_id": contact})
        assert confirmed.status_code == 200, confirmed.get_json()
    version = client.get(url).get_json()["version"]
    withdrawn = client.post(
        f"{url}/requirements/rooms_on_site/withdraw", {"reason": "Ingen lokaler", "expected_version": version - 1}
    )
    assert withdrawn.status_code == 409 and error_of(withdrawn)["current_version"] == version
    client.post(f"{url}/requirements/rooms_on_site/withdraw", {"reason": "Ingen lokaler", "expected_version": version})
    client.post(f"{url}/requirements/rooms_on_site/confirm")
    signed = client.post(f"{url}/sign", {})
    assert signed.get_json()["status"] == "signed"
    assert client.get(f"/api/v1/companies/{company_id}").get_json()["stage"] == "partner"
    assert (
        client.post(f"{url}/plan", {"health_checks": 20, "conversations": 10}).get_json()["planned_health_checks"] == 20
    )
    delivered = client.post(f"{url}/deliveries", {"health_checks": 5, "conversations": 2}).get_json()
    assert delivered["delivered_health_checks"] == 5
    assert client.post(f"{url}/feedback", {"focus_points": "Ryg og skuldre"}).status_code == 200
    assert client.post(f"{url}/follow-up", {"note": "Godt forløb"}).status_code == 200
    commitment = client.post(f"{url}/commitments", {"kind": "health_policy", "description": "Politik for sygefravær"})
    assert commitment.status_code == 200, commitment.get_json()
    [first] = commitment.get_json()["commitments"]
    fulfilled = client.post(f"{url}/commitments/{first['commitment_id']}/fulfil")
    assert fulfilled.get_json()["commitments"][0]["state"] == "fulfilled"
    second = client.post(f"{url}/commitments", {"kind": "health_policy", "description": "Ny politik"}).get_json()
    other = next(c for c in second["commitments"] if c["state"] == "open")
    abandoned = client.post(f"{url}/commitments/{other['commitment_id']}/abandon", {"reason": "Droppet"})
    assert {c["state"] for c in abandoned.get_json()["commitments"]} == {"fulfilled", "abandoned"}
    assert api("consultant").post(f"{url}/complete").status_code == 403
    assert client.post(f"{url}/complete").get_json()["status"] == "completed"
    closed = client.post(f"{url}/terminate", {"reason": "x"})
    assert closed.status_code == 409 and error_of(closed)["code"] == "agreement_closed"


def test_partners_are_registered_listed_and_renamed(api):
    client = api("recruiter")
    created = client.post("/api/v1/partners", {"name": "3F Horsens", "kind": "union"})
    assert created.status_code == 201
    partner_id = created.get_json()["partner_id"]
    assert client.patch(f"/api/v1/partners/{partner_id}", {"name": "3F Horsens-Hedensted"}).status_code == 200
    assert [p["name"] for p in api("auditor").get("/api/v1/partners").get_json()["items"]] == ["3F Horsens-Hedensted"]
    assert api("health_consultant").post("/api/v1/partners", {"name": "x", "kind": "union"}).status_code == 403


def test_the_pipeline_now_and_as_it_stood_at_a_past_moment(api, crm, team, clock):
    company_id = hansen_transport(crm, team.recruiter)
    before = clock.now()
    clock.advance(timedelta(hours=1))
    crm.log_attempt(team.recruiter, company_id, "call", "call_back")
    client = api("project_lead")
    now = {c["stage"]: c["count"] for c in client.get("/api/v1/pipeline").get_json()["stages"]}
    assert now["contacted"] == 1 and now["identified"] == 0
    past = client.get(f"/api/v1/pipeline?as_of={before.isoformat().replace('+', '%2B')}").get_json()
    assert {c["stage"]: c["count"] for c in past["stages"]}["identified"] == 1
    assert past["as_of"] == before.isoformat()
    future = client.get(f"/api/v1/pipeline?as_of={(clock.now() + timedelta(days=1)).date().isoformat()}T00:00")
    assert future.status_code == 400 and error_of(future)["field"] == "as_of"


def test_the_event_feed_follows_the_log_in_order_with_chain_links_for_auditors_only(api, crm, team):
    hansen_transport(crm, team.recruiter)
    client = api("auditor")
    first = client.get("/api/v1/events?limit=3").get_json()
    positions = [event["position"] for event in first["items"]]
    assert positions == sorted(positions) and len(positions) == 3 and first["next_after"] == positions[-1]
    assert all(len(event["chain_link"]) == 64 for event in first["items"])
    rest = client.get(f"/api/v1/events?after={first['next_after']}&limit=1000").get_json()
    assert rest["items"][0]["position"] > positions[-1]
    assert rest["items"][-1]["position"] == crm.recorder.max_notification_id()
    assert rest["items"][-1]["timestamp"].endswith("+00:00")
    assert client.get(f"/api/v1/events?after={rest['next_after']}").get_json() == {
        "items": [],
        "next_after": rest["next_after"],
    }
    assert api("recruiter").get("/api/v1/events").status_code == 403
    assert client.get("/api/v1/events?after=-1").status_code == 400
