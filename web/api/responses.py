"""Answers as JSON: ids as strings, days as 2026-03-02, moments ISO 8601 with their zone."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from flask import Response, current_app


def plain(value: Any) -> Any:
    """The value with everything JSON cannot say written out; read models keep naive UTC."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    return value


def dumps(data: Any) -> str:
    return json.dumps(plain(data), ensure_ascii=False, separators=(",", ":"))


def respond(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return current_app.response_class(dumps(data), status=status, headers=headers, mimetype="application/json")


def without(row: Mapping[str, Any] | None, *names: str) -> dict[str, Any]:
    return {key: value for key, value in (row or {}).items() if key not in names}


def no_content() -> Response:
    return current_app.response_class(status=204)
