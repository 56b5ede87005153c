"""The OpenAPI 3.1 document, generated from the operations as declared (web/api/operations.py).

Why apispec with pydantic, and not APIFlask, flask-smorest or spectree: APIFlask
needs its own application class, flask-smorest takes over every error handler of
the application (the screens' HTML error pages included) and uses marshmallow,
and spectree answers a body that does not validate in its own shape, not ours.
apispec (marshmallow-code) only assembles the document; pydantic, which checks the
bodies, gives each schema as JSON Schema 2020-12, which is what OpenAPI 3.1 uses.
The document is checked by openapi-spec-validator and exercised by schemathesis
in tests/web/api/test_openapi.py.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from apispec import APISpec
from flask import current_app
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from web.api import bp, schemas
from web.api.operations import OPERATIONS, Operation
from web.api.responses import respond

REF = "#/components/schemas/{model}"
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
DESCRIPTIONS = {
    200: "The resource as it is now.",
    201: "Created; `Location` names the new resource.",
    204: "Done; nothing to say.",
    400: "A parameter no client should send, or a body that is not JSON.",
    401: "No valid API token.",
    403: "The token's owner's role does not allow this.",
    404: "No such resource.",
    409: "The record's state does not allow this now, or it changed meanwhile (`current_version`).",
    422: "A value of the body is missing or refused (`field` names it).",
    429: "Too many requests with this token (`Retry-After`).",
}
INTRODUCTION = """\
The CRM's commands and published read models for systems: the job centre's case system,
the health department's booking, a data warehouse. Every request carries a personal API
token (`Authorization: Bearer crm_...`), made on the settings screen or with
`crm tokens create USERNAME`, and may do what its owner's role may do on the screens.

Errors are `{"error": {"code", "message", "field"}}` with stable codes; the message is in
the language of `Accept-Language` (Danish by default). Every POST, PATCH and DELETE takes
an `Idempotency-Key`: a retry with the same key gets the first answer, and records nothing
twice. Lists are paged by cursor; dates are ISO 8601, moments ISO 8601 with their zone.
"""


def path_of(rule: str) -> tuple[str, list[dict[str, Any]]]:
    """/companies/<uuid:company_id> -> /companies/{company_id}, with the path parameters."""
    parameters = []
    for converter, name in CONVERTER.findall(rule):
        schema = {"type": "string", "format": "uuid"} if converter == "uuid" else {"type": "string", "maxLength": 64}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return CONVERTER.sub(r"{\2}", rule), parameters


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template=REF)
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": not_null(prop),
            **({"description": prop["description"]} if "description" in prop else {}),
        }
        for name, prop in schema["properties"].items()
    ]


def not_null(prop: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is left out rather than sent as null: its schema without the null alternative."""
    kept = {k: v for k, v in prop.items() if k not in ("title", "description", "anyOf") and v is not None}
    others = [alternative for alternative in prop.get("anyOf", []) if alternative != {"type": "null"}]
    if len(others) == 1:
        kept.update(others[0])
    elif others:
        kept["anyOf"] = others
    return kept


def error_response(status: int) -> dict[str, Any]:
    return {
        "description": DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}},
    }


def operation_document(op: Operation) -> dict[str, Any]:
    path, parameters = path_of(op.path)
    if op.query is not None:
        parameters += query_parameters(op.query)
    if op.method != "GET":
        parameters.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                "description": "A retry with the same key gets the first answer; nothing is recorded twice.",
            }
        )
    ok: dict[str, Any] = {"description": DESCRIPTIONS[op.status]}
    if op.response is not None:
        ok["content"] = {"application/json": {"schema": {"$ref": REF.format(model=op.response.__name__)}}}
    statuses = {401, 403, 429, *op.errors}
    if op.body is not None:
        statuses |= {400, 422}
    if op.method != "GET":
        statuses |= {400, 409, 422}
    document: dict[str, Any] = {
        "operationId": op.endpoint.removeprefix("api."),
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": parameters,
        "responses": {str(op.status): ok, **{str(code): error_response(code) for code in sorted(statuses)}},
    }
    if op.body is not None:
        required = bool(op.body.model_json_schema().get("required"))
        document["requestBody"] = {
            "required": required,
            "content": {"application/json": {"schema": {"$ref": REF.format(model=op.body.__name__)}}},
        }
    return {"path": path, "method": op.method.lower(), "document": document}


@cache
def document() -> dict[str, Any]:
    spec = APISpec(
        title="workplace-crm API",
        version="1",
        openapi_version="3.1.0",
        info={"description": INTRODUCTION},
        servers=[{"url": "/api/v1"}],
        security=[{"token": []}],
    )
    spec.components.security_scheme(
        "token", {"type": "http", "scheme": "bearer", "description": "A personal API token: crm_..."}
    )
    models: set[type[BaseModel]] = {schemas.Error}
    for op in OPERATIONS:
        models |= {m for m in (op.body, op.response) if m is not None}
    _, definitions = models_json_schema(
        [(model, "validation") for model in sorted(models, key=lambda m: m.__name__)], ref_template=REF
    )
    for name, schema in sorted(definitions.get("$defs", {}).items()):
        spec.components.schema(name, schema)
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        found = operation_document(op)
        paths.setdefault(found["path"], {})[found["method"]] = found["document"]
    for path, operations in sorted(paths.items()):
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@bp.get("/docs")
def docs():
    """The document as a page to browse, from our own static files."""
    return current_app.send_static_file("api/docs.html")


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document of this API (no token needed: it holds no data)."""
    return respond(document())
