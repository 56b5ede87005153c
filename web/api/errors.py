"""Every refusal as `{"error": {"code", "message", "field"}}`, the message in the caller's language.

The codes are the write side's (crm/errors.py), which never change once published,
plus a few of the API's own: `bad_request` (a parameter or body no client should
send), `unauthenticated`, `rate_limited`, `idempotency_key_reused`, `request_in_progress`,
`method_not_allowed`, `internal_error`. Never a bare 500 page: whatever goes wrong
is answered in this shape.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from crm.errors import CrmError
from web.api import PREFIX, bp
from web.api.responses import respond
from web.messages import describe
from web.params import BadParameter
from web.translating import gettext as _

STATUS_OF_CODE = {
    "invalid_input": 422,
    "invalid_cvr": 422,
    "not_found": 404,
    "not_allowed": 403,
    "user_disabled": 403,
}
# Every other code of the write side refuses a change the record's state does not allow.
CONFLICT = 409


class ApiError(Exception):
    """A refusal of the API's own, answered as it says."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.extra = status, code, message, field, extra


def error_response(
    status: int, code: str, message: str, field: str | None = None, headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    return respond({"error": {"code": code, "message": message, "field": field, **extra}}, status, headers)


def for_crm_error(error: CrmError) -> Response:
    field = error.params.get("field") if error.code in ("invalid_input", "invalid_cvr") else None
    if error.code == "invalid_cvr":
        field = "cvr"
    extra = {}
    if getattr(error, "current_version", None) is not None:
        extra["current_version"] = error.current_version  # type: ignore[attr-defined]
    return error_response(STATUS_OF_CODE.get(error.code, CONFLICT), error.code, describe(error), field, **extra)


def for_validation(error: ValidationError) -> Response:
    """A body that is not the operation's schema: the first problem, named by its field."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first.get("loc", ())) or None
    if first.get("type") == "missing":
        problem = _("is required")
    elif first.get("type") == "extra_forbidden":
        problem = _("is not a field of this request")
    else:
        problem = _("has a value of the wrong kind or size")
    return error_response(422, "invalid_input", f"{field}: {problem}" if field else problem, field)


def for_http(error: HTTPException) -> Response:
    status = error.code or 500
    if isinstance(error, BadParameter):
        return error_response(400, "bad_request", str(error.description))
    if status == 404:
        return error_response(404, "not_found", _("There is nothing at this address."))
    if status == 405:
        return error_response(405, "method_not_allowed", _("This address does not take that method."))
    if status == 403:
        return error_response(403, "not_allowed", _("Your role does not allow this."))
    if status == 413:
        return error_response(413, "bad_request", _("The request is too large."))
    if status < 500:
        return error_response(status, "bad_request", _("The request cannot be read."))
    return internal_error()


def exception_response(error: Exception) -> Response | None:
    """The answer to an error a view raised, as the handlers below give it; None for a failure of ours."""
    if isinstance(error, CrmError):
        return for_crm_error(error)
    if isinstance(error, ApiError):
        return error_response(error.status, error.code, error.message, error.field, **error.extra)
    if isinstance(error, ValidationError):
        return for_validation(error)
    if isinstance(error, HTTPException) and (error.code or 500) < 500:
        return for_http(error)
    return None


def internal_error() -> Response:
    return error_response(500, "internal_error", _("Something went wrong on our side. Try again later."))


def is_api_request() -> bool:
    return request.path.startswith(PREFIX)


@bp.errorhandler(Exception)
def any_error(error: Exception) -> Response:
    response = exception_response(error)
    if response is None:
        current_app.logger.exception("an API request failed")
        return internal_error()
    return response
