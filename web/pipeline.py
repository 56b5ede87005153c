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
from flask_login import current_user

import projections
from crm.companies import next_steps
from crm.errors import CrmError
from crm.vocabulary import CLOSED, NEGOTIATING, PARTNER, STAGES
from web import params
from web.labels import choices, label
from web.messages import describe
from web.rendering import page_or_fragment, varies_by_htmx, wants_fragment
from web.services import crm, owners, perform, today, user_names, views
from web.translating import gettext as _

bp = Blueprint("pipeline", __name__, url_prefix="/pipeline")

TARGET = "pipeline-board"
DIMENSIONS = ("owner_id", "industry", "arena", "strategy")
CLOSING = ("decline", "park")  # the steps that ask for a reason and a date first
# Enough to act on without scrolling forever; the counts tell the rest.
CARDS_PER_STAGE = 30
STALLED_SHOWN = 25


def board_filters() -> dict[str, Any]:
    """The board's filters from the query string; unknown values simply match nothing."""
    found: dict[str, Any] = {name: params.filter_text(request.args, name) for name in ("industry", "arena", "strategy")}
    found["owner_id"] = params.identifier(request.args, "owner")
    return {name: value for name, value in found.items() if value}


def _query_args() -> dict[str, Any]:
    """The filter arguments to carry over to the next request (move forms, redirects)."""
    return {k: v for k, v in request.args.items() if k in ("owner", "industry", "arena", "strategy", "by") and v}


def _target_title(from_stage: str, stage: str) -> str:
    if stage == "identified" and from_stage in CLOSED:
        return _("Identified (approach again, new round)")
    return label("stage", stage)


def _columns(view: Any, day: date, filters: dict[str, Any], names: dict, focus: dict | None):
    may_move = current_user.may("outreach")
    columns, shown = [], False
    for stage, column in projections.board(view, day, per_stage=CARDS_PER_STAGE, **filters).items():
        cards = []
        for row in column["companies"]:
            here = focus is not None and focus["company_id"] == row["company_id"]
            shown = shown or here
            cards.append(_card(row, names, may_move, focus if here else None))
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


def _card(row: projections.Card, names: dict, may_move: bool, focus: dict | None) -> dict[str, Any]:
    stage = row["stage"]
    return {
        **row,
        "owner_name": names.get(row["owner_id"]),
        "targets": [(s, _target_title(stage, s)) for s in next_steps(stage)] if may_move else [],
        "focus": focus,
        # The agreement a card links to: the one being negotiated or signed.
        "agreement_id": row["agreement_id"] if stage in (NEGOTIATING, PARTNER) else None,
    }


def _summary(view: Any, dimension: str, filters: dict[str, Any], names: dict) -> list[dict[str, Any]]:
    """Counts per value of one dimension and stage, as table rows."""
    table: dict[Any, dict[str, Any]] = {}
    for row in projections.counts_by(view, dimension, **filters):
        value = row["value"]
        if value is None:
            title = _("Not set")
        elif dimension == "owner_id":
            title = names.get(value, _("Unknown user"))
        else:
            title = label(dimension, value)  # the other dimensions are vocabularies of the same name
        entry = table.setdefault(value, {"title": title, "counts": dict.fromkeys(STAGES, 0), "total": 0})
        entry["counts"][row["stage"]] = row["count"]
        entry["total"] += row["count"]
    return sorted(table.values(), key=lambda entry: str(entry["title"]).lower())


def _render(focus: dict | None = None, notice: dict | None = None):
    """The board page, or only the board when htmx swaps it; `focus` puts a message or a step on one card."""
    filters = board_filters()
    projector = views()
    view, day = projector["outreach"], today()
    names = user_names()
    dimension = params.choice(request.args, "by", DIMENSIONS, "industry")
    dimensions = [
        ("owner_id", _("Owner")),
        ("industry", _("Industry")),
        ("arena", _("Arena")),
        ("strategy", _("Strategy")),
    ]
    columns, shown = _columns(view, day, filters, names, focus)
    stalled_days, owner_id = current_app.config["STALLED_DAYS"], filters.get("owner_id")
    stalled = projections.stalled(view, day, stalled_days, owner_id, limit=STALLED_SHOWN)
    stalled_total = projections.count_stalled(view, day, stalled_days, owner_id, cap=projections.COUNT_CAP)
    stalled_rows = [{**row, "owner_name": names.get(row["owner_id"])} for row in stalled]
    loose_card = None
    if focus is not None and not shown:
        # The company is outside the filters or the column's first cards: show its card on its own.
        row = projections.card(view, focus["company_id"], day)
        if row is not None:
            loose_card = _card(row, names, current_user.may("outreach"), focus)
    owner_choices = [(str(u["user_id"]), u["display_name"]) for u in owners(projector)]
    return page_or_fragment(
        "pipeline/board.html",
        "pipeline/_board.html",
        TARGET,
        columns=[c for c in columns if not c["closed"]],
        closed_columns=[c for c in columns if c["closed"]],
        loose_card=loose_card,
        notice=notice,
        stalled=stalled_rows,
        stalled_more=stalled_total - len(stalled),
        stalled_capped=stalled_total > projections.COUNT_CAP,
        stalled_cap=projections.COUNT_CAP,
        stalled_days=current_app.config["STALLED_DAYS"],
        stages=[(s, label("stage", s)) for s in STAGES],
        summary=_summary(view, dimension, filters, names),
        dimension=dimension,
        dimension_title=dict(dimensions)[dimension],
        dimensions=dimensions,
        owners=owner_choices,
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
    company = projections.company(views()["outreach"], company_id)
    if company is None:
        abort(404)
    form = request.form
    stage = params.filter_text(form, "stage")
    focus = {"company_id": company_id, "stage": stage}
    # A step off the path is tried as a plain move, which the application refuses with the reason.
    how = next_steps(company["stage"]).get(stage, "move")
    try:
        if how == "open_agreement":
            if not form.get("confirmed"):
                return _render({**focus, "step": "confirm_negotiation"})
            agreement_id = perform(crm().open_agreement, company_id)
            return _go_to(url_for("agreements.show", agreement_id=agreement_id))
        if stage == PARTNER:
            return _render({**focus, "step": "partner", **_partner_refusal(company)})
        if how in CLOSING:
            if "reason" not in form:
                return _render({**focus, "step": "closing"})
            command = crm().decline_company if how == "decline" else crm().park_company
            perform(
                command,
                company_id,
                approach_again_after=params.form_date(form, "approach_again_after"),
                reason=form.get("reason"),
            )
        elif how == "reapproach":
            perform(crm().reapproach_company, company_id)
        else:
            perform(crm().move_company, company_id, stage, expected_version=params.version(form, "version"))
    except CrmError as error:
        step = "closing" if how in CLOSING else None
        return _render({**focus, "step": step, "error": describe(error), "form": form})
    return _moved(_("%(company)s moved to %(stage)s.", company=company["name"], stage=label("stage", stage)))


def _partner_refusal(company: projections.CompanyRow) -> dict[str, Any]:
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
        return varies_by_htmx(Response(status=200, headers={"HX-Redirect": url}))
    return redirect(url, 303)
