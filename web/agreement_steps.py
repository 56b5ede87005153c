"""The steps of one cooperation agreement: buy-in and signing, delivery, feedback, commitments, the end.

Routes of the agreements blueprint (web/agreements.py); each runs one command and shows the agreement again.
"""

from __future__ import annotations

from uuid import UUID

from flask import request

from web import params
from web.agreements import act, bp
from web.services import crm, perform
from web.translating import gettext as _

# --- buy-in and signing ---------------------------------------------------------------------------------


@bp.post("/<uuid:agreement_id>/requirements/confirm")
def confirm_requirement(agreement_id: UUID):
    """Top management committed to one requirement (the sponsor is a named top-management contact)."""
    form = request.form
    return act(
        agreement_id,
        "buy-in",
        lambda: perform(
            crm().confirm_requirement,
            agreement_id,
            form.get("key", ""),
            contact_id=params.form_id(request.form, "contact"),
            confirmed_on=params.form_date(request.form, "confirmed_on"),
            expected_version=params.version(request.form, "version"),
        ),
        _("The requirement is confirmed."),
    )


@bp.post("/<uuid:agreement_id>/requirements/withdraw")
def withdraw_requirement(agreement_id: UUID):
    """Top management took a commitment back: the requirement is missing again."""
    form = request.form
    return act(
        agreement_id,
        "buy-in",
        lambda: perform(
            crm().withdraw_requirement,
            agreement_id,
            form.get("key", ""),
            expected_version=params.version(request.form, "version"),
            reason=form.get("reason"),
        ),
        _("The requirement was withdrawn."),
    )


@bp.post("/<uuid:agreement_id>/requirements")
def add_requirement(agreement_id: UUID):
    """Add the municipality's own buy-in requirement."""
    return act(
        agreement_id,
        "buy-in",
        lambda: perform(
            crm().add_requirement,
            agreement_id,
            request.form.get("label", ""),
        ),
        _("The requirement was added."),
    )


@bp.post("/<uuid:agreement_id>/sign")
def sign(agreement_id: UUID):
    """Sign the agreement; refused with the missing buy-in listed."""
    return act(
        agreement_id,
        "buy-in",
        lambda: perform(
            crm().sign_agreement,
            agreement_id,
            signed_on=params.form_date(request.form, "signed_on"),
        ),
        _("The agreement is signed. The company is now a partner."),
    )


# --- delivery, feedback, follow-up -----------------------------------------------------------------------


@bp.post("/<uuid:agreement_id>/plan")
def plan(agreement_id: UUID):
    """Set how many health checks and conversations the municipality will deliver."""
    return act(
        agreement_id,
        "delivery",
        lambda: perform(
            crm().plan_services,
            agreement_id,
            params.form_count(request.form, "health_checks"),
            params.form_count(request.form, "conversations"),
            expected_version=params.version(request.form, "version"),
        ),
        _("The plan was saved."),
    )


@bp.post("/<uuid:agreement_id>/deliveries")
def record_delivery(agreement_id: UUID):
    """Count the checks, conversations and referrals of a day on site."""
    return act(
        agreement_id,
        "delivery",
        lambda: perform(
            crm().record_delivery,
            agreement_id,
            health_checks=params.form_count(request.form, "health_checks"),
            conversations=params.form_count(request.form, "conversations"),
            referrals=params.form_count(request.form, "referrals"),
            delivered_on=params.form_date(request.form, "delivered_on"),
            expected_version=params.version(request.form, "version"),
        ),
        _("The delivery was recorded."),
    )


@bp.post("/<uuid:agreement_id>/feedback")
def feedback(agreement_id: UUID):
    """Record the written feedback to the company and its focus points."""
    return act(
        agreement_id,
        "feedback",
        lambda: perform(
            crm().deliver_feedback,
            agreement_id,
            focus_points=request.form.get("focus_points"),
            delivered_on=params.form_date(request.form, "delivered_on"),
        ),
        _("The written feedback was recorded."),
    )


@bp.post("/<uuid:agreement_id>/follow-up")
def follow_up(agreement_id: UUID):
    """Record the follow-up about a month after the feedback."""
    return act(
        agreement_id,
        "follow-up",
        lambda: perform(
            crm().hold_follow_up,
            agreement_id,
            note=request.form.get("note"),
            held_on=params.form_date(request.form, "held_on"),
        ),
        _("The follow-up was recorded."),
    )


# --- structural commitments -----------------------------------------------------------------------------


@bp.post("/<uuid:agreement_id>/commitments")
def add_commitment(agreement_id: UUID):
    """Record a structural change the company commits to."""
    form = request.form
    return act(
        agreement_id,
        "commitments",
        lambda: perform(
            crm().add_commitment,
            agreement_id,
            form.get("kind", ""),
            form.get("description", ""),
            owner_contact_id=params.form_id(request.form, "contact"),
            due_on=params.form_date(request.form, "due_on"),
        ),
        _("The commitment was added."),
    )


@bp.post("/<uuid:agreement_id>/commitments/<commitment_id>/fulfil")
def fulfil_commitment(agreement_id: UUID, commitment_id: str):
    """The company made the change it committed to."""
    return act(
        agreement_id,
        "commitments",
        lambda: perform(
            crm().fulfil_commitment,
            agreement_id,
            commitment_id,
            fulfilled_on=params.form_date(request.form, "fulfilled_on"),
        ),
        _("The commitment is fulfilled."),
    )


@bp.post("/<uuid:agreement_id>/commitments/<commitment_id>/abandon")
def abandon_commitment(agreement_id: UUID, commitment_id: str):
    """The company gave a commitment up; the reason is kept."""
    return act(
        agreement_id,
        "commitments",
        lambda: perform(
            crm().abandon_commitment,
            agreement_id,
            commitment_id,
            reason=request.form.get("reason"),
        ),
        _("The commitment was abandoned."),
    )


# --- the end ----------------------------------------------------------------------------------------------


@bp.post("/<uuid:agreement_id>/complete")
def complete(agreement_id: UUID):
    """Close a delivered agreement after the feedback and the follow-up."""
    return act(
        agreement_id,
        "closing",
        lambda: perform(crm().complete_agreement, agreement_id),
        _("The agreement is completed."),
    )


@bp.post("/<uuid:agreement_id>/terminate")
def terminate(agreement_id: UUID):
    """End the cooperation early, with the reason."""
    return act(
        agreement_id,
        "closing",
        lambda: perform(
            crm().terminate_agreement,
            agreement_id,
            reason=request.form.get("reason"),
        ),
        _("The agreement was terminated."),
    )
