"""Who an API request acts for: the owner of its bearer token, within the token's rate limit.

Called by the route table's check (web/access.py) for every API route, before the
view. The token's owner becomes `current_user` for this request only: no session
is opened and no cookie is set, so a browser's session never authenticates an API
call, and a token never opens a screen.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from flask import Response, current_app, g
from flask import request as flask_request

from crm.sign_in.throttle import Limit
from web.api.errors import error_response
from web.auth import WebUser
from web.services import crm
from web.translating import gettext as _


def rate_limit() -> Limit:
    """Requests per token per minute, shared with the sign-in limits' table and mechanism."""
    per_minute = int(current_app.config.get("API_REQUESTS_PER_MINUTE", 600))
    return Limit("api_token", failures=per_minute, window=timedelta(minutes=1), lockout=timedelta(minutes=1))


def unauthenticated() -> Response:
    return error_response(
        401,
        "unauthenticated",
        _("Send a valid API token: Authorization: Bearer <token>."),
        headers={"WWW-Authenticate": 'Bearer realm="crm"'},
    )


def admit(permission: str | None) -> Response | None:
    """None when the request may go on as its token's owner; otherwise the refusal to send."""
    scheme, _space, token = flask_request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return unauthenticated()
    now = crm().clock.now()
    use = crm().api_tokens.authenticate(token.strip(), now)
    row = crm().active_user(use.user_id) if use else None
    if use is None or row is None:
        return unauthenticated()
    refusal = crm().throttle.take(rate_limit(), str(use.token_id), now.astimezone(UTC).replace(tzinfo=None))
    if refusal is not None:
        wait = max(1, int((refusal.until.replace(tzinfo=UTC) - now).total_seconds()))
        return error_response(
            429,
            "rate_limited",
            _("Too many requests with this token. Try again shortly."),
            headers={"Retry-After": str(wait)},
        )
    user = WebUser(row)
    g._login_user = user  # flask-login's current user for this request alone
    g.api_token_id = use.token_id
    if permission is not None and not user.may(permission):
        return error_response(403, "not_allowed", _("Your role does not allow this."))
    return None
