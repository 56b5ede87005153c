"""`Idempotency-Key` on every POST, PATCH and DELETE: a retry gets the first answer, nothing runs twice.

The keys and answers are kept by the write side beside the event store
(crm/idempotency.py), shared by every server process and kept over restarts. An
answer is kept whatever it said, except a failure of ours (5xx), after which the
key is free for the retry. A retry with the same key but another method, path or
body is refused (422 `idempotency_key_reused`); one that arrives while the first is
still running is told to wait (409 `request_in_progress`, with Retry-After).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, make_response, request
from flask_login import current_user

from crm.idempotency import KEY_LENGTH
from web.api.errors import error_response, exception_response
from web.services import crm
from web.translating import gettext as _

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"


def fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.query_string.decode("latin-1")):
        digest.update(part.encode() + b"\0")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(**kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return make_response(view(**kwargs))
        if not 1 <= len(key) <= KEY_LENGTH or not key.isprintable():
            return error_response(
                400, "bad_request", _("An Idempotency-Key is 1 to %(most)s printable characters.", most=KEY_LENGTH)
            )
        keys, user_id = crm().idempotency, current_user.id
        claim = keys.claim(user_id, key, fingerprint(), crm().clock.now())
        if claim.outcome == "reused":
            return error_response(
                422, "idempotency_key_reused", _("This Idempotency-Key was used for a different request.")
            )
        if claim.outcome == "busy":
            return error_response(
                409,
                "request_in_progress",
                _("A request with this Idempotency-Key is still being handled. Try again shortly."),
                headers={"Retry-After": "1"},
            )
        if claim.outcome == "replay":
            headers = {REPLAYED: "true", **({"Location": claim.location} if claim.location else {})}
            return Response(claim.body, claim.status, headers=headers, mimetype="application/json")
        try:
            response = make_response(view(**kwargs))
        except Exception as error:
            answered = exception_response(error)
            if answered is None:
                keys.release(user_id, key)
                raise
            response = answered
        if response.status_code >= 500:
            keys.release(user_id, key)
        else:
            keys.answer(user_id, key, response.status_code, response.get_data(as_text=True), response.location)
        return response

    return wrapper
