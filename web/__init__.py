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

from storage.location import database_url, instance_path
from web import i18n, services
from web.extensions import babel, csrf, htmx, login_manager


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
    app.config.from_mapping(
        DATABASE_URL=database_url(),
        BABEL_DEFAULT_LOCALE=i18n.DEFAULT_LANGUAGE,
        BABEL_DEFAULT_TIMEZONE="Europe/Copenhagen",
        STALLED_DAYS=int(os.environ.get("CRM_STALLED_DAYS", "14")),
        OVERLAP_DAYS=int(os.environ.get("CRM_OVERLAP_DAYS", "14")),
        PAGE_SIZE=50,
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
    )
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(Path(app.instance_path))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = i18n.compile_catalogues(app)

    services.init_app(app, clock=app.config.get("CLOCK"))
    htmx.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
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

    @app.route("/")
    def home():
        """Start where the day starts: the queue for those who make calls, the pipeline for the rest."""
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        return redirect(url_for(HOME_BY_ROLE.get(current_user.role, "companies.index")))


def _register_navigation(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    items = (
        ("my_day.index", _l("My day"), "outreach"),
        ("companies.index", _l("Companies"), None),
        ("pipeline.board", _l("Pipeline"), None),
        ("leads.index", _l("Leads"), None),
        ("agreements.index", _l("Agreements"), None),
        ("audit.index", _l("Audit"), "audit"),
        ("admin.users", _l("Users"), "administer_users"),
    )

    @app.context_processor
    def navigation():
        def nav_items():
            return [
                (endpoint, title, permission)
                for endpoint, title, permission in items
                if endpoint in app.view_functions and (permission is None or current_user.may(permission))
            ]

        return {"nav_items": nav_items}


def _register_error_pages(app: Flask) -> None:
    from web.params import BadParameter

    for status in (400, 403, 404, 500):
        app.register_error_handler(
            status, lambda error, status=status: (render_template("errors/error.html", status=status), status)
        )
    # A parameter no page sends: the page says which and why.
    app.register_error_handler(
        BadParameter,
        lambda error: (render_template("errors/error.html", status=400, message=error.description), 400),
    )


# Screen areas: every module of this package that defines a blueprint `bp`
# (web/<area>.py, templates in web/templates/<area>/).
BLUEPRINTS: tuple[str, ...] = tuple(
    sorted(
        info.name
        for info in pkgutil.iter_modules([str(Path(__file__).parent)])
        if info.name != "auth"
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
