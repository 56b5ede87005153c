from crm.users import User


def test_the_admin_sees_every_user(as_role):
    page = as_role("admin").get("/admin/users")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Mette Kjær" in html and "Birgit Holm" in html


def test_an_admin_adds_a_user_who_can_then_sign_in(as_role, app, crm):
    admin = as_role("admin")
    response = admin.post(
        "/admin/users",
        data={
            "username": "Ole",
            "display_name": "Ole Dam",
            "department": "job_centre",
            "role": "consultant",
            "password": "kaffe-paa-kontoret-7",
        },
    )
    assert response.status_code == 303
    assert crm.verify_password("ole", "kaffe-paa-kontoret-7") == crm.user_id_for("ole")
    assert "Brugeren ole er oprettet." in admin.get("/admin/users").get_data(as_text=True)


def test_a_taken_username_is_refused_with_a_danish_message(as_role, crm):
    admin = as_role("admin")
    before = crm.recorder.max_notification_id()
    response = admin.post(
        "/admin/users",
        data={
            "username": "mette",
            "display_name": "Anden Mette",
            "department": "health",
            "role": "recruiter",
            "password": "hemmelig-kode",
        },
    )
    assert response.status_code == 200
    assert "findes allerede" in response.get_data(as_text=True).lower()
    assert crm.recorder.max_notification_id() == before


def test_disabling_a_user_over_htmx_returns_the_table_fragment(as_role, crm, team):
    admin = as_role("admin")
    response = admin.post(f"/admin/users/{team.recruiter}", data={"action": "disable"}, htmx_target="user-admin")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and 'id="user-admin"' in html
    assert "HX-Request" in response.headers["Vary"]
    assert crm.load(User, team.recruiter).active is False


def test_a_disabled_user_is_signed_out_on_the_next_request(as_role, team):
    recruiter = as_role("recruiter")
    as_role("admin").post(f"/admin/users/{team.recruiter}", data={"action": "disable"})
    assert recruiter.get("/admin/users").status_code in (302, 401)


def test_a_recruiter_cannot_administer_users(as_role, team):
    recruiter = as_role("recruiter")
    assert recruiter.get("/admin/users").status_code == 403
    assert recruiter.post(f"/admin/users/{team.auditor}", data={"action": "disable"}).status_code == 403


def test_an_auditors_post_is_refused(as_role, team):
    assert as_role("auditor").post(f"/admin/users/{team.recruiter}", data={"action": "disable"}).status_code == 403


def test_a_post_without_csrf_token_is_refused(as_role, crm, team):
    response = as_role("admin").post(f"/admin/users/{team.recruiter}", data={"action": "disable"}, with_token=False)
    assert response.status_code == 400
    assert crm.load(User, team.recruiter).active is True


def test_a_short_first_password_refuses_the_new_user_and_stores_nothing(as_role, crm):
    before = crm.recorder.max_notification_id()
    response = as_role("admin").post(
        "/admin/users",
        data={
            "username": "ole",
            "display_name": "Ole Dam",
            "department": "job_centre",
            "role": "consultant",
            "password": "kort",
        },
    )
    assert response.status_code == 200 and "mindst 12 tegn" in response.get_data(as_text=True)
    assert crm.recorder.max_notification_id() == before
