def test_a_wrong_password_shows_the_reason_in_danish(page, live_app):
    page.goto(live_app.config["LIVE_URL"] + "/login")
    page.get_by_label("Brugernavn").fill("mette")
    page.get_by_label("Adgangskode").fill("forkert-kode")
    page.get_by_role("button", name="Log ind").click()
    assert page.get_by_role("alert").inner_text() == "Forkert brugernavn eller adgangskode."


def test_a_recruiter_signs_in_and_switches_the_interface_to_english_and_back(sign_in):
    page = sign_in("recruiter")
    # Check the recruiter lands on their day, in Danish.
    assert page.url.endswith("/my-day")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Min dag")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text().startswith("My day")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Dansk").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Min dag")
