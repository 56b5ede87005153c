"""The Flask application: create_app() wires configuration, extensions and the blueprints."""

from __future__ import annotations

import importlib
import os
import pkgutil
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from crm.cvr_register import CvrRegister
from storage.location import database_url, instance_path
from web import access, headers, i18n, row_urls, services, session_policy
from web.extensions import babel, csrf, htmx, login_manager
from web.templating import RowsEnvironment
from web.translating import gettext


def _secret_key(folder: Path) -> str:
    """CRM_SECRET_KEY, or a random key kept in the instance folder so sessions survive a restart."""
    if os.environ.get("CRM_SECRET_KEY"):
        return os.environ["CRM_SECRET_KEY"]
    key_file = folder / "secret_key"
    if not key_file.exists():
        folder.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
    return key_file.read_text().strip()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the web application; `test_config` overrides (DATABASE_URL, CLOCK, ...)."""
    folder = instance_path()
    app = Flask(__name__, instance_path=str(folder.resolve()))
    app.jinja_environment = RowsEnvironment  # before anything makes app.jinja_env
    app.config.from_mapping(
        DATABASE_URL=database_url(),
        BABEL_DEFAULT_LOCALE=i18n.DEFAULT_LANGUAGE,
        BABEL_DEFAULT_TIMEZONE="Europe/Copenhagen",
        STALLED_DAYS=int(os.environ.get("CRM_STALLED_DAYS", "14")),
        OVERLAP_DAYS=int(os.environ.get("CRM_OVERLAP_DAYS", "14")),
        PAGE_SIZE=50,
        IDLE_MINUTES=int(os.environ.get("CRM_IDLE_MINUTES", "30")),
        SESSION_HOURS=int(os.environ.get("CRM_SESSION_HOURS", "10")),
        API_REQUESTS_PER_MINUTE=int(os.environ.get("CRM_API_REQUESTS_PER_MINUTE", "600")),
        BEHIND_HTTPS=os.environ.get("CRM_BEHIND_HTTPS", "") in ("1", "true", "yes"),
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        # The CVR register (CRM_CVR_URL, CRM_CVR_USER, CRM_CVR_PASSWORD); None hides the lookup.
        CVR_REGISTER=CvrRegister.from_environment(),
    )
    if test_config:
        app.config.update(test_config)
    # A form's CSRF token lives no longer than the session it belongs to (which ends sooner when idle).
    app.config["WTF_CSRF_TIME_LIMIT"] = app.config["SESSION_HOURS"] * 3600
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(Path(app.instance_path))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = i18n.compile_catalogues(app)

    services.init_app(app, clock=app.config.get("CLOCK"))
    headers.init_app(app)
    row_urls.init_app(app)
    htmx.init_app(app)
    session_policy.init_app(app)  # before CSRFProtect: an expired session's token must not pass
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see this page."
    login_manager.localize_callback = gettext
    access.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    _register_blueprints(app)
    _register_navigation(app)
    _register_error_pages(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from web import auth

    app.register_blueprint(auth.bp)
    for module_name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(f"web.{module_name}").bp)
    from web import api

    api.init_app(app)

    @app.route("/")
    def home():
        """Start where the day starts: the queue for those who make calls, the pipeline for the rest."""
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        return redirect(url_for(HOME_BY_ROLE.get(current_user.role, "companies.index")))


def _register_navigation(app: Flask) -> None:
    from web.translating import lazy_gettext as _l

    items = (
        ("my_day.index", _l("My day")),
        ("companies.index", _l("Companies")),
        ("pipeline.board", _l("Pipeline")),
        ("leads.index", _l("Leads")),
        ("agreements.index", _l("Agreements")),
        ("imports.index", _l("Import")),
        ("calendar.index", _l("Calendar")),
        ("reports.index", _l("Reports")),
        ("partners.index", _l("Partners")),
        ("rules.index", _l("Rules")),
        ("privacy.retention", _l("Retention")),
        ("audit.index", _l("Audit")),
        ("admin.users", _l("Users")),
        ("sign_ins.index", _l("Sign-ins")),
        ("settings.tokens", _l("API tokens")),
    )

    @app.context_processor
    def navigation():
        def nav_items():
            return [
                (endpoint, title)
                for endpoint, title in items
                if endpoint in app.view_functions and access.allows(endpoint)
            ]

        return {"nav_items": nav_items}


def _register_error_pages(app: Flask) -> None:
    from web.api.errors import for_http, is_api_request
    from web.params import BadParameter

    def error_page(error: Any, status: int) -> Any:
        if is_api_request():  # an address under /api/ that no route answers, or a refusal before the view
            return for_http(error)
        return render_template("errors/error.html", status=status), status

    for status in (400, 403, 404, 500):
        app.register_error_handler(status, lambda error, status=status: error_page(error, status))
    app.register_error_handler(405, lambda error: for_http(error) if is_api_request() else error)
    # A parameter no page sends: the page says which and why.
    app.register_error_handler(
        BadParameter,
        lambda error: (render_template("errors/error.html", status=400, message=error.description), 400),
    )

    @app.errorhandler(CSRFError)
    def form_of_an_ended_session(error: CSRFError):
        """A form sent after its session ended (idle or too old): sign in again, rather than a bare 400."""
        if session_policy.ended():
            return access.to_sign_in()
        return render_template("errors/error.html", status=400), 400


# Screen areas: every module of this package that defines a blueprint `bp`
# (web/<area>.py, templates in web/templates/<area>/).
BLUEPRINTS: tuple[str, ...] = tuple(
    sorted(
        info.name
        for info in pkgutil.iter_modules([str(Path(__file__).parent)])
        if info.name != "auth"
        and not info.ispkg
        and "bp = Blueprint(" in (Path(__file__).parent / f"{info.name}.py").read_text(encoding="utf-8")
    )
)
HOME_BY_ROLE = {
    "recruiter": "my_day.index",
    "consultant": "leads.index",
    "health_consultant": "my_day.index",
    "project_lead": "pipeline.board",
    "auditor": "audit.index",
    "admin": "admin.users",
}
