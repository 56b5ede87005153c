"""Erasing a person on request (GDPR Art. 17): the project lead's screen.

The screen names the person and their company, asks for the legal basis and the
reason (the case number of the request), and erases: the person's key is
destroyed (crm/sealing.py), the erasure is recorded with who, when, why and the
basis, and every screen shows "slettet person" from then on.
"""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

import projections
from crm.errors import CrmError
from crm.vocabulary import ERASED_PERSON, LEGAL_BASES
from web import params
from web.access_record import record_people
from web.labels import choices
from web.messages import describe
from web.services import crm, perform, services, views
from web.translating import gettext as _

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


def person_or_404(contact_id: UUID) -> projections.FoundContact:
    found = projections.contacts_by_id(views()["outreach"], [contact_id]).get(contact_id)
    if found is None:
        abort(404)
    return found


@bp.route("/contacts/<uuid:contact_id>/erase", methods=["GET", "POST"])
def erase(contact_id: UUID):
    """Show the person to erase; on POST erase them and go back to their company."""
    person = person_or_404(contact_id)
    error = None
    if request.method == "POST" and person["name"] != ERASED_PERSON:
        basis = params.choice(request.form, "legal_basis", LEGAL_BASES, LEGAL_BASES[0])
        try:
            perform(crm().erase_contact, contact_id, basis, reason=request.form.get("reason", ""))
        except CrmError as problem:
            error = describe(problem)
        else:
            flash(_("The person is erased. Every screen now shows “%(erased)s”.", erased=ERASED_PERSON), "success")
            return redirect(url_for("companies.show", company_id=person["company_id"]))
    record_people("page", [contact_id])
    terms = projections.person_terms(person["name"], person["phone"], person["email"])
    erased = person["name"] == ERASED_PERSON
    return render_template(
        "privacy/erase.html",
        person=person,
        erased=erased,
        texts=[] if erased else projections.texts_naming(views()["timeline"], terms),
        rebuild_owed=services().projector.rebuild_owed() is not None,
        bases=choices("legal_basis"),
        error=error,
        form=request.form,
    )


@bp.post("/contacts/<uuid:contact_id>/redact")
def redact(contact_id: UUID):
    """Redact the chosen free texts that name the person; the read models are rebuilt without them."""
    person_or_404(contact_id)
    chosen = [value.partition(":") for value in request.form.getlist("text")]
    reason = request.form.get("reason", "")
    try:
        for position, _sep, field in chosen:
            perform(crm().redact_text, params.whole_number({"p": position}, "p", 1, 2**62) or 0, field, reason=reason)
    except (CrmError, params.BadParameter) as problem:
        flash(describe(problem) if isinstance(problem, CrmError) else str(problem.description), "error")
        return redirect(url_for("privacy.erase", contact_id=contact_id))
    if chosen and current_app.config["PROJECTION_WORKER"]:
        # The worker rebuilds every view beside the live ones (projections/redactions.py): on a large log that
        # takes minutes, more than a request may last. Until it is done the screens may still show the texts.
        flash(
            _(
                "%(num)d texts redacted. They are removed from every screen as the read models are rebuilt, "
                "which takes a few minutes on a large log.",
                num=len(chosen),
            ),
            "success",
        )
    else:
        if chosen:
            # Without a worker, this request rebuilds every view together. A view an event stops keeps its live
            # generation, texts and all: that is an error (the others are rebuilt all the same, and the rebuild
            # stays owed).
            failed = services().projector.rebuild_for_redactions()
            if failed:
                raise failed[0]
        flash(_("%(num)d texts redacted.", num=len(chosen)), "success")
    return redirect(url_for("privacy.erase", contact_id=contact_id))


from web import retention_employees, retention_review, subject_copy  # noqa: E402, F401 - routes registered on `bp`
