"""Companies: the searchable list, registering a company, and the company page with everything about it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from crm.companies import CLOSED, IN_OUTREACH, PLAIN_MOVES
from crm.errors import ConcurrentChange, CrmError, InvalidInput
from crm.permissions import OUTREACH_ROLES
from crm.vocabulary import SIZE_BANDS
from projections.company_list import SORTABLE, search_companies
from projections.leads import leads
from projections.outreach import (
    attempts,
    companies,
    contacts,
    partners,
    search_key,
    workplaces,
)
from web.event_sentences import logged_events
from web.i18n import as_datetime
from web.labels import choices, label
from web.messages import describe
from web.my_day import attempt_values, form_options, parse_date, parse_id
from web.rendering import page_or_fragment, wants_fragment
from web.services import crm, perform, today, views

bp = Blueprint("companies", __name__, url_prefix="/companies")

DETAIL_FIELDS = ("name", "cvr", "industry", "size_band", "address", "sector", "target_group_note")
LIST_FILTERS = ("stage", "owner", "industry", "arena")
TIMELINE_PAGE = 20
# Sections of the company page that htmx swaps in place, by their element id.
SECTIONS = {
    "details": "company-details",
    "workplaces": "company-workplaces",
    "contacts": "company-contacts",
    "attempts": "company-attempts",
}
# Parts that show no person, and refresh themselves when another part changed the company.
SELF_REFRESHING = {"head": "company-head", "path": "company-path"}
PEOPLE_FREE = ("details", "workplaces", "head", "path")


@bp.context_processor
def vocabularies() -> dict[str, Any]:
    return {"choices": choices}


# --- reading ---------------------------------------------------------------------------------------
def fetch(query) -> list[dict[str, Any]]:
    with views()["outreach"].transaction(commit=False) as session:
        return [dict(row._mapping) for row in session.execute(query)]


def outreach_users() -> list[dict[str, Any]]:
    return [u for u in views()["users"].all_users() if u["active"] and u["role"] in OUTREACH_ROLES]


def company_or_404(company_id: UUID) -> dict[str, Any]:
    found = fetch(select(companies).where(companies.c.company_id == company_id))
    if not found:
        abort(404)
    return found[0]


def matched_contacts(q: str, company_ids: list[UUID]) -> dict[UUID, list[dict[str, Any]]]:
    """Contacts at the listed companies whose name matches the search text."""
    text = search_key(q)
    if not text or not company_ids:
        return {}
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    found: dict[UUID, list[dict[str, Any]]] = {}
    for row in fetch(
        select(contacts.c.contact_id, contacts.c.company_id, contacts.c.name)
        .where(
            contacts.c.company_id.in_(company_ids),
            contacts.c.search_name.like(pattern, escape="\\"),
        )
        .order_by(contacts.c.name)
    ):
        found.setdefault(row["company_id"], []).append(row)
    return found


def log_people(use: str, contact_ids: list[UUID], criterion: str | None = None) -> None:
    """Names, phones and e-mails on screen are personal data: the access log records who saw whose."""
    if contact_ids:
        crm().access_log.record(current_user.id, use, contact_ids, criterion=criterion, place=request.path)


# --- the list ----------------------------------------------------------------------------------------
def list_query() -> dict[str, Any]:
    args = request.args
    try:
        page = max(1, int(args.get("page", "1")))
    except ValueError:
        page = 1
    return {
        "q": args.get("q", "").strip()[:200],
        **{name: args.get(name, "") for name in LIST_FILTERS},
        "sort": args.get("sort") if args.get("sort") in SORTABLE else "name",
        "dir": "desc" if args.get("dir") == "desc" else "asc",
        "page": page,
    }


def list_context(**extra: Any) -> dict[str, Any]:
    query = list_query()
    try:
        owner_id = parse_id("owner", query["owner"])
    except InvalidInput:
        owner_id = None
    view = views()["outreach"]
    result = search_companies(
        view,
        query["q"],
        query["sort"],
        query["dir"] == "desc",
        query["page"],
        current_app.config["PAGE_SIZE"],
        stage=query["stage"],
        owner_id=owner_id,
        industry=query["industry"],
        arena=query["arena"],
    )
    people = matched_contacts(query["q"], [row["company_id"] for row in result.rows])
    log_people("search", [p["contact_id"] for found in people.values() for p in found], criterion=query["q"])

    def link(**changes: Any) -> str:
        merged = {k: v for k, v in {**query, **changes}.items() if v and (k, v) not in (("page", 1), ("dir", "asc"))}
        return url_for(".index", **merged)

    def sort_link(column: str) -> str:
        flip = "desc" if query["sort"] == column and query["dir"] == "asc" else "asc"
        return link(sort=column, dir=flip, page=1)

    return {
        "query": query,
        "result": result,
        "people": people,
        "link": link,
        "sort_link": sort_link,
        "owners": outreach_users(),
        "names": views()["users"].names(),
        "partners": view.rows(partners, order_by=[partners.c.name]),
        "size_bands": SIZE_BANDS,
        "sortable": tuple(SORTABLE),
        "owner_choices": [(str(u["user_id"]), u["display_name"]) for u in outreach_users()],
        "form": {},
        "register_error": None,
        "may_edit": current_user.may("outreach"),
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
            owner_id=parse_id("owner", form.get("owner_id")),
            arena=form.get("arena") or None,
            strategy=form.get("strategy") or None,
            source_partner_id=parse_id("source_partner", form.get("source_partner_id")),
        )
    except CrmError as error:
        return page_or_fragment(
            "companies/index.html",
            "companies/_register.html",
            "register-company",
            **list_context(form=form, register_error=describe(error)),
        )
    flash(_("%(name)s is registered.", name=form.get("name", "").strip()), "success")
    return redirect(url_for(".show", company_id=company_id), 303)


# --- the company page --------------------------------------------------------------------------------------
def timeline_lines(company_id: UUID, before: int | None) -> tuple[list[dict[str, Any]], int | None]:
    """One page of the timeline as plain sentences, and the position to show more from (None at the end)."""
    entries = views()["timeline"].for_company(company_id, limit=TIMELINE_PAGE + 1, before=before)
    more = entries[TIMELINE_PAGE - 1]["notification_id"] if len(entries) > TIMELINE_PAGE else None
    entries = entries[:TIMELINE_PAGE]
    logged, _people = logged_events(crm(), views(), [entry["notification_id"] for entry in entries])
    return [timeline_line(entry, each) for entry, each in zip(entries, logged, strict=False)], more


def company_context(company_id: UUID, **extra: Any) -> dict[str, Any]:
    """Everything the company page shows; sections re-render from the same context."""
    company = company_or_404(company_id)
    names = views()["users"].names()
    people = fetch(
        select(contacts)
        .where(contacts.c.company_id == company_id)
        .order_by(contacts.c.archived, contacts.c.is_decision_maker.desc(), contacts.c.name)
    )
    person_names = {p["contact_id"]: p["name"] for p in people}
    lines, more = timeline_lines(company_id, None)
    agreement = views()["agreements"].agreement_for_company(company_id, today())
    partner = [p for p in views()["outreach"].rows(partners) if p["partner_id"] == company["source_partner_id"]]
    return {
        "company": company,
        "names": names,
        "people": people,
        "person_names": person_names,
        "current_people": [p for p in people if not p["archived"]],
        "workplaces": fetch(
            select(workplaces).where(workplaces.c.company_id == company_id).order_by(workplaces.c.name)
        ),
        "attempts": fetch(
            select(attempts)
            .where(attempts.c.company_id == company_id, attempts.c.round == company["round"])
            .order_by(attempts.c.occurred_on.desc(), attempts.c.recorded_at.desc())
        ),
        "company_leads": fetch(
            select(leads).where(leads.c.company_id == company_id).order_by(leads.c.shared_at.desc())
        ),
        "agreement": agreement,
        "partner_name": partner[0]["name"] if partner else None,
        "lines": lines,
        "more": more,
        "owners": outreach_users(),
        "size_bands": SIZE_BANDS,
        "moves": PLAIN_MOVES.get(company["stage"], ()),
        "in_outreach": company["stage"] in IN_OUTREACH,
        "closed": company["stage"] in CLOSED,
        "may_reapproach": company["stage"] in CLOSED
        and (company["approach_again_after"] is None or company["approach_again_after"] <= today()),
        "may_open_agreement": company["stage"] in ("identified", "contacted", "meeting"),
        "editing": request.args.get("edit"),
        "errors": {},
        "form": {},
        "conflict": None,
        "done": {},
        "logging": False,
        "correcting": None,
        "voiding": None,
        "adding": False,
        "removing": None,
        "may_edit": current_user.may("outreach"),
        "may_negotiate": current_user.may("negotiate"),
        "attempt_form": {
            "form_action": url_for(".log_attempt", company_id=company_id),
            "form_target": SECTIONS["attempts"],
            "form_key": "company",
        },
        **form_options(today()),
        **extra,
    }


@bp.get("/<uuid:company_id>")
def show(company_id: UUID):
    """The company page; ?edit=details or ?edit=<contact id> opens that part for editing; htmx gets one part."""
    context = company_context(company_id)
    parts = {**SECTIONS, **SELF_REFRESHING}
    editing = context["editing"]
    section = next(
        (name for name, target in parts.items() if wants_fragment(target)),
        "contacts" if editing and editing != "details" else "details",
    )
    if not wants_fragment(parts[section]) or section not in PEOPLE_FREE:
        log_people("page", [p["contact_id"] for p in context["people"]])
    return page_or_fragment("companies/show.html", f"companies/_{section}.html", parts[section], **context)


@bp.get("/<uuid:company_id>/timeline")
def timeline(company_id: UUID):
    """More of the company's timeline (the "show more" button), or the timeline's first page."""
    company = company_or_404(company_id)
    try:
        before = int(request.args["before"]) if request.args.get("before") else None
    except ValueError:
        abort(400)
    people = fetch(select(contacts.c.contact_id).where(contacts.c.company_id == company_id))
    lines, more = timeline_lines(company_id, before)
    log_people("page", [p["contact_id"] for p in people])
    if wants_fragment("company-timeline"):
        return page_or_fragment(
            "companies/timeline.html",
            "companies/_timeline.html",
            "company-timeline",
            company=company,
            lines=lines,
            more=more,
        )
    return page_or_fragment(
        "companies/timeline.html",
        "companies/_timeline_more.html",
        "timeline-more",
        company=company,
        lines=lines,
        more=more,
    )


def unsaved(form: Any, current: dict[str, Any], fields: tuple[str, ...]) -> list[tuple[str, str]]:
    """What the user typed that differs from the current values: shown beside them after a conflict."""
    return [
        (label("field", field), form.get(field, ""))
        for field in fields
        if (form.get(field) or "").strip() != str(current[field] or "")
    ]


def respond(company_id: UUID, section: str, error: CrmError | None = None, done: str | None = None, **extra: Any):
    """After a POST: the section's fragment for htmx; a plain form goes back to the page (with an error, shows it)."""
    target = SECTIONS[section]
    if error is None and not wants_fragment(target):
        flash(done or _("Saved."), "success")
        return redirect(url_for(".show", company_id=company_id, _anchor=target), 303)
    context = company_context(company_id, **extra)
    if error is not None:
        context["errors"] = {section: describe(error)}
        context["form"] = request.form
    else:
        context["done"] = {section: done}
    log_people("page", [p["contact_id"] for p in context["people"]])
    response = page_or_fragment("companies/show.html", f"companies/_{section}.html", target, **context)
    if error is None:
        response.headers["HX-Trigger"] = "company-changed"
    return response


@bp.post("/<uuid:company_id>/details")
def change_details(company_id: UUID):
    """Correct the company's details and owner; a stale form shows the conflict and the current values."""
    form = request.form
    current = company_or_404(company_id)
    values = {field: form.get(field, "") for field in DETAIL_FIELDS}
    values["size_band"] = values["size_band"] or None
    try:
        owner_id = parse_id("owner", form.get("owner_id"))
        perform(
            crm().change_company_details, company_id, expected_version=int(form.get("expected_version", -1)), **values
        )
        if owner_id != current["owner_id"]:
            perform(crm().assign_company_owner, company_id, owner_id)
    except ValueError:
        abort(400)
    except ConcurrentChange as error:
        return respond(
            company_id,
            "details",
            error,
            editing="details",
            conflict=unsaved(form, company_or_404(company_id), DETAIL_FIELDS),
        )
    except CrmError as error:
        return respond(company_id, "details", error, editing="details")
    return respond(company_id, "details", done=_("The details are saved."))


@bp.post("/<uuid:company_id>/workplaces")
def add_workplace(company_id: UUID):
    """Add a workplace (site, P-number) of the company."""
    form = request.form
    try:
        perform(
            crm().add_workplace,
            company_id,
            form.get("name", ""),
            form.get("p_number") or None,
            form.get("address") or None,
        )
    except CrmError as error:
        return respond(company_id, "workplaces", error)
    return respond(company_id, "workplaces", done=_("The workplace is added."))


@bp.post("/<uuid:company_id>/workplaces/<workplace_id>/remove")
def remove_workplace(company_id: UUID, workplace_id: str):
    """Remove a workplace, with the reason."""
    try:
        perform(crm().remove_workplace, company_id, workplace_id, reason=request.form.get("reason"))
    except CrmError as error:
        return respond(company_id, "workplaces", error, removing=workplace_id)
    return respond(company_id, "workplaces", done=_("The workplace is removed."))


@bp.post("/<uuid:company_id>/contacts")
def add_contact(company_id: UUID):
    """Add a person at the company, with their role."""
    form = request.form
    try:
        perform(
            crm().register_contact,
            company_id,
            form.get("name", ""),
            form.get("role", ""),
            form.get("phone"),
            form.get("email"),
            is_decision_maker=bool(form.get("is_decision_maker")),
        )
    except CrmError as error:
        return respond(company_id, "contacts", error, adding=True)
    return respond(company_id, "contacts", done=_("The contact is added."))


def row_of_company(table: Any, key: Any, value: UUID, company_id: UUID) -> dict[str, Any]:
    """A contact's or attempt's row, 404 unless it belongs to this company (ids in URLs are not trusted)."""
    found = fetch(select(table).where(key == value, table.c.company_id == company_id))
    if not found:
        abort(404)
    return found[0]


def contact_of(company_id: UUID, contact_id: UUID) -> dict[str, Any]:
    return row_of_company(contacts, contacts.c.contact_id, contact_id, company_id)


@bp.post("/<uuid:company_id>/contacts/<uuid:contact_id>")
def change_contact(company_id: UUID, contact_id: UUID):
    """Correct a contact's name, phone and e-mail; a stale form shows the conflict and the current values."""
    contact_of(company_id, contact_id)
    form = request.form
    try:
        perform(
            crm().change_contact_details,
            contact_id,
            form.get("name", ""),
            form.get("phone"),
            form.get("email"),
            expected_version=int(form.get("expected_version", -1)),
        )
    except ValueError:
        abort(400)
    except ConcurrentChange as error:
        return respond(
            company_id,
            "contacts",
            error,
            editing=str(contact_id),
            conflict=unsaved(form, contact_of(company_id, contact_id), ("name", "phone", "email")),
        )
    except CrmError as error:
        return respond(company_id, "contacts", error, editing=str(contact_id))
    return respond(company_id, "contacts", done=_("The contact is saved."))


@bp.post("/<uuid:company_id>/contacts/<uuid:contact_id>/role")
def change_contact_role(company_id: UUID, contact_id: UUID):
    """Record a contact's new role (and whether they decide)."""
    contact_of(company_id, contact_id)
    try:
        perform(
            crm().change_contact_role,
            contact_id,
            request.form.get("role", ""),
            bool(request.form.get("is_decision_maker")),
        )
    except CrmError as error:
        return respond(company_id, "contacts", error)
    return respond(company_id, "contacts", done=_("The role is saved."))


@bp.post("/<uuid:company_id>/contacts/<uuid:contact_id>/archive")
def archive_contact(company_id: UUID, contact_id: UUID):
    """The person has left the company: kept for the history, no longer offered."""
    contact_of(company_id, contact_id)
    try:
        perform(crm().archive_contact, contact_id)
    except CrmError as error:
        return respond(company_id, "contacts", error)
    return respond(company_id, "contacts", done=_("The contact is archived."))


@bp.post("/<uuid:company_id>/attempts")
def log_attempt(company_id: UUID):
    """Log a call, e-mail or visit from the company page."""
    company_or_404(company_id)
    try:
        perform(crm().log_attempt, company_id, **attempt_values(request.form))
    except CrmError as error:
        return respond(company_id, "attempts", error, logging=True)
    return respond(company_id, "attempts", done=_("The attempt is logged."))


def attempt_of(company_id: UUID, attempt_id: UUID) -> dict[str, Any]:
    return row_of_company(attempts, attempts.c.attempt_id, attempt_id, company_id)


@bp.post("/<uuid:company_id>/attempts/<uuid:attempt_id>/correct")
def correct_attempt(company_id: UUID, attempt_id: UUID):
    """Correct a logged attempt, with the reason; the original stays in the history."""
    attempt_of(company_id, attempt_id)
    form = request.form
    try:
        perform(
            crm().correct_attempt,
            attempt_id,
            reason=form.get("reason"),
            channel=form.get("channel", ""),
            outcome=form.get("outcome", ""),
            note=form.get("note"),
            occurred_on=parse_date("occurred_on", form.get("occurred_on")),
            next_follow_up=parse_date("next_follow_up", form.get("next_follow_up")),
            contact_id=parse_id("contact", form.get("contact_id")),
        )
    except CrmError as error:
        return respond(company_id, "attempts", error, correcting=str(attempt_id))
    return respond(company_id, "attempts", done=_("The attempt is corrected."))


@bp.post("/<uuid:company_id>/attempts/<uuid:attempt_id>/void")
def void_attempt(company_id: UUID, attempt_id: UUID):
    """Void an attempt logged in error, with the reason."""
    attempt_of(company_id, attempt_id)
    try:
        perform(crm().void_attempt, attempt_id, reason=request.form.get("reason"))
    except CrmError as error:
        return respond(company_id, "attempts", error, voiding=str(attempt_id))
    return respond(company_id, "attempts", done=_("The attempt is voided."))


# --- the path: whole-page forms, as a move changes most of the page ------------------------------------------
def path_step(company_id: UUID, command, *args: Any, done: str, **kwargs: Any):
    try:
        result = perform(command, company_id, *args, **kwargs)
    except CrmError as error:
        context = company_context(company_id, errors={"path": describe(error)}, form=request.form)
        log_people("page", [p["contact_id"] for p in context["people"]])
        return page_or_fragment("companies/show.html", "companies/_path.html", "company-path", **context), None
    flash(done, "success")
    return redirect(url_for(".show", company_id=company_id), 303), result


@bp.post("/<uuid:company_id>/move")
def move(company_id: UUID):
    """A plain step on the path, e.g. a meeting with management was held."""
    stage = request.form.get("stage", "")
    try:
        version = int(request.form.get("expected_version", -1))
    except ValueError:
        abort(400)
    return path_step(
        company_id,
        crm().move_company,
        stage,
        expected_version=version,
        done=_("The company is moved to %(stage)s.", stage=label("stage", stage)),
    )[0]


@bp.post("/<uuid:company_id>/decline")
def decline(company_id: UUID):
    """The company said no; it may be approached again after the date."""
    return close_round(company_id, crm().decline_company, _("The company is recorded as declined."))


@bp.post("/<uuid:company_id>/park")
def park(company_id: UUID):
    """Pause outreach until a date."""
    return close_round(company_id, crm().park_company, _("The company is parked."))


def close_round(company_id: UUID, command, done: str):
    try:
        again = parse_date("approach_again_after", request.form.get("approach_again_after"))
    except CrmError as error:
        context = company_context(company_id, errors={"path": describe(error)}, form=request.form)
        log_people("page", [p["contact_id"] for p in context["people"]])
        return page_or_fragment("companies/show.html", "companies/_path.html", "company-path", **context)
    return path_step(company_id, command, again, reason=request.form.get("reason"), done=done)[0]


@bp.post("/<uuid:company_id>/reapproach")
def reapproach(company_id: UUID):
    """Start a new round with a declined, parked or finished company."""
    return path_step(company_id, crm().reapproach_company, done=_("A new round has started."))[0]


@bp.post("/<uuid:company_id>/agreement")
def open_agreement(company_id: UUID):
    """Open negotiations on a cooperation agreement and go to it."""
    response, agreement_id = path_step(
        company_id, crm().open_agreement, done=_("Negotiations on a cooperation agreement are open.")
    )
    if agreement_id is None:
        return response
    if request.headers.get("HX-Request"):
        response = make_response("", 204)
        response.headers["HX-Redirect"] = f"/agreements/{agreement_id}"
        return response
    return redirect(f"/agreements/{agreement_id}", 303)


# --- the timeline: the sentence from web/event_sentences, and the free text beneath it -----------------------------
# Free text worth showing under the sentence, by event field.
TIMELINE_DETAIL = ("note", "focus_points", "description")


def timeline_line(entry: dict[str, Any], logged: Any) -> dict[str, Any]:
    data = entry["data"]
    return {
        "id": entry["notification_id"],
        "sentence": logged.sentence,
        "at": as_datetime(entry["occurred_at"]),
        "occurred_at": entry["occurred_at"],
        "details": [str(data[f]) for f in TIMELINE_DETAIL if data.get(f)],
        "reason": entry["reason"],
        "kind": entry["aggregate"],
    }
