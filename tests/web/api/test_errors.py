"""Every refusal in one JSON shape, with the write side's codes, in the caller's language (Danish by default)."""

from __future__ import annotations

from uuid import uuid4

from tests.web.api.conftest import error_of


def test_bad_input_names_the_field_in_danish_by_default_and_in_english_on_request(api):
    danish = api("recruiter").post("/api/v1/companies", {"name": "X", "industry": "transport", "cvr": "12345678"})
    assert danish.status_code == 422
    error = error_of(danish)
    assert error["code"] == "invalid_cvr" and error["field"] == "cvr"
    english = api("recruiter", "en-GB,en;q=0.8").post(
        "/api/v1/companies", {"name": "X", "industry": "transport", "cvr": "12345678"}
    )
    assert error_of(english)["code"] == "invalid_cvr"
    assert error_of(english)["message"] != error["message"]
    assert "valid CVR number" in error_of(english)["message"]


def test_a_value_the_write_side_refuses_is_a_422_with_its_field(api):
    response = api("recruiter").post("/api/v1/companies", {"name": "X", "industry": "no such industry"})
    assert response.status_code == 422
    assert error_of(response) | {"message": ""} == {"code": "invalid_input", "field": "industry", "message": ""}


def test_a_body_not_of_the_schema_is_a_422_naming_the_field(api):
    client = api("recruiter")
    missing = client.post("/api/v1/companies", {"industry": "transport"})
    assert missing.status_code == 422 and error_of(missing)["field"] == "name"
    extra = client.post("/api/v1/companies", {"name": "X", "industry": "transport", "colour": "red"})
    assert extra.status_code == 422 and error_of(extra)["field"] == "colour"
    wrong_kind = client.post("/api/v1/companies", {"name": ["X"], "industry": "transport"})
    assert wrong_kind.status_code == 422 and error_of(wrong_kind)["field"] == "name"


def test_a_body_that_is_not_json_is_a_400(api):
    response = api("recruiter").post("/api/v1/companies", data="{not json")
    assert response.status_code == 400 and error_of(response)["code"] == "bad_request"
    assert api("recruiter").post("/api/v1/companies", data="[1, 2]").status_code == 422


def test_unknown_ids_and_addresses_are_404_and_wrong_methods_405_in_the_same_shape(api):
    client = api("recruiter")
    unknown = client.get(f"/api/v1/companies/{uuid4()}")
    assert unknown.status_code == 404 and error_of(unknown)["code"] == "not_found"
    assert error_of(client.post(f"/api/v1/companies/{uuid4()}/reapproach"))["code"] == "not_found"
    nowhere = client.get("/api/v1/nowhere")
    assert nowhere.status_code == 404 and error_of(nowhere)["code"] == "not_found"
    wrong = client.delete("/api/v1/companies")
    assert wrong.status_code == 405 and error_of(wrong)["code"] == "method_not_allowed"


def test_a_failure_of_ours_is_a_500_in_the_same_shape(app, api, monkeypatch):
    import projections

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(projections, "company", broken)
    response = api("recruiter").get(f"/api/v1/companies/{uuid4()}")
    assert response.status_code == 500 and error_of(response)["code"] == "internal_error"
