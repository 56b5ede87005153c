from tests.web.conftest import PASSWORD


def test_the_login_page_is_in_danish_by_default(web):
    page = web.get("/login").get_data(as_text=True)
    assert '<html lang="da">' in page and "Log ind" in page


def test_a_wrong_password_is_refused_with_a_message(web):
    token = web._token(web.get("/login").get_data(as_text=True))
    response = web.client.post("/login", data={"username": "mette", "password": "forkert-kode", "csrf_token": token})
    assert response.status_code == 401
    assert "Forkert brugernavn eller adgangskode" in response.get_data(as_text=True)


def test_a_login_without_the_csrf_token_is_refused(web):
    response = web.client.post("/login", data={"username": "mette", "password": PASSWORD})
    assert response.status_code == 400


def test_pages_need_a_signed_in_user(web):
    response = web.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_signing_in_lands_each_role_on_its_start_page(as_role):
    assert as_role("recruiter").get("/").headers["Location"].endswith("/my-day")


def test_a_user_switches_to_english_and_it_is_remembered(as_role, crm, team):
    recruiter = as_role("recruiter")
    response = recruiter.post("/language", data={"language": "en", "next": "/login"})
    assert response.status_code == 302
    page = recruiter.get("/my-day").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign out" in page
    # Check it is the user's choice, kept in the event store: a new session is English too.
    from crm.users import User

    assert crm.load(User, team.recruiter).language == "en"


def test_signing_out_ends_the_session(as_role):
    recruiter = as_role("recruiter")
    recruiter.post("/logout")
    assert recruiter.get("/my-day").status_code == 302
