"""Companies: the searchable list and registering a company.

The company page is in web/company_page.py and what it changes in
web/company_changes.py; all three are routes of this blueprint.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_login import current_user

import projections
from crm.errors import CrmError
from crm.vocabulary import ERASED_PERSON, SIZE_BANDS
from web import params
from web.access_record import record_people
from web.labels import choices
from web.messages import describe
from web.rendering import page_or_fragment
from web.services import crm, owners, perform, user_names, views
from web.translating import gettext as _
from web.translating import ngettext

bp = Blueprint("companies", __name__, url_prefix="/companies")

LIST_FILTERS = ("stage", "owner", "industry", "arena")


@bp.context_processor
def vocabularies() -> dict[str, Any]:
    return {"choices": choices, "erased_person": ERASED_PERSON}


def log_people(use: str, contact_ids: list[UUID], criterion: str | None = None) -> None:
    """Names, phones and e-mails on screen are personal data: the access log records who saw whose."""
    record_people(use, contact_ids, criterion=criterion)


# --- the list ----------------------------------------------------------------------------------------
def list_query() -> dict[str, Any]:
    args = request.args
    return {
        "q": params.search_text(args, "q"),
        **{name: params.filter_text(args, name) for name in ("stage", "industry", "arena")},
        "owner": params.filter_text(args, "owner"),
        "sort": params.choice(args, "sort", projections.SORT_KEYS, "name"),
        "dir": params.choice(args, "dir", ("asc", "desc"), "asc"),
        "page": params.page_number(args),
    }


def list_context(**extra: Any) -> dict[str, Any]:
    query = list_query()
    outreach = views()["outreach"]
    result = projections.search_companies(
        outreach,
        query["q"],
        query["sort"],
        query["dir"] == "desc",
        query["page"],
        current_app.config["PAGE_SIZE"],
        stage=query["stage"],
        owner_id=params.identifier(request.args, "owner"),
        industry=query["industry"],
        arena=query["arena"],
    )
    people: dict[UUID, list[projections.FoundContact]] = {}
    if query["q"] and result.rows:
        for person in projections.contacts_named(outreach, query["q"], [row["company_id"] for row in result.rows]):
            people.setdefault(person["company_id"], []).append(person)
    log_people("search", [p["contact_id"] for found in people.values() for p in found], criterion=query["q"])

    def link(**changes: Any) -> str:
        merged = {k: v for k, v in {**query, **changes}.items() if v and (k, v) not in (("page", 1), ("dir", "asc"))}
        return url_for(".index", **merged)

    def sort_link(column: str) -> str:
        flip = "desc" if query["sort"] == column and query["dir"] == "asc" else "asc"
        return link(sort=column, dir=flip, page=1)

    owner_rows = owners()
    return {
        "query": query,
        "result": result,
        "people": people,
        "link": link,
        "sort_link": sort_link,
        "owners": owner_rows,
        "names": user_names(),
        "partners": [p for p in projections.partners_list(outreach) if not p["archived"]],
        "size_bands": SIZE_BANDS,
        "sortable": projections.SORT_KEYS,
        "owner_choices": [(str(u["user_id"]), u["display_name"]) for u in owner_rows],
        "form": {},
        "register_error": None,
        "may_edit": current_user.may("outreach"),
        "cvr_lookup": current_app.config.get("CVR_REGISTER") is not None,
        "register_entry": None,
        **extra,
    }


@bp.get("")
def index():
    """All companies: search as you type over name, CVR and contacts, filters, sorting and pages."""
    return page_or_fragment("companies/index.html", "companies/_rows.html", "company-rows", **list_context())


@bp.post("")
def register():
    """Register a company as identified; its page opens next."""
    form = request.form
    try:
        company_id = perform(
            crm().register_company,
            name=form.get("name", ""),
            industry=form.get("industry", ""),
            sector=form.get("sector") or "private",
            cvr=form.get("cvr"),
            size_band=form.get("size_band") or None,
            address=form.get("address"),
            target_group_note=form.get("target_group_note"),
            owner_id=params.form_id(form, "owner_id", "owner"),
            arena=form.get("arena") or None,
            strategy=form.get("strategy") or None,
            source_partner_id=params.form_id(form, "source_partner_id", "source_partner"),
        )
    except CrmError as error:
        # A CVR number already registered: the message links the company that has it.
        existing_id = error.params.get("existing_id")
        existing = projections.company(views()["outreach"], UUID(existing_id)) if existing_id else None
        return page_or_fragment(
            "companies/index.html",
            "companies/_register.html",
            "register-company",
            **list_context(form=form, register_error=describe(error), existing=existing),
        )
    if form.get("register_ceased") or form.get("register_protected"):  # the form was filled from the CVR register
        perform(
            crm().note_register_status,
            company_id,
            bool(form.get("register_ceased")),
            bool(form.get("register_protected")),
        )
    flash(_("%(name)s is registered.", name=form.get("name", "").strip()), "success")
    return redirect(url_for(".show", company_id=company_id), 303)


@bp.post("/reassign")
def reassign():
    """Give the companies ticked in the list to one owner; back to the list as it was."""
    form = request.form
    try:
        ids = [params.form_id({"id": value}, "id", "company") for value in form.getlist("company_id")]
        changed = perform(crm().reassign_companies, [i for i in ids if i], params.form_id(form, "owner_id", "owner"))
    except CrmError as error:
        flash(describe(error), "error")
    else:
        flash(ngettext("%(num)d company reassigned.", "%(num)d companies reassigned.", changed), "success")
    back = form.get("back", "")
    return redirect(back if back.startswith("/companies") and "//" not in back else url_for(".index"), 303)


from web import company_changes, company_page, company_path, company_register  # noqa: E402, F401 - routes registered on `bp`
