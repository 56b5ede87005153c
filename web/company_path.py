"""A company's step on its path from the company page: whole-page forms, as a step changes most of the page.

Which steps the page offers comes from crm.companies.next_steps, as the board's menus do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from flask import flash, make_response, redirect, request, url_for

from crm.errors import CrmError
from web import params
from web.companies import bp, log_people
from web.company_page import company_context
from web.labels import label
from web.messages import describe
from web.rendering import page_or_fragment, wants_fragment
from web.services import crm, perform
from web.translating import gettext as _


def path_step(company_id: UUID, run: Callable[[], Any], done: str) -> tuple[Any, Any]:
    """Run one step on the path; on a refusal the page comes back with the message by the path."""
    try:
        result = run()
    except CrmError as error:
        context = company_context(
            company_id, timeline=not wants_fragment("company-path"), errors={"path": describe(error)}, form=request.form
        )
        log_people("page", [p["contact_id"] for p in context["people"]])
        return page_or_fragment("companies/show.html", "companies/_path.html", "company-path", **context), None
    flash(done, "success")
    return redirect(url_for(".show", company_id=company_id), 303), result


@bp.post("/<uuid:company_id>/move")
def move(company_id: UUID):
    """A plain step on the path, e.g. a meeting with management was held."""
    stage = params.filter_text(request.form, "stage")
    version = params.version(request.form, required=True)
    return path_step(
        company_id,
        lambda: perform(crm().move_company, company_id, stage, expected_version=version),
        _("The company is moved to %(stage)s.", stage=label("stage", stage)),
    )[0]


@bp.post("/<uuid:company_id>/decline")
def decline(company_id: UUID):
    """The company said no; it may be approached again after the date."""
    return close_round(company_id, crm().decline_company, _("The company is recorded as declined."))


@bp.post("/<uuid:company_id>/park")
def park(company_id: UUID):
    """Pause outreach until a date."""
    return close_round(company_id, crm().park_company, _("The company is parked."))


def close_round(company_id: UUID, command: Callable[..., Any], done: str):
    form = request.form
    return path_step(
        company_id,
        lambda: perform(command, company_id, params.form_date(form, "approach_again_after"), reason=form.get("reason")),
        done,
    )[0]


@bp.post("/<uuid:company_id>/reapproach")
def reapproach(company_id: UUID):
    """Start a new round with a declined, parked or finished company."""
    return path_step(company_id, lambda: perform(crm().reapproach_company, company_id), _("A new round has started."))[
        0
    ]


@bp.post("/<uuid:company_id>/agreement")
def open_agreement(company_id: UUID):
    """Open negotiations on a cooperation agreement and go to it."""
    response, agreement_id = path_step(
        company_id,
        lambda: perform(crm().open_agreement, company_id),
        _("Negotiations on a cooperation agreement are open."),
    )
    if agreement_id is None:
        return response
    target = url_for("agreements.show", agreement_id=agreement_id)
    if request.headers.get("HX-Request"):
        response = make_response("", 204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, 303)
