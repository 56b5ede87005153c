"""A user's API tokens over the API itself: list, make (shown once), revoke."""

from __future__ import annotations

from uuid import UUID

from flask import current_app
from flask_login import current_user
from pydantic import Field

from web.api import schemas as s
from web.api.operations import body, operation, query
from web.api.responses import no_content, respond
from web.services import crm, perform


class TokenListQuery(s.Body):
    user_id: UUID | None = Field(None, description="An administrator may list another user's tokens.")


@operation("GET", "/tokens", tag="tokens", query=TokenListQuery, response=s.TokenList, errors=(400, 403))
def list_tokens():
    """The caller's tokens (an administrator: any user's), never the tokens themselves."""
    user_id = query(TokenListQuery).user_id or current_user.id
    return respond({"items": crm().api_tokens_of(current_user.id, user_id)})


@operation("POST", "/tokens", tag="tokens", body=s.TokenCreate, response=s.NewToken, status=201, errors=(403, 422))
def create_token():
    """Make a token; the answer carries the token this once."""
    values = body(s.TokenCreate)
    new = perform(crm().create_api_token, values.user_id or current_user.id, values.label, values.expires_on)
    row = crm().api_tokens.get(new.token_id)
    current_app.logger.info("API token %s made for user %s", new.token_id, row["user_id"] if row else None)
    return respond({**(row or {}), "token": new.token}, 201)


@operation("DELETE", "/tokens/<uuid:token_id>", tag="tokens", status=204, errors=(403, 404))
def revoke_token(token_id: UUID):
    """Revoke a token: it stops working at once."""
    perform(crm().revoke_api_token, token_id)
    return no_content()
