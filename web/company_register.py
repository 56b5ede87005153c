"""The register form asks the CVR register: by CVR number, P-number or name, and fills in what it says.

Shown only when the register is configured (CRM_CVR_URL). A ceased company or unit, and a company
protected against unsolicited contact (reklamebeskyttet), are flagged where the user decides.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, request

from crm.cvr_register import CvrRegister, RegisterEntry, RegisterUnavailable
from crm.errors import CrmError
from crm.validation import normalise_cvr, normalise_p_number
from web import params
from web.companies import bp, list_context
from web.rendering import page_or_fragment
from web.translating import gettext as _

LOOKUP_TARGET = "register-lookup"


def _register() -> CvrRegister:
    register = current_app.config.get("CVR_REGISTER")
    if register is None:
        abort(404)
    return register


def _ask(register: CvrRegister, args: Any) -> tuple[list[RegisterEntry], str | None]:
    """Entries for the first of CVR, P-number and name given; or a Danish reason why there are none."""
    cvr, p_number, name = (params.search_text(args, key) or "" for key in ("cvr", "p_number", "name"))
    try:
        if cvr.strip():
            return register.by_cvr(normalise_cvr(cvr) or ""), None
        if p_number.strip():
            return register.by_p_number(normalise_p_number(p_number)), None
        if len(name.strip()) >= 2:
            return register.by_name(name.strip()), None
    except CrmError:
        return [], _("Type a CVR number of 8 digits or a P-number of 10.")
    except RegisterUnavailable:
        current_app.logger.exception("the CVR register did not answer")
        return [], _("The CVR register does not answer just now. Fill in the form by hand.")
    else:
        return [], _("Type a CVR number, a P-number or at least two letters of the name.")


@bp.get("/register-lookup")
def register_lookup():
    """What the register has for the CVR number, P-number or name typed in the register form."""
    entries, problem = _ask(_register(), request.args)
    if not entries and problem is None:
        problem = _("The CVR register has no company by that.")
    return page_or_fragment(
        "companies/_register_lookup.html",
        "companies/_register_lookup.html",
        LOOKUP_TARGET,
        entries=entries,
        problem=problem,
    )


@bp.get("/register-fill")
def register_fill():
    """The register form filled in from one register entry, its flags shown."""
    entries, problem = _ask(_register(), request.args)
    entry = entries[0] if entries else None
    form = {} if entry is None else _form_of(entry)
    context = list_context(form=form, register_entry=entry, register_error=problem, register_open=True)
    return page_or_fragment("companies/index.html", "companies/_register.html", "register-company", **context)


def _form_of(entry: RegisterEntry) -> dict[str, Any]:
    return {
        "name": entry.name,
        "cvr": entry.cvr or "",
        "industry": entry.industry,
        "size_band": entry.size_band or "",
        "address": entry.address or "",
        "sector": "private",
    }
