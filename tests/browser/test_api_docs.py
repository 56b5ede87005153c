"""The API's browsable page: built from our own files out of the OpenAPI document, under the security policy."""

from __future__ import annotations

from playwright.sync_api import expect

from web.api.operations import OPERATIONS


def test_the_page_lists_every_operation_and_opens_one_without_a_policy_violation(page, live_app):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(live_app.config["LIVE_URL"] + "/api/v1/docs")
    expect(page.locator("#tag-companies")).to_be_visible()
    assert page.locator("#operations details").count() == len(OPERATIONS)
    page.locator("#op-create_company summary").click()
    expect(page.locator("#op-create_company")).to_contain_text("Idempotency-Key")
    page.locator("#op-create_company a", has_text="CompanyCreate").click()
    assert errors == []
