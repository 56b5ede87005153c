"""Who may open which route: one explicit table, checked before every request.

Every endpoint of the application has a rule here, and a route without one is
refused (403) rather than served: tests/web/test_access.py walks the URL map and
fails for a route that is missing, and asserts for every route and every role the
answer the rule gives. The application checks each command's permission again
(crm/permissions.py), whatever the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user, login_url

from web import session_policy
from web.extensions import htmx, login_manager
from web.services import crm


@dataclass(frozen=True)
class Rule:
    signed_in: bool
    permission: str | None = None
    # Authenticated by an API token (web/api/auth.py), never by the session.
    token: bool = False


PUBLIC = Rule(signed_in=False)
SIGNED_IN = Rule(signed_in=True)


def needs(permission: str) -> Rule:
    return Rule(signed_in=True, permission=permission)


def api(permission: str | None = None) -> Rule:
    """An API route: its token's owner must have the permission (any active user when None)."""
    return Rule(signed_in=True, permission=permission, token=True)


ROUTES: dict[str, Rule] = {
    # Anyone: the files, the sign-in page; signing out when already signed out is harmless.
    "static": PUBLIC,
    "favicon": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    # Liveness and readiness for the load balancer: no sign-in, no personal data.
    "health.live": PUBLIC,
    "health.ready": PUBLIC,
    # Every signed-in user: the start page (it sends each role to its own) and the language.
    "home": SIGNED_IN,
    "auth.language": SIGNED_IN,
    # Users and the sign-in log: the administrator's job; the auditor reads the log too.
    "admin.users": needs("administer_users"),
    "admin.add_user": needs("administer_users"),
    "admin.change_user": needs("administer_users"),
    "sign_ins.index": needs("review_sign_ins"),
    # A user's own API tokens; an administrator's page shows and makes everyone's.
    "settings.tokens": needs("own_account"),
    "settings.create_token": needs("own_account"),
    "settings.revoke_token": needs("own_account"),
    # Screens that show companies and their people: not the administrator.
    "my_day.index": needs("outreach"),
    "my_day.log_attempt": needs("outreach"),
    "my_day.reapproach": needs("outreach"),
    "my_day.attempt_form": needs("outreach"),
    # Days away: anyone with a queue marks their own.
    "absence.index": needs("outreach"),
    "absence.mark": needs("outreach"),
    "absence.cancel": needs("outreach"),
    "call_mode.next_call": needs("outreach"),
    "call_mode.call": needs("outreach"),
    "call_mode.log_call": needs("outreach"),
    "call_mode.skip_call": needs("outreach"),
    "companies.index": needs("read_outreach"),
    "companies.show": needs("read_outreach"),
    "companies.timeline": needs("read_outreach"),
    "companies.register": needs("outreach"),
    "companies.register_lookup": needs("outreach"),
    "companies.register_fill": needs("outreach"),
    "companies.change_details": needs("outreach"),
    "companies.add_contact": needs("outreach"),
    "companies.change_contact": needs("outreach"),
    "companies.change_contact_role": needs("outreach"),
    "companies.archive_contact": needs("outreach"),
    "companies.add_workplace": needs("outreach"),
    "companies.remove_workplace": needs("outreach"),
    "companies.log_attempt": needs("outreach"),
    "companies.add_note": needs("outreach"),
    "companies.reassign": needs("outreach"),
    # The rules of persistent contact: the project lead's.
    "rules.index": needs("set_rules"),
    "rules.save": needs("set_rules"),
    # Channel partners: those who register companies and leads keep the list.
    "partners.index": needs("manage_partners"),
    "partners.add": needs("manage_partners"),
    "partners.rename": needs("manage_partners"),
    "partners.archive": needs("manage_partners"),
    "companies.correct_attempt": needs("outreach"),
    "companies.void_attempt": needs("outreach"),
    "companies.correction_form": needs("outreach"),
    "companies.void_form": needs("outreach"),
    "companies.move": needs("outreach"),
    "companies.decline": needs("outreach"),
    "companies.park": needs("outreach"),
    "companies.reapproach": needs("outreach"),
    "companies.open_agreement": needs("negotiate"),
    "pipeline.board": needs("read_outreach"),
    "pipeline.move": needs("outreach"),
    "leads.index": needs("read_outreach"),
    "leads.share": needs("share_lead"),
    "leads.mine": needs("share_lead"),
    "leads.claim": needs("decide_lead"),
    "leads.decline": needs("decide_lead"),
    "agreements.index": needs("read_outreach"),
    "agreements.show": needs("read_outreach"),
    "agreements.add_requirement": needs("negotiate"),
    "agreements.confirm_requirement": needs("negotiate"),
    "agreements.withdraw_requirement": needs("negotiate"),
    "agreements.sign": needs("sign"),
    "agreements.plan": needs("deliver"),
    "agreements.record_delivery": needs("deliver"),
    "agreements.feedback": needs("deliver"),
    "agreements.follow_up": needs("deliver"),
    "agreements.add_commitment": needs("negotiate"),
    "agreements.fulfil_commitment": needs("negotiate"),
    "agreements.abandon_commitment": needs("negotiate"),
    "agreements.complete": needs("sign"),
    "agreements.terminate": needs("sign"),
    # Erasing a person on request: the project lead.
    "privacy.erase": needs("erase_personal_data"),
    "privacy.redact": needs("erase_personal_data"),
    # The data subject's copy: all of one person's data, for the project lead who answers the request.
    "privacy.copy_json": needs("erase_personal_data"),
    "privacy.copy_page": needs("erase_personal_data"),
    # The retention review: the people whose data may have outlived its purpose, and their erasure.
    "privacy.retention": needs("erase_personal_data"),
    "privacy.erase_reviewed": needs("erase_personal_data"),
    "privacy.erase_employee_name": needs("erase_personal_data"),
    # Lists as spreadsheets: whoever may read the list may take it away (naming people is logged).
    "exports.companies": needs("read_outreach"),
    "exports.pipeline": needs("read_outreach"),
    "exports.my_day": needs("outreach"),
    "exports.leads": needs("read_outreach"),
    "exports.buy_in": needs("read_outreach"),
    "exports.commitments": needs("read_outreach"),
    # Calendars: the feed itself is opened by calendar programs, its secret address being the key.
    "calendar.feed": PUBLIC,
    "calendar.index": needs("outreach"),
    "calendar.renew": needs("outreach"),
    "calendar.revoke": needs("outreach"),
    "calendar.follow_up": needs("read_outreach"),
    # Importing companies from a spreadsheet: the people who register companies.
    "imports.index": needs("outreach"),
    "imports.preview": needs("outreach"),
    "imports.commit": needs("outreach"),
    # The audit area: read-only, and it shows personal data.
    "audit.index": needs("audit"),
    "audit.history": needs("audit"),
    "audit.past": needs("audit"),
    "audit.export": needs("audit"),
    "audit.export_events": needs("audit"),
    "audit.export_manifest": needs("audit"),
    "audit.access_log": needs("audit"),
    "audit.chain": needs("audit"),
    "audit.checkpoints": needs("audit"),
    "audit.proof": needs("audit"),
    # The JSON API (web/api/): the same permissions as the screens, by API token.
    # Its OpenAPI document and the page that shows it hold no data.
    "api.openapi": PUBLIC,
    "api.docs": PUBLIC,
    "api.list_tokens": api("own_account"),
    "api.create_token": api("own_account"),
    "api.revoke_token": api("own_account"),
    "api.list_companies": api("read_outreach"),
    "api.get_company": api("read_outreach"),
    "api.create_company": api("outreach"),
    "api.update_company": api("outreach"),
    "api.decline_company": api("outreach"),
    "api.park_company": api("outreach"),
    "api.reapproach_company": api("outreach"),
    "api.move_company": api("outreach"),
    "api.list_workplaces": api("read_outreach"),
    "api.add_workplace": api("outreach"),
    "api.remove_workplace": api("outreach"),
    "api.list_contacts": api("read_outreach"),
    "api.get_contact": api("read_outreach"),
    "api.add_contact": api("outreach"),
    "api.update_contact": api("outreach"),
    "api.archive_contact": api("outreach"),
    "api.list_attempts": api("read_outreach"),
    "api.log_attempt": api("outreach"),
    "api.correct_attempt": api("outreach"),
    "api.void_attempt": api("outreach"),
    "api.follow_up_queue": api("outreach"),
    "api.list_leads": api("read_outreach"),
    "api.get_lead": api("read_outreach"),
    "api.share_lead": api("share_lead"),
    "api.claim_lead": api("decide_lead"),
    "api.decline_lead": api("decide_lead"),
    "api.get_agreement": api("read_outreach"),
    "api.open_agreement": api("negotiate"),
    "api.add_requirement": api("negotiate"),
    "api.confirm_requirement": api("negotiate"),
    "api.withdraw_requirement": api("negotiate"),
    "api.sign_agreement": api("sign"),
    "api.plan_services": api("deliver"),
    "api.record_delivery": api("deliver"),
    "api.deliver_feedback": api("deliver"),
    "api.hold_follow_up": api("deliver"),
    "api.add_commitment": api("negotiate"),
    "api.fulfil_commitment": api("negotiate"),
    "api.abandon_commitment": api("negotiate"),
    "api.complete_agreement": api("sign"),
    "api.terminate_agreement": api("sign"),
    "api.list_partners": api("read_outreach"),
    "api.create_partner": api("manage_partners"),
    "api.rename_partner": api("manage_partners"),
    "api.pipeline": api("read_outreach"),
    # The event feed: every event, personal data included, for the auditors' data warehouse.
    "api.list_events": api("audit"),
    # Webhook subscribers: the administrator's, like the users.
    "api.list_webhooks": api("administer_users"),
    "api.create_webhook": api("administer_users"),
    "api.stop_webhook": api("administer_users"),
    "api.list_deliveries": api("administer_users"),
    # The evaluation reports: figures of the whole programme, for the project lead and the auditor.
    "reports.index": needs("report"),
    "reports.download": needs("report"),
}


# The permissions that guard screens showing people's data: a refusal there is an attempt on personal data,
# recorded in the access log (the Danish logging rules and ISO 27001 A.8.15 ask for refused access too).
GUARDS_PEOPLE = frozenset({"read_outreach", "audit", "erase_personal_data"})


def record_refusal(rule: Rule) -> None:
    """Note in the access log that a signed-in user was refused a screen of people (and whose, when the URL says)."""
    if rule.permission not in GUARDS_PEOPLE:
        return
    named = (request.view_args or {}).get("contact_id")
    crm().access_log.record(current_user.id, "refused", [named] if named else [None], place=request.path)


def allows(endpoint: str) -> bool:
    """Whether the current visitor may open `endpoint` (for the navigation)."""
    rule = ROUTES.get(endpoint)
    if rule is None:
        return False
    if not rule.signed_in:
        return True
    if rule.token or not current_user.is_authenticated:
        return False
    return rule.permission is None or current_user.may(rule.permission)


def to_sign_in():
    """Send a visitor who is not (or no longer) signed in to the sign-in page; htmx follows with a full page."""
    if htmx:
        response = current_app.response_class(status=204)
        response.headers["HX-Redirect"] = url_for("auth.login")
        return response
    if session_policy.ended():  # the page already says why; no second message
        return redirect(login_url("auth.login", request.url))
    return login_manager.unauthorized()


def init_app(app: Flask) -> None:
    @app.before_request
    def check_access():
        endpoint = request.endpoint
        if endpoint is None:  # no route matched: Flask answers 404 or 405
            return None
        rule = ROUTES.get(endpoint)
        if rule is None:
            current_app.logger.error("route %s has no rule in web/access.py: refused", endpoint)
            abort(403)
        if not rule.signed_in:
            return None
        if rule.token:
            from web.api.auth import admit

            return admit(rule.permission)
        if not current_user.is_authenticated:
            return to_sign_in()
        if rule.permission is not None and not current_user.may(rule.permission):
            record_refusal(rule)
            abort(403)
        return None
