"""Which roles may do what: checked by the application on every command, whatever the caller."""

from __future__ import annotations

from uuid import NAMESPACE_URL, uuid5

from crm.vocabulary import OUTREACH_ROLES

# The actor of the command line and of the demo loader: it has every permission.
SYSTEM_ACTOR_ID = uuid5(NAMESPACE_URL, "workplace-crm:system")

PERMISSIONS: dict[str, frozenset[str]] = {
    "administer_users": frozenset({"admin"}),
    "own_account": frozenset({"recruiter", "consultant", "health_consultant", "project_lead", "auditor", "admin"}),
    "manage_partners": frozenset({"recruiter", "consultant", "project_lead", "admin"}),
    "outreach": OUTREACH_ROLES,
    "share_lead": OUTREACH_ROLES,
    "decide_lead": frozenset({"recruiter", "project_lead"}),
    "negotiate": OUTREACH_ROLES,
    "sign": frozenset({"recruiter", "health_consultant", "project_lead"}),
    "deliver": frozenset({"health_consultant", "project_lead", "recruiter"}),
    # Reading the audit area: the event log, entity history, the past, the access log.
    "audit": frozenset({"auditor", "project_lead"}),
    # Reading companies, contacts, leads, agreements and the pipeline: everyone but the
    # administrator, whose job is the users and who sees no contact's personal data.
    "read_outreach": OUTREACH_ROLES | {"auditor"},
    # Erasing a person on request (GDPR Art. 17) and redacting free texts that name them.
    "erase_personal_data": frozenset({"project_lead"}),
    # The evaluation reports: the figures of the whole programme, for those who steer and evaluate it.
    "report": frozenset({"project_lead", "auditor"}),
    # The sign-in log: who signed in, failed, was locked out, signed out, changed a password.
    "review_sign_ins": frozenset({"admin", "auditor"}),
    # The rules of persistent contact (attempts before a company is flagged, time between calls, default follow-ups).
    "set_rules": frozenset({"project_lead"}),
    # Deleting the access log's expired rows: the worker and `crm access-log purge` (the system actor) only.
    "purge_access_log": frozenset(),
}


def may(role: str, permission: str) -> bool:
    return role in PERMISSIONS[permission]
