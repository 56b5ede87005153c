def test_a_wrong_password_shows_the_reason_in_danish(page, live_app):
    page.goto(live_app.config["LIVE_URL"] + "/login")
    page.get_by_label("Brugernavn").fill("mette")
    page.get_by_label("Adgangskode").fill("forkert-kode")
    page.get_by_role("button", name="Log ind").click()
    assert page.get_by_role("alert").inner_text() == "Forkert brugernavn eller adgangskode."
