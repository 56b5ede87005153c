"""The data subject's copy (GDPR Art. 15) on the project lead's privacy screen: JSON, and a printable page.

Routes of the privacy blueprint (web/privacy.py). What the copy holds is built in one
place, crm/data_subject.py (`crm contacts copy` uses it too); handing it over is
itself recorded in the access log, as an export of the person's data.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from flask import Response, render_template, request
from flask_login import current_user

import projections
from crm.data_subject import data_subject_copy, record_copy_handed_over
from web.audit_records import use_label
from web.event_names import event_name
from web.privacy import bp, person_or_404
from web.services import crm, today, views


def _copy(contact_id: UUID) -> dict[str, Any]:
    person_or_404(contact_id)
    copy = data_subject_copy(crm(), contact_id, projections.SubjectReads(views(), today()))
    record_copy_handed_over(crm(), current_user.id, contact_id, request.path)
    return copy


@bp.get("/contacts/<uuid:contact_id>/copy.json")
def copy_json(contact_id: UUID):
    """The person's copy as JSON, to hand over or attach to the reply."""
    body = json.dumps(_copy(contact_id), indent=2, ensure_ascii=False, default=str) + "\n"
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="indsigt-{contact_id}.json"'
    return response


@bp.get("/contacts/<uuid:contact_id>/copy")
def copy_page(contact_id: UUID):
    """The person's copy as a readable page, made to be printed (or saved as PDF from the browser)."""
    copy = _copy(contact_id)
    history = [{**h, "name": event_name(h["event"])} for h in copy["history"]]
    consulted = [{**e, "how": use_label(e["use"])} for e in copy["who_consulted_their_data"]]
    return render_template("privacy/copy.html", copy=copy, history=history, consulted=consulted)
