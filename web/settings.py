"""Settings: a user's API tokens (an administrator: everyone's), made, shown once, and revoked."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from crm.errors import CrmError
from web import params
from web.messages import describe
from web.rendering import page_or_fragment
from web.services import crm, perform, views
from web.translating import gettext as _

bp = Blueprint("settings", __name__, url_prefix="/settings")


def _render(status: int = 200, new_token: str | None = None, **extra: Any):
    administering = current_user.may("administer_users")
    tokens = crm().api_tokens_of(current_user.id, None if administering else current_user.id)
    users = views()["users"].all_users() if administering else []
    return page_or_fragment(
        "settings/tokens.html",
        "settings/_tokens.html",
        "api-tokens",
        status=status,
        tokens=tokens,
        users=users,
        names={user["user_id"]: user["username"] for user in users},
        administering=administering,
        new_token=new_token,
        **{"error": None, **extra},
    )


@bp.get("/tokens")
def tokens():
    """The API tokens: label, made, last used, expiry; never the token itself."""
    return _render()


@bp.post("/tokens")
def create_token():
    """Make a token and show it this once (never in a cookie or a later page)."""
    form = request.form
    try:
        user_id = params.form_id(form, "user_id", "user") or current_user.id
        new = perform(
            crm().create_api_token, user_id, form.get("label", ""), params.form_date(form, "expires_on", "expires_on")
        )
    except CrmError as error:
        return _render(error=describe(error))
    response = _render(new_token=new.token)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/tokens/<uuid:token_id>/revoke")
def revoke_token(token_id: UUID):
    """Stop a token from working at once."""
    try:
        perform(crm().revoke_api_token, token_id)
    except CrmError as error:
        flash(describe(error), "error")
    else:
        flash(_("The token is revoked."), "success")
    return redirect(url_for(".tokens"), 303)
