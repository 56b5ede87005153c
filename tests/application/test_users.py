import pytest

from crm.application import CrmApplication
from crm.errors import AlreadyExists, ConcurrentChange, InvalidInput, NotAllowed, UserDisabled
from crm.permissions import SYSTEM_ACTOR_ID
from crm.persistence import sqlalchemy_env
from crm.users import User
from tests.support import hansen_transport, make_team, statements_on


def test_an_admin_registers_users_with_department_and_role(app):
    team = make_team(app)
    user_id = app.register_user(team.admin, "Ole", "Ole Dam", "job_centre", "consultant")
    user = app.load(User, user_id)
    assert (user.username, user.department, user.role, user.active) == ("ole", "job_centre", "consultant", True)
    assert app.user_id_for("OLE") == user_id


def test_a_username_is_taken_once(app):
    team = make_team(app)
    with pytest.raises(AlreadyExists):
        app.register_user(team.admin, "mette", "Mette Anden", "health", "recruiter")


def test_a_recruiter_cannot_administer_users(app):
    team = make_team(app)
    with pytest.raises(NotAllowed):
        app.register_user(team.recruiter, "ole", "Ole Dam", "health", "recruiter")


def test_an_unknown_role_is_refused(app):
    with pytest.raises(InvalidInput):
        app.register_user(SYSTEM_ACTOR_ID, "ole", "Ole Dam", "health", "boss")


def test_a_disabled_user_can_no_longer_act_and_can_be_enabled_again(app):
    team = make_team(app)
    app.disable_user(team.admin, team.recruiter)
    with pytest.raises(UserDisabled):
        hansen_transport(app, team.recruiter)
    app.enable_user(team.admin, team.recruiter)
    hansen_transport(app, team.recruiter)


def test_an_unknown_actor_is_refused(app):
    from uuid import uuid4

    with pytest.raises(NotAllowed):
        hansen_transport(app, uuid4())


@pytest.mark.parametrize(
    "role, allowed",
    [
        ("recruiter", True),
        ("consultant", True),
        ("health_consultant", True),
        ("project_lead", True),
        ("auditor", False),
        ("admin", False),
    ],
)
def test_who_may_log_outreach(app, role, allowed):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    app.change_user_role(team.admin, team.health_consultant, role)
    if allowed:
        app.log_attempt(team.health_consultant, company_id, "call", "no_answer")
    else:
        with pytest.raises(NotAllowed):
            app.log_attempt(team.health_consultant, company_id, "call", "no_answer")


def test_a_password_is_verified_and_only_the_fact_of_setting_it_is_an_event(app):
    team = make_team(app)
    app.set_password(team.admin, team.recruiter, "kaffe-og-kage")
    assert app.verify_password("Mette", "kaffe-og-kage") == team.recruiter
    assert app.verify_password("mette", "forkert-kode") is None
    for notification in app.recorder.select_notifications(start=1, limit=1000):
        assert b"kaffe" not in notification.state


def test_a_short_password_is_refused_and_nothing_is_recorded(app):
    team = make_team(app)
    before = app.recorder.max_notification_id()
    with pytest.raises(InvalidInput):
        app.set_password(team.admin, team.recruiter, "kort")
    assert app.recorder.max_notification_id() == before


def test_a_disabled_user_cannot_sign_in(app):
    team = make_team(app)
    app.set_password(team.admin, team.recruiter, "kaffe-og-kage")
    app.disable_user(team.admin, team.recruiter)
    assert app.verify_password("mette", "kaffe-og-kage") is None


def test_every_user_may_choose_their_language_and_change_their_own_password(app):
    team = make_team(app)
    app.choose_language(team.auditor, "en")
    app.change_own_password(team.auditor, "revisor-kode")
    assert app.load(User, team.auditor).language == "en"
    assert app.verify_password("birgit", "revisor-kode") == team.auditor
    with pytest.raises(InvalidInput):
        app.choose_language(team.auditor, "klingon")


def test_a_user_registered_with_a_first_password_can_sign_in_at_once(app):
    team = make_team(app)
    before = app.recorder.max_notification_id()
    user_id = app.register_user(
        team.admin, "ole", "Ole Dam", "job_centre", "consultant", password="kaffe-paa-kontoret-7"
    )

    # Check the user and the fact of the password are one save, and the password works.
    stored = list(app.recorder.select_notifications(start=before + 1, limit=10))
    assert [n.topic.rsplit(".", 1)[-1] for n in stored] == ["Registered", "PasswordSet"]
    assert app.verify_password("ole", "kaffe-paa-kontoret-7") == user_id


def test_a_refused_first_password_registers_no_user(app):
    team = make_team(app)
    before = app.recorder.max_notification_id()
    with pytest.raises(InvalidInput):
        app.register_user(team.admin, "ole", "Ole Dam", "job_centre", "consultant", password="kort")
    assert app.recorder.max_notification_id() == before
    assert not app.exists(User, app.user_id_for("ole"))


class SecondRegistration(CrmApplication):
    """Finds no user by the name, as a second registration does while the first one is being saved."""

    name = "crm"

    def exists(self, cls, aggregate_id):
        return False


def test_a_registration_that_lost_the_race_stores_no_password_either(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    app.set_password(team.admin, team.recruiter, "hestehave-ved-skoven")
    late = SecondRegistration(env=sqlalchemy_env(sql_database.url), clock=clock)
    sql_database.apps.append(late)

    with pytest.raises(ConcurrentChange):
        late.register_user(team.admin, "mette", "Mette Anden", "health", "recruiter", password="tre-grønne-frøer")

    # Check the losing registration's password was rolled back with its events.
    assert app.verify_password("mette", "hestehave-ved-skoven") == team.recruiter
    assert app.verify_password("mette", "tre-grønne-frøer") is None


def test_a_user_disabled_by_another_process_can_no_longer_act_in_this_one(sql_database, clock):
    """Each process keeps loaded aggregates in the library's cache and fast-forwards them from the store on
    every load: what another process recorded since is seen at once."""
    here, there = sql_database.app(clock=clock), sql_database.app(clock=clock)
    team = make_team(here)
    hansen_transport(here, team.recruiter)  # the recruiter is cached here now
    assert here.active_user(team.recruiter) is not None
    there.disable_user(team.admin, team.recruiter)
    assert here.active_user(team.recruiter) is None
    with pytest.raises(UserDisabled):
        hansen_transport(here, team.recruiter)


def test_a_cached_user_is_loaded_with_one_read_of_the_events_after_it(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    app.active_user(team.recruiter)
    with statements_on(app.factory.datastore.engine) as statements:
        assert app.active_user(team.recruiter)["username"] == "mette"
    assert len(statements) == 1 and "crm_snapshots" not in statements[0]
