"""Import: upload a spreadsheet, see what it will create, update and skip, then confirm.

The uploaded file waits in the instance folder under a random name bound to the user who
sent it (nothing enters the CRM before confirming); confirming plans it again against the
companies as they are then, and imports row by row through the write side's `import_row`.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, request
from flask_login import current_user

import projections
from crm.errors import CrmError
from crm.imports import MAX_BYTES, ImportPlan, commit_plan, plan_import, read_table
from web.access_record import record_people
from web.messages import describe
from web.rendering import page_or_fragment
from web.services import crm, services, views
from web.translating import gettext as _

bp = Blueprint("imports", __name__, url_prefix="/import")

TARGET = "import-preview"
# The rows the preview lists by kind; the counts tell the rest (a 50,000-row file is not read on screen).
SHOWN_PER_ACTION = 200
ALLOWED_SUFFIXES = (".csv", ".txt", ".xlsx")


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stored(token: str) -> Path:
    """The waiting upload of this user named by `token` (hex only, so never a path elsewhere)."""
    if not token or len(token) != 32 or any(c not in "0123456789abcdef" for c in token):
        abort(404)
    matches = list(_folder().glob(f"{current_user.id.hex}-{token}-*"))
    if not matches:
        abort(404)
    return matches[0]


def _plan(data: bytes, file_name: str) -> ImportPlan:
    header, body = read_table(data, file_name)
    return plan_import(file_name, header, body, projections.import_reference(views()["outreach"]))


def _render(**context: Any):
    return page_or_fragment("imports/index.html", "imports/_preview.html", TARGET, **context)


@bp.get("")
def index():
    """The upload form."""
    return _render(plan=None, error=None, result=None)


@bp.post("")
def preview():
    """Read the uploaded file and show what importing it would do; nothing is stored in the CRM."""
    upload = request.files.get("file")
    if request.content_length and request.content_length > MAX_BYTES + 64 * 1024:
        return _render(
            plan=None, result=None, error=_("The file is too large (at most %(mb)s MB).", mb=MAX_BYTES >> 20)
        )
    if upload is None or not upload.filename:
        return _render(plan=None, result=None, error=_("Choose a file."))
    file_name = Path(upload.filename).name[:120]
    if not file_name.lower().endswith(ALLOWED_SUFFIXES):
        return _render(plan=None, result=None, error=_("Import a CSV or XLSX file."))
    data = upload.read(MAX_BYTES + 1)
    try:
        plan = _plan(data, file_name)
    except CrmError as error:
        return _render(plan=None, result=None, error=describe(error))
    for earlier in _folder().glob(f"{current_user.id.hex}-*"):  # one waiting file per user: a new preview replaces it
        earlier.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (_folder() / f"{current_user.id.hex}-{token}-{secrets.token_hex(4)}").write_bytes(data)
    _log_known_people(plan)
    return _render(plan=plan, shown=_shown(plan), token=token, error=None, result=None)


@bp.post("/<token>")
def commit(token: str):
    """Import the previewed file: every row that creates or updates, as the signed-in user."""
    path = _stored(token)
    file_name = request.form.get("file_name", "import")[:120]
    try:
        plan = _plan(path.read_bytes(), file_name)
    except CrmError as error:
        return _render(plan=None, result=None, error=describe(error))
    result = commit_plan(crm(), current_user.id, plan)
    path.unlink(missing_ok=True)
    try:
        services().projector.catch_up()
    except Exception:
        current_app.logger.exception("catch-up after an import failed")
    failed = [(number, describe(error)) for number, error in sorted(result.failed.items())]
    return _render(plan=None, result=result, failed=failed, error=None)


def _shown(plan: ImportPlan) -> list[dict[str, Any]]:
    """The rows to list, at most SHOWN_PER_ACTION of each kind, with their errors in the user's language."""
    taken: dict[str, int] = {}
    rows = []
    for row in plan.rows:
        taken[row.action] = taken.get(row.action, 0) + 1
        if taken[row.action] <= SHOWN_PER_ACTION:
            rows.append({"row": row, "errors": [describe(e) for e in row.errors]})
    return rows


def _log_known_people(plan: ImportPlan) -> None:
    """The preview names contacts already in the CRM whose details a row changes: that is a use of their data."""
    record_people("page", sorted({row.contact_id for row in plan.rows if row.contact_id is not None}, key=str))
