"""The API's operations, declared once: the URL rule, the schemas the OpenAPI document shows, the parsing.

`@operation(...)` adds a view to the blueprint and records what the document
(web/api/openapi.py) says of it; writes are made idempotent (web/api/idempotency.py).
Views parse their input with `body(Model)` and `query(Model)`: a body that is not
the schema is a 422, a query parameter no client should send a 400, both in the
error shape, naming the field.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from web.api import bp
from web.api.errors import ApiError, for_validation
from web.translating import gettext as _

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Operation:
    endpoint: str
    method: str
    path: str
    tag: str
    summary: str
    body: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    query: type[BaseModel] | None
    errors: tuple[int, ...]
    public: bool = False


OPERATIONS: list[Operation] = []


def operation(
    method: str,
    path: str,
    *,
    tag: str,
    body: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    query: type[BaseModel] | None = None,
    errors: tuple[int, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        from web.api.idempotency import idempotent

        summary = (view.__doc__ or view.__name__).strip().splitlines()[0]
        OPERATIONS.append(
            Operation(f"api.{view.__name__}", method, path, tag, summary, body, response, status, query, errors)
        )
        bp.add_url_rule(path, view.__name__, view if method == "GET" else idempotent(view), methods=[method])
        return view

    return decorate


def body(model: type[M]) -> M:
    """The JSON body as the operation's schema; an empty body is an empty object."""
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "bad_request", _("The body is not JSON.")) from None
    if not isinstance(data, dict):
        raise ApiError(422, "invalid_input", _("The body must be a JSON object."))
    return model.model_validate(data)


def query(model: type[M]) -> M:
    """The query parameters as the operation's schema; a value no client should send is a 400."""
    values = {key: request.args.get(key) for key in request.args}
    try:
        return model.model_validate(values)
    except ValidationError as error:
        answer = for_validation(error).get_json()["error"]
        raise ApiError(400, "bad_request", answer["message"], answer["field"]) from None


# --- cursors: opaque to the client, a position in the list to the server ------------------------


def encode_cursor(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, *names: str) -> dict[str, int] | None:
    """The position a cursor of this list carries; a cursor this server never gave is a 400."""
    if not cursor:
        return None
    try:
        position = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        position = None
    if (
        not isinstance(position, dict)
        or set(position) != set(names)
        or not all(type(value) is int and 0 <= value < 2**62 for value in position.values())
    ):
        raise ApiError(400, "bad_request", _("The cursor is not one this list gave."), "cursor")
    return position


def page_of(rows: list[Any], limit: int, cursor: str | None) -> tuple[list[Any], str | None]:
    """One page of a list the read side gives whole and in a stable order, and the cursor to the next."""
    start = (decode_cursor(cursor, "offset") or {"offset": 0})["offset"]
    more = len(rows) > start + limit
    return rows[start : start + limit], encode_cursor({"offset": start + limit}) if more else None
