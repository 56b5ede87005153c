"""Sessions end: at sign-out and a password change (everywhere), when idle, and when too old."""

from datetime import timedelta

from sqlalchemy import text

from crm.users import User
from tests.web.conftest import PASSWORD, WebClient
from web import create_app


def copy_of(app, web: WebClient) -> WebClient:
    """Another browser holding a copy of `web`'s session cookie (as an attacker would)."""
    thief = WebClient(app.test_client())
    thief.client.set_cookie("session", web.client.get_cookie("session").value)
    thief.token = web.token
    return thief


def signed_in(web: WebClient) -> bool:
    return web.get("/my-day").status_code == 200


class TestEndingEverySession:
    def test_a_cookie_copied_before_sign_out_stops_working(self, app, as_role):
        recruiter = as_role("recruiter")
        thief = copy_of(app, recruiter)
        assert signed_in(thief)
        recruiter.post("/logout")
        assert not signed_in(thief) and not signed_in(recruiter)

    def test_signing_out_in_one_browser_signs_out_the_others(self, as_role):
        at_the_desk, on_the_tablet = as_role("recruiter"), as_role("recruiter")
        at_the_desk.post("/logout")
        assert not signed_in(on_the_tablet)

    def test_a_password_change_by_the_admin_ends_the_users_sessions(self, app, as_role, team):
        recruiter = as_role("recruiter")
        response = as_role("admin").post(
            f"/admin/users/{team.recruiter}", data={"action": "password", "password": "hestehave-ved-skoven"}
        )
        assert response.status_code == 303
        assert not signed_in(recruiter)

    def test_an_admin_changing_their_own_password_stays_signed_in_here_only(self, app, as_role, team):
        admin = as_role("admin")
        elsewhere = copy_of(app, admin)
        response = admin.post(f"/admin/users/{team.admin}", data={"action": "password", "password": "ny-lang-kode-77"})
        assert response.status_code == 303
        assert admin.get("/admin/users").status_code == 200
        assert elsewhere.get("/admin/users").status_code == 302


class TestTimeLimits:
    def test_an_idle_session_ends_after_thirty_minutes(self, as_role, clock):
        recruiter = as_role("recruiter")
        clock.advance(timedelta(minutes=29))
        assert signed_in(recruiter)
        clock.advance(timedelta(minutes=29))  # activity above kept it alive
        assert signed_in(recruiter)
        clock.advance(timedelta(minutes=30))
        response = recruiter.get("/my-day")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        login_page = recruiter.get(response.headers["Location"]).get_data(as_text=True)
        assert "Du blev logget ud efter 30 minutter uden aktivitet" in login_page
        assert "Log ind for at se siden" not in login_page  # one message is enough

    def test_a_visitor_who_never_signed_in_is_asked_to_in_danish(self, web):
        response = web.get("/my-day")
        assert "/login?next=" in response.headers["Location"]
        assert "Log ind for at se siden." in web.get(response.headers["Location"]).get_data(as_text=True)

    def test_a_busy_session_still_ends_at_its_absolute_lifetime(self, app, as_role, clock):
        recruiter = as_role("recruiter")
        for _ in range(app.config["SESSION_HOURS"] * 3 - 1):
            clock.advance(timedelta(minutes=20))
            assert signed_in(recruiter)
        clock.advance(timedelta(minutes=20))
        response = recruiter.get("/my-day")
        assert response.status_code == 302
        login_page = recruiter.get(response.headers["Location"]).get_data(as_text=True)
        assert "Din session er udløbet efter 10 timer. Log ind igen." in login_page

    def test_a_form_sent_after_the_session_ended_changes_nothing_and_asks_to_sign_in(self, as_role, clock, crm, team):
        recruiter = as_role("recruiter")
        clock.advance(timedelta(minutes=31))
        response = recruiter.post("/language", data={"language": "en", "next": "/my-day"})
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        assert crm.load(User, team.recruiter).language is None

    def test_the_csrf_token_dies_with_the_session(self, as_role, clock, crm, team):
        recruiter = as_role("recruiter")
        old_token = recruiter.token
        clock.advance(timedelta(minutes=31))
        recruiter.get("/my-day")  # the session ends here
        recruiter.login("recruiter")
        response = recruiter.post("/language", data={"language": "en", "csrf_token": old_token})
        assert response.status_code == 400
        assert crm.load(User, team.recruiter).language is None

    def test_an_htmx_request_of_an_ended_session_reloads_the_sign_in_page(self, as_role, clock):
        recruiter = as_role("recruiter")
        clock.advance(timedelta(minutes=31))
        response = recruiter.htmx_get("/companies?q=hansen", "company-rows")
        assert response.headers["HX-Redirect"] == "/login"

    def test_the_limits_are_configurable(self, tmp_path, monkeypatch, clock):
        monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path / "instance"))
        monkeypatch.setenv("CRM_IDLE_MINUTES", "5")
        monkeypatch.setenv("CRM_SESSION_HOURS", "2")
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'limits.sqlite3'}", "CLOCK": clock})
        try:
            assert (app.config["IDLE_MINUTES"], app.config["SESSION_HOURS"]) == (5, 2)
            assert app.config["WTF_CSRF_TIME_LIMIT"] == 2 * 3600
        finally:
            app.extensions["crm"].crm.factory.datastore.engine.dispose()


class TestThrottleOnTheWeb:
    def sign_in(self, web: WebClient, password: str, username: str = "mette"):
        token = web._token(web.get("/login").get_data(as_text=True))
        return web.client.post("/login", data={"username": username, "password": password, "csrf_token": token})

    def test_the_fifth_wrong_password_locks_the_account_with_a_danish_message(self, web):
        answers = [self.sign_in(web, "forkert-kode").status_code for _ in range(5)]
        assert answers == [401, 401, 401, 401, 429]
        refused = self.sign_in(web, PASSWORD)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) == 15 * 60
        # Locked at 9:00 in Copenhagen, for a quarter of an hour.
        assert "For mange mislykkede forsøg på at logge ind. Prøv igen efter kl. 09:15." in refused.get_data(
            as_text=True
        )

    def test_an_unknown_name_gets_the_same_answers(self, web):
        answers = [self.sign_in(web, "forkert-kode", username="ukendt").status_code for _ in range(6)]
        assert answers == [401, 401, 401, 401, 429, 429]


def test_signing_in_does_not_need_the_users_read_model(app, web, crm, team):
    """A read model that is behind or has failed must not keep anyone out."""
    with crm.factory.datastore.engine.begin() as connection:
        connection.execute(text("DROP VIEW rm_users"))  # the logical name is a view over its generation
    recruiter = web.login("recruiter")
    response = recruiter.post("/language", data={"language": "en", "next": "/login"})
    assert response.status_code == 302
    assert crm.load(User, team.recruiter).language == "en"


def test_a_sign_in_and_a_sign_out_are_logged_with_the_address(as_role, crm, team):
    as_role("recruiter").post("/logout")
    entries = crm.sign_in_log.entries(username="mette")
    assert [(e["event"], e["user_id"], e["address"]) for e in entries[:2]] == [
        ("signed_out", team.recruiter, "127.0.0.1"),
        ("signed_in", team.recruiter, "127.0.0.1"),
    ]
