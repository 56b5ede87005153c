"""What each slug of the domain's closed lists is called on screen (English here, Danish in the catalogue)."""

from __future__ import annotations

from typing import Any

from babel.support import NullTranslations
from flask import g, has_request_context
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l

LABELS = {
    "stage": {
        "identified": _l("Identified"),
        "contacted": _l("Contacted"),
        "meeting": _l("Meeting with management"),
        "negotiating": _l("Buy-in negotiation"),
        "partner": _l("Partner"),
        "completed": _l("Completed"),
        "ended": _l("Ended"),
        "declined": _l("Declined"),
        "parked": _l("Parked"),
    },
    "role": {
        "recruiter": _l("Recruiter"),
        "consultant": _l("Business consultant"),
        "health_consultant": _l("Health consultant"),
        "project_lead": _l("Project lead"),
        "auditor": _l("Auditor"),
        "admin": _l("Administrator"),
    },
    "department": {
        "health": _l("Health"),
        "business_service": _l("Business service"),
        "job_centre": _l("Job centre"),
        "hr": _l("HR"),
        "other": _l("Other"),
    },
    "contact_role": {
        "top_management": _l("Top management"),
        "manager": _l("Manager"),
        "hr": _l("HR"),
        "union_representative": _l("Union representative"),
        "work_environment_representative": _l("Work-environment representative"),
        "other": _l("Other"),
    },
    "industry": {
        "care": _l("Care"),
        "cleaning": _l("Cleaning"),
        "transport": _l("Transport"),
        "production": _l("Production"),
        "agriculture": _l("Agriculture"),
        "construction": _l("Construction"),
        "retail": _l("Retail"),
        "public_administration": _l("Public administration"),
        "other": _l("Other"),
    },
    "sector": {"private": _l("Private"), "public": _l("Public")},
    "channel": {
        "call": _l("Call"),
        "email": _l("E-mail"),
        "visit": _l("Visit"),
        "sms": _l("SMS"),
        "letter": _l("Letter"),
        "network_meeting": _l("Network meeting"),
    },
    "outcome": {
        "no_answer": _l("No answer"),
        "call_back": _l("Call back"),
        "not_now": _l("Not now"),
        "declined": _l("Declined"),
        "interested": _l("Interested"),
        "meeting_booked": _l("Meeting booked"),
    },
    "arena": {
        "workplace_private": _l("Private workplaces"),
        "workplace_public": _l("Public workplaces"),
        "municipal_actor": _l("Municipal actors"),
        "union": _l("Unions"),
        "public": _l("The public"),
        "online": _l("Online fora"),
        "housing_association": _l("Housing associations"),
        "business_network": _l("Business networks"),
        "event": _l("Events"),
    },
    "strategy": {"open": _l("Open"), "bounded": _l("Bounded"), "targeted": _l("Targeted")},
    "partner_kind": {
        "union": _l("Union"),
        "housing_association": _l("Housing association"),
        "business_network": _l("Business network"),
        "company_sports": _l("Company sports"),
        "other": _l("Other"),
    },
    "urgency": {"low": _l("Low"), "normal": _l("Normal"), "high": _l("High")},
    "lead_status": {"open": _l("Open"), "claimed": _l("Claimed"), "declined": _l("Declined")},
    "agreement_status": {
        "negotiating": _l("In negotiation"),
        "signed": _l("Signed"),
        "completed": _l("Completed"),
        "terminated": _l("Terminated"),
    },
    "commitment_kind": {
        "exercise_in_working_hours": _l("Exercise in working hours"),
        "smoking_cessation_in_working_hours": _l("Smoking cessation in working hours"),
        "healthier_canteen": _l("Healthier canteen"),
        "fruit_scheme": _l("Fruit scheme"),
        "health_policy": _l("Health policy"),
        "smoking_policy": _l("Smoking policy"),
        "health_ambassadors": _l("Health ambassadors"),
        "workplace_assessment": _l("Health in the workplace assessment (APV)"),
        "other": _l("Other"),
    },
    "commitment_status": {
        "open": _l("Open"),
        "due_soon": _l("Due soon"),
        "overdue": _l("Overdue"),
        "fulfilled": _l("Fulfilled"),
        "abandoned": _l("Abandoned"),
    },
    "requirement": {
        "top_management_sponsor": _l("A named sponsor in top management"),
        "conversations_in_working_hours": _l("Conversations in working hours"),
        "rooms_on_site": _l("Rooms on site"),
        "company_coordinator": _l("A coordinator at the company"),
    },
    "kind": {
        "company": _l("company"),
        "contact": _l("contact"),
        "attempt": _l("attempt"),
        "agreement": _l("agreement"),
        "lead": _l("lead"),
        "partner": _l("channel partner"),
        "user": _l("user"),
        "cvr": _l("CVR number"),
        "record": _l("record"),
        "token": _l("API token"),
        "webhook": _l("webhook"),
        "access_log": _l("access log"),
    },
    # The read models' tables, as the tamper check names one that differs from a fresh replay.
    "table": {
        "rm_absences": _l("absences"),
        "rm_agreements": _l("agreements"),
        "rm_attempts": _l("attempts"),
        "rm_commitments": _l("structural commitments"),
        "rm_commitments_made": _l("commitments made (reports)"),
        "rm_companies": _l("companies"),
        "rm_company_counts": _l("companies counted per stage (screens)"),
        "rm_contacts": _l("contacts"),
        "rm_deliveries": _l("deliveries (reports)"),
        "rm_leads": _l("leads"),
        "rm_live_leads": _l("live leads per company (call list)"),
        "rm_partners": _l("channel partners"),
        "rm_report_attempts": _l("attempts by round (reports)"),
        "rm_report_rounds": _l("company rounds summed up (reports)"),
        "rm_requirements": _l("buy-in requirements"),
        "rm_stage_entries": _l("stages reached (reports)"),
        "rm_timeline": _l("timeline entries"),
        "rm_timeline_subjects": _l("what each timeline entry is about"),
        "rm_users": _l("users"),
        "rm_workplaces": _l("workplaces"),
    },
    "legal_basis": {
        "art17_1_a_no_longer_necessary": _l("No longer necessary (GDPR Art. 17(1)(a))"),
        "art17_1_b_consent_withdrawn": _l("Consent withdrawn (GDPR Art. 17(1)(b))"),
        "art17_1_c_objection": _l("Objection (GDPR Art. 17(1)(c))"),
        "art17_1_d_unlawful": _l("Unlawfully processed (GDPR Art. 17(1)(d))"),
        "art17_1_e_legal_obligation": _l("Legal obligation (GDPR Art. 17(1)(e))"),
        "retention_expired": _l("Retention period expired"),
    },
    "field": {
        "file": _l("File"),
        "row": _l("Row"),
        "name": _l("Name"),
        "cvr": _l("CVR number"),
        "p_number": _l("P-number"),
        "industry": _l("Industry"),
        "size_band": _l("Size"),
        "address": _l("Address"),
        "sector": _l("Sector"),
        "target_group_note": _l("Target group"),
        "owner": _l("Owner"),
        "phone": _l("Phone"),
        "email": _l("E-mail"),
        "role": _l("Role"),
        "contact": _l("Contact"),
        "company": _l("Company"),
        "channel": _l("Channel"),
        "outcome": _l("Outcome"),
        "note": _l("Note"),
        "occurred_on": _l("Date"),
        "next_follow_up": _l("Next follow-up"),
        "approach_again_after": _l("Approach again after"),
        "reason": _l("Reason"),
        "lead_reason": _l("Why this company"),
        "urgency": _l("Urgency"),
        "description": _l("Description"),
        "kind": _l("Kind"),
        "due_on": _l("Due date"),
        "password": _l("Password"),
        "username": _l("Username"),
        "display_name": _l("Display name"),
        "department": _l("Department"),
        "language": _l("Language"),
        "requirement": _l("Requirement"),
        "health_checks": _l("Health checks"),
        "conversations": _l("Health conversations"),
        "referrals": _l("Referrals"),
        "delivery": _l("Delivery"),
        "delivered_on": _l("Delivered on"),
        "feedback": _l("Written feedback"),
        "follow_up": _l("Follow-up"),
        "attempts_before_flag": _l("Attempts before the company is flagged"),
        "min_gap_minutes": _l("Minutes between two calls"),
        "completion": _l("Completion"),
        "commitment": _l("Commitment"),
        "workplace": _l("Workplace"),
        "lead": _l("Lead"),
        "source_partner": _l("Source"),
        "signed_on": _l("Signed on"),
        "held_on": _l("Held on"),
        "fulfilled_on": _l("Fulfilled on"),
        "suggested_role": _l("Suggested contact role"),
        "arena": _l("Arena"),
        "strategy": _l("Strategy"),
        "stage": _l("Stage"),
        "version": _l("Version"),
        "search": _l("Search"),
        "focus_points": _l("Focus points"),
        "confirmed_on": _l("Confirmed on"),
        "label": _l("Label"),
        "expires_on": _l("Expires on"),
        "url": _l("Address (URL)"),
        "event_types": _l("Event types"),
        "legal_basis": _l("Legal basis"),
        # The fields of a record's stored state, as the audit's version diff names them.
        "status": _l("Status"),
        "requirements": _l("Buy-in requirements"),
        "met": _l("Met"),
        "confirmed_by": _l("Confirmed by"),
        "commitments": _l("Structural commitments"),
        "state": _l("State"),
        "closed_on": _l("Closed on"),
        "planned": _l("Planned"),
        "delivered": _l("Delivered"),
        "active": _l("Active"),
        "archived": _l("Archived"),
        "is_decision_maker": _l("Decision maker"),
        "round": _l("Round"),
        "claimed_by": _l("Taken on by"),
        "shared_by": _l("Shared by"),
        "started_attempt": _l("First attempt"),
        "termination_reason": _l("Reason for termination"),
        "closed_reason": _l("Reason for closing"),
        "register_ceased": _l("Ceased in the CVR register"),
        "register_protected": _l("Protected in the CVR register"),
        "workplaces": _l("Workplaces"),
        "voided": _l("Voided"),
        "erased": _l("Erased"),
        "erasure_basis": _l("Basis for erasure"),
        "follow_up_on": _l("Follow-up on"),
        "feedback_on": _l("Written feedback on"),
        "default_follow_up": _l("Default follow-up"),
        "suggested_contact": _l("Suggested contact"),
        "user": _l("User"),
        "agreement": _l("Agreement"),
        "attempt": _l("Attempt"),
        "first_day": _l("First day"),
        "last_day": _l("Last day"),
        "stand_in": _l("Stand-in"),
    },
}


def label(vocabulary: str, value: object) -> str:
    """The on-screen name of a slug; unknown values (custom requirements, free text) show as they are."""
    if value is None:
        return ""
    found = LABELS.get(vocabulary, {}).get(str(value))
    return _shown(found) if found is not None else str(value)


def request_translations() -> NullTranslations:
    """The request's catalogue, looked up once per request: Flask-Babel looks up the context, the locale and its
    cache on every call, and a screen translates a few hundred strings (its labels and its template's)."""
    found: NullTranslations | None = g.get("crm_translations")
    if found is None:
        found = g.crm_translations = get_translations()
    return found


def _shown(text: Any) -> str:
    """A label (Flask-Babel's lazy string of one message) in the request's language, from `request_translations`;
    as the lazy string itself says outside a request."""
    message = getattr(text, "_args", None)
    if not has_request_context() or not message or len(message) != 1 or getattr(text, "_kwargs", True):
        return str(text)
    return request_translations().ugettext(message[0])


def choices(vocabulary: str) -> list[tuple[str, str]]:
    """(slug, label) pairs for a select element, in the list's own order."""
    return [(slug, str(text)) for slug, text in LABELS[vocabulary].items()]
