"""Domain errors in the user's language: one translated sentence per stable error code."""

from __future__ import annotations

from crm.errors import CrmError
from web.labels import label
from web.translating import gettext
from web.translating import lazy_gettext as _l

TEMPLATES = {
    "invalid_input": _l("%(field)s: %(problem)s"),
    "invalid_cvr": _l("%(value)s is not a valid CVR number (8 digits with a valid check digit)."),
    "not_found": _l("The %(kind)s was not found."),
    "not_allowed": _l("Your role does not allow this."),
    "concurrent_change": _l(
        "Someone else changed this %(kind)s meanwhile. The current version is shown; check it and try again."
    ),
    "illegal_transition": _l("A company cannot move from %(from_stage)s to %(to_stage)s."),
    "too_early_to_reapproach": _l("The company may be approached again from %(after)s."),
    "agreement_not_ready": _l("The agreement cannot be signed. Buy-in missing: %(missing)s."),
    "agreement_not_signed": _l("The agreement must be signed first."),
    "agreement_closed": _l("The agreement is %(status)s and can no longer be changed."),
    "attempt_voided": _l("The attempt was voided and cannot be changed."),
    "lead_already_decided": _l("The lead was already %(status)s."),
    "user_disabled": _l("The user is disabled."),
    "already_exists": _l("A %(kind)s %(key)s already exists."),
}

# Values that are slugs of a closed list are shown by their label.
PARAM_VOCABULARIES = {"from_stage": "stage", "to_stage": "stage", "kind": "kind", "field": "field"}


def describe(error: CrmError) -> str:
    """The error as one sentence in the current language."""
    params = dict(error.params)
    for name, vocabulary in PARAM_VOCABULARIES.items():
        if name in params:
            params[name] = label(vocabulary, params[name])
    if "problem" in params:
        params["problem"] = gettext(params["problem"]) % params
    if "status" in params:
        params["status"] = label(
            "lead_status" if error.code == "lead_already_decided" else "agreement_status", params["status"]
        )
    if error.code == "agreement_not_ready":
        params["missing"] = ", ".join(label("requirement", key) for key in getattr(error, "missing", []))
    template = TEMPLATES.get(error.code)
    if template is None:
        return gettext("The request was refused.")
    return str(template) % params
