"""The JSON API at /api/v1: the web's commands and published queries, for systems rather than browsers.

One blueprint, its routes in the modules of this package (one per resource). Callers
present a personal API token (`Authorization: Bearer ...`); the rule of every route
is in ROUTES (web/access.py), like the screens', and the write side checks each
command's permission again. Errors are JSON with the write side's stable codes
(web/api/errors.py); writes take an `Idempotency-Key` (web/api/idempotency.py).
"""

from __future__ import annotations

from flask import Blueprint, Flask

from web.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
PREFIX = "/api/"


def init_app(app: Flask) -> None:
    # A token, not a cookie, authenticates an API request: there is no session for a forged form to ride on.
    csrf.exempt(bp)
    app.register_blueprint(bp)


from web.api import agreements, companies, errors, leads, openapi, people, reading, tokens, webhooks  # noqa: E402, F401 - routes registered on `bp`
