"""The pipeline board: companies by stage, filters, counts, stalled companies, and moving a company on its path."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from crm.companies import CLOSED, STAGES
from crm.errors import CrmError, InvalidInput
from crm.permissions import OUTREACH_ROLES
from projections import pipeline as queries
from projections.outreach import OutreachView, companies
from web.labels import choices, label
from web.messages import describe
from web.rendering import page_or_fragment, wants_fragment
from web.services import crm, perform, today, views

bp = Blueprint("pipeline", __name__, url_prefix="/pipeline")

TARGET = "pipeline-board"
DIMENSIONS = {"owner_id": None, "industry": "industry", "arena": "arena", "strategy": "strategy"}
CLOSING = ("declined", "parked")
# Enough to act on without scrolling forever; the counts tell the rest.
CARDS_PER_STAGE = 30
STALLED_SHOWN = 25

# The stages a card's menu offers from each stage; the application still decides.
# A company in negotiation ends through its agreement (terminate), not from the board.
TARGETS: dict[str, tuple[str, ...]] = {
    "identified": ("contacted", "meeting", "negotiating", "declined", "parked"),
    "contacted": ("meeting", "negotiating", "declined", "parked"),
    "meeting": ("contacted", "negotiating", "declined", "parked"),
    "negotiating": ("meeting", "partner"),
    "partner": (),
    **dict.fromkeys(CLOSED, ("identified",)),
}


def company_row(view: OutreachView, company_id: UUID) -> dict[str, Any] | None:
    """One company's row of the outreach read model."""
    with view.transaction(commit=False) as session:
        row = session.execute(select(companies).where(companies.c.company_id == company_id)).first()
    return dict(row._mapping) if row else None


def longest_stalled(view: OutreachView, day: date, days: int, owner_id: UUID | None, limit: int):
    """The `limit` longest-stalled companies, and how many there are in all (a board reads only what it shows)."""
    return queries.stalled(view, day, days, owner_id, limit=limit), queries.count_stalled(view, day, days, owner_id)


def agreement_ids(view: OutreachView) -> dict[UUID, UUID]:
    """The open agreement of each company in negotiation or partnership, for the cards' links."""
    query = select(companies.c.company_id, companies.c.agreement_id).where(
        companies.c.stage.in_(("negotiating", "partner")), companies.c.agreement_id.is_not(None)
    )
    with view.transaction(commit=False) as session:
        return dict(session.execute(query).all())


def _uuid(text: str | None) -> UUID | None:
    try:
        return UUID(text) if text else None
    except ValueError:
        return None


def _filters() -> dict[str, Any]:
    """The board's filters from the query string; unknown values simply match nothing."""
    found: dict[str, Any] = {name: request.args.get(name) for name in ("industry", "arena", "strategy")}
    found["owner_id"] = _uuid(request.args.get("owner"))
    return {name: value for name, value in found.items() if value}


def _query_args() -> dict[str, str]:
    """The filter arguments to carry over to the next request (move forms, redirects)."""
    return {k: v for k, v in request.args.items() if k in ("owner", "industry", "arena", "strategy", "by") and v}


def _target_title(from_stage: str, stage: str) -> str:
    if stage == "identified" and from_stage in CLOSED:
        return _("Identified (approach again, new round)")
    return label("stage", stage)


def _columns(view: OutreachView, day: date, filters: dict[str, Any], names: dict, focus: dict | None):
    may_move = current_user.may("outreach")
    agreements = agreement_ids(view)
    columns, shown = [], False
    for stage, column in queries.board(view, day, per_stage=CARDS_PER_STAGE, **filters).items():
        cards = []
        for row in column["companies"]:
            here = focus is not None and focus["company_id"] == row["company_id"]
            shown = shown or here
            cards.append(_card(row, stage, names, may_move, focus if here else None))
            cards[-1]["agreement_id"] = agreements.get(row["company_id"])
        columns.append(
            {
                "stage": stage,
                "title": label("stage", stage),
                "count": column["count"],
                "cards": cards,
                "more": column["count"] - len(cards),
                "closed": stage in CLOSED,
            }
        )
    return columns, shown


def _card(row: dict[str, Any], stage: str, names: dict, may_move: bool, focus: dict | None) -> dict[str, Any]:
    return {
        **row,
        "stage": stage,
        "owner_name": names.get(row["owner_id"]),
        "targets": [(s, _target_title(stage, s)) for s in TARGETS[stage]] if may_move else [],
        "focus": focus,
    }


def _summary(view: OutreachView, dimension: str, filters: dict[str, Any], names: dict) -> list[dict[str, Any]]:
    """Counts per value of one dimension and stage, as table rows."""
    table: dict[Any, dict[str, Any]] = {}
    for row in queries.counts_by(view, dimension, **filters):
        value = row["value"]
        if value is None:
            title = _("Not set")
        elif dimension == "owner_id":
            title = names.get(value, _("Unknown user"))
        else:
            title = label(DIMENSIONS[dimension], value)
        entry = table.setdefault(value, {"title": title, "counts": dict.fromkeys(STAGES, 0), "total": 0})
        entry["counts"][row["stage"]] = row["count"]
        entry["total"] += row["count"]
    return sorted(table.values(), key=lambda entry: str(entry["title"]).lower())


def _render(focus: dict | None = None, notice: dict | None = None):
    """The board page, or only the board when htmx swaps it; `focus` puts a message or a step on one card."""
    filters = _filters()
    projector = views()
    view, day = projector["outreach"], today()
    names = projector["users"].names()
    dimension = request.args.get("by") if request.args.get("by") in DIMENSIONS else "industry"
    dimensions = [
        ("owner_id", _("Owner")),
        ("industry", _("Industry")),
        ("arena", _("Arena")),
        ("strategy", _("Strategy")),
    ]
    columns, shown = _columns(view, day, filters, names, focus)
    stalled, stalled_total = longest_stalled(
        view, day, current_app.config["STALLED_DAYS"], filters.get("owner_id"), STALLED_SHOWN
    )
    for row in stalled:
        row["owner_name"] = names.get(row["owner_id"])
    loose_card = None
    if focus is not None and not shown:
        # The company is outside the filters or the column's first cards: show its card on its own.
        row = company_row(view, focus["company_id"])
        if row is not None:
            row["days_in_stage"] = (day - row["stage_since"].date()).days
            loose_card = _card(row, row["stage"], names, current_user.may("outreach"), focus)
            loose_card["agreement_id"] = row["agreement_id"] if row["stage"] in ("negotiating", "partner") else None
    owners = [
        (str(u["user_id"]), u["display_name"]) for u in projector["users"].all_users() if u["role"] in OUTREACH_ROLES
    ]
    return page_or_fragment(
        "pipeline/board.html",
        "pipeline/_board.html",
        TARGET,
        columns=[c for c in columns if not c["closed"]],
        closed_columns=[c for c in columns if c["closed"]],
        loose_card=loose_card,
        notice=notice,
        stalled=stalled,
        stalled_more=stalled_total - len(stalled),
        stalled_days=current_app.config["STALLED_DAYS"],
        stages=[(s, label("stage", s)) for s in STAGES],
        summary=_summary(view, dimension, filters, names),
        dimension=dimension,
        dimension_title=dict(dimensions)[dimension],
        dimensions=dimensions,
        owners=owners,
        industries=choices("industry"),
        arenas=choices("arena"),
        strategies=choices("strategy"),
        args=request.args,
        query=_query_args(),
    )


@bp.get("")
def board():
    """The pipeline: a column per stage with counts and age in stage, a summary, and stalled companies."""
    return _render()


@bp.post("/companies/<uuid:company_id>/move")
def move(company_id: UUID):
    """Move a company on its path: a plain step, or the step's own command (agreement, decline, park, new round)."""
    company = company_row(views()["outreach"], company_id)
    if company is None:
        abort(404)
    form = request.form
    stage = form.get("stage", "")
    focus = {"company_id": company_id, "stage": stage}
    try:
        if stage == "negotiating":
            if not form.get("confirmed"):
                return _render({**focus, "step": "confirm_negotiation"})
            agreement_id = perform(crm().open_agreement, company_id)
            return _go_to(url_for("agreements.show", agreement_id=agreement_id))
        if stage == "partner":
            return _render({**focus, "step": "partner", **_partner_refusal(company)})
        if stage in CLOSING:
            if "reason" not in form:
                return _render({**focus, "step": "closing"})
            command = crm().decline_company if stage == "declined" else crm().park_company
            perform(
                command, company_id, approach_again_after=_form_date("approach_again_after"), reason=form.get("reason")
            )
        elif stage == "identified" and company["stage"] in CLOSED:
            perform(crm().reapproach_company, company_id)
        else:
            perform(crm().move_company, company_id, stage, expected_version=_form_int("version"))
    except CrmError as error:
        step = "closing" if stage in CLOSING else None
        return _render({**focus, "step": step, "error": describe(error), "form": form})
    return _moved(_("%(company)s moved to %(stage)s.", company=company["name"], stage=label("stage", stage)))


def _partner_refusal(company: dict[str, Any]) -> dict[str, Any]:
    """Why the board cannot make a partner: signing the agreement does, once the buy-in is in place."""
    agreement = views()["agreements"].agreement(company["agreement_id"]) if company["agreement_id"] else None
    if agreement is None:
        return {
            "error": _(
                "A company becomes a partner when its cooperation agreement is signed. "
                "Move it to buy-in negotiation first to open the agreement."
            ),
            "agreement": None,
        }
    missing = [r["label"] or label("requirement", r["key"]) for r in agreement["requirements"] if not r["met"]]
    if missing:
        text = _(
            "A company becomes a partner when its cooperation agreement is signed, and it cannot be signed "
            "until top management's buy-in is in place. Missing:"
        )
    else:
        text = _(
            "The buy-in is in place: sign the cooperation agreement on its page, and the company becomes a partner."
        )
    return {"error": text, "missing": missing, "agreement": agreement}


def _moved(message: str):
    if wants_fragment(TARGET):
        return _render(notice={"kind": "success", "text": message})
    flash(message, "success")
    return redirect(url_for("pipeline.board", **_query_args()), 303)


def _go_to(url: str):
    """A full-page navigation: a redirect, or for htmx the HX-Redirect header."""
    if wants_fragment(TARGET):
        response = Response(status=200, headers={"HX-Redirect": url})
        response.vary.update(["HX-Request", "HX-Target"])
        return response
    return redirect(url, 303)


def _form_date(field: str) -> date | None:
    text = request.form.get(field, "").strip()
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise InvalidInput(field=field, problem="is not a date") from None


def _form_int(field: str) -> int | None:
    text = request.form.get(field, "").strip()
    return int(text) if text.isdigit() else None
