"""The audit area's proofs: the signed checkpoints with their signatures, and each event's inclusion proof.

Routes of the audit blueprint (web/audit.py), read-only behind the "audit" permission.
A proof is made against the newest stored checkpoint (the worker signs one every hour
when events were recorded, `crm audit checkpoint` on demand), so opening it writes nothing.
"""

from __future__ import annotations

import json

from flask import Response

from crm.audit.bundle import event_proof
from crm.audit.checkpoint import NoTree, stored_checkpoints
from web.audit import bp
from web.audit_records import signing_key
from web.rendering import page_or_fragment
from web.services import crm
from web.translating import gettext as _

SHOWN = 50


def verifier_key() -> str | None:
    """The key a second party checks the signatures with; None before the first checkpoint made the key."""
    signer = signing_key()
    return signer.verifier_key if signer is not None else None


@bp.get("/checkpoints")
def checkpoints():
    """The newest signed checkpoints, each note as signed, and the verifier key to keep beside them."""
    try:
        found = stored_checkpoints(crm(), limit=SHOWN)
    except NoTree:
        found = []
    return page_or_fragment(
        "audit/checkpoints.html",
        "audit/_checkpoints.html",
        "audit-checkpoints",
        checkpoints=found,
        key=verifier_key(),
    )


@bp.get("/proof/<int:position>")
def proof(position: int):
    """The event at `position` with its audit path to the newest checkpoint, as JSON for the auditor's verifier."""
    try:
        newest = stored_checkpoints(crm(), limit=1)
    except NoTree:
        newest = []
    if not newest:
        return _no_proof(_("No checkpoint has been signed yet; the proof needs one."))
    try:
        bundle = event_proof(crm(), position, newest[0])
    except LookupError:
        return _no_proof(_("The newest checkpoint does not cover this event yet; try again after the next one."))
    response = Response(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n", mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="crm-proof-{position}.json"'
    return response


def _no_proof(reason: str) -> Response:
    """A download link answers with the reason, in plain text the browser shows as it is."""
    return Response(reason + "\n", status=404, mimetype="text/plain")
