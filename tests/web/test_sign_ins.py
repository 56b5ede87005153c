"""The sign-in log screen, for the administrator and the auditor."""

import pytest

from tests.web.conftest import WebClient


def fail_to_sign_in(app, username: str, address: str = "192.0.2.1") -> None:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    web = WebClient(client)
    token = web._token(web.get("/login").get_data(as_text=True))
    web.client.post("/login", data={"username": username, "password": "forkert-kode", "csrf_token": token})


@pytest.mark.parametrize("role", ["admin", "auditor"])
def test_the_admin_and_the_auditor_read_every_sign_in_and_failure_in_danish(app, as_role, role):
    fail_to_sign_in(app, "Ukendt-Person")
    page = as_role(role).get("/sign-ins/").get_data(as_text=True)
    assert "<h1>Loginlog</h1>" in page
    assert "ukendt-person" in page and "Forkert brugernavn eller adgangskode" in page
    assert "Logget ind" in page and "192.0.2.1" in page and "127.0.0.1" in page


def test_a_password_change_names_who_made_it(as_role, team):
    admin = as_role("admin")
    admin.post(f"/admin/users/{team.recruiter}", data={"action": "password", "password": "hestehave-ved-skoven"})
    page = admin.get("/sign-ins/?event=password_changed").get_data(as_text=True)
    assert "Adgangskode skiftet" in page and "af Anne Admin" in page
    assert "Logget ind" not in page.split('id="sign-in-log"')[1]


def test_the_log_is_filtered_by_the_name_tried_over_htmx(app, as_role):
    fail_to_sign_in(app, "ukendt")
    response = as_role("auditor").htmx_get("/sign-ins/?name=UKENDT", "sign-in-log")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and 'id="sign-in-log"' in html
    assert "HX-Request" in response.headers["Vary"]
    assert "ukendt" in html and "birgit" not in html


def test_a_lock_out_is_shown_with_what_was_locked(app, as_role):
    for _ in range(5):
        fail_to_sign_in(app, "mette")
    page = as_role("admin").get("/sign-ins/?event=locked_out").get_data(as_text=True)
    assert "Spærret" in page and "(kontoen)" in page


def test_the_log_is_in_english_for_an_english_user(as_role):
    auditor = as_role("auditor")
    auditor.post("/language", data={"language": "en", "next": "/sign-ins/"})
    page = auditor.get("/sign-ins/").get_data(as_text=True)
    assert "<h1>Sign-in log</h1>" in page and "Signed in" in page


def test_an_older_page_follows_the_newest(app, as_role):
    for number in range(101):
        fail_to_sign_in(app, f"navn{number:03d}", address=f"192.0.2.{number}")
    admin = as_role("admin")
    first = admin.get("/sign-ins/?event=failed").get_data(as_text=True)
    assert "navn100" in first and "navn000" not in first and 'rel="next"' in first
    older_link = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    older = admin.get(older_link).get_data(as_text=True)
    assert "navn000" in older and "navn100" not in older


@pytest.mark.parametrize("role", ["recruiter", "consultant", "health_consultant", "project_lead"])
def test_the_other_roles_may_not_read_it(as_role, role):
    assert as_role(role).get("/sign-ins/").status_code == 403
