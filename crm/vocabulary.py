"""The closed lists of the domain, as stable slugs (labels live in the interface's catalogues)."""

from __future__ import annotations

ROLES = ("recruiter", "consultant", "health_consultant", "project_lead", "auditor", "admin")
# The roles that approach companies: they may own one, log attempts, share leads and negotiate.
OUTREACH_ROLES = frozenset({"recruiter", "consultant", "health_consultant", "project_lead"})
LANGUAGES = ("da", "en")
DEPARTMENTS = ("health", "business_service", "job_centre", "hr", "other")

# A company's path (crm/companies.py decides which move is allowed from where).
IDENTIFIED = "identified"
CONTACTED = "contacted"
MEETING = "meeting"
NEGOTIATING = "negotiating"
PARTNER = "partner"
COMPLETED = "completed"
ENDED = "ended"
DECLINED = "declined"
PARKED = "parked"

STAGES = (IDENTIFIED, CONTACTED, MEETING, NEGOTIATING, PARTNER, COMPLETED, ENDED, DECLINED, PARKED)
IN_OUTREACH = (IDENTIFIED, CONTACTED, MEETING, NEGOTIATING)
CLOSED = (COMPLETED, ENDED, DECLINED, PARKED)

# Each aggregate by the class name its event topics carry, as the slug the audit screens and read models use.
AGGREGATE_SLUGS = {
    "Company": "company",
    "Contact": "contact",
    "OutreachAttempt": "attempt",
    "PartnershipAgreement": "agreement",
    "Lead": "lead",
    "ChannelPartner": "partner",
    "User": "user",
    "CvrIndex": "cvr",
    "OutreachRules": "rules",
    "AccessLogRetention": "access_log",
}

CONTACT_ROLES = (
    "top_management",
    "manager",
    "hr",
    "union_representative",
    "work_environment_representative",
    "other",
)

INDUSTRIES = (
    "care",
    "cleaning",
    "transport",
    "production",
    "agriculture",
    "construction",
    "retail",
    "public_administration",
    "other",
)
SIZE_BANDS = ("1-9", "10-49", "50-249", "250+")
SECTORS = ("private", "public")

CHANNELS = ("call", "email", "visit", "sms", "letter", "network_meeting")
OUTCOMES = ("no_answer", "call_back", "not_now", "declined", "interested", "meeting_booked")

ARENAS = (
    "workplace_private",
    "workplace_public",
    "municipal_actor",
    "union",
    "public",
    "online",
    "housing_association",
    "business_network",
    "event",
)
STRATEGIES = ("open", "bounded", "targeted")
PARTNER_KINDS = ("union", "housing_association", "business_network", "company_sports", "other")
URGENCIES = ("low", "normal", "high")

COMMITMENT_KINDS = (
    "exercise_in_working_hours",
    "smoking_cessation_in_working_hours",
    "healthier_canteen",
    "fruit_scheme",
    "health_policy",
    "smoking_policy",
    "health_ambassadors",
    "workplace_assessment",
    "other",
)

# The buy-in every agreement asks of top management; a municipality may add its own.
STANDARD_REQUIREMENTS = (
    "top_management_sponsor",
    "conversations_in_working_hours",
    "rooms_on_site",
    "company_coordinator",
)


def aggregate_slug(event_type: str) -> str:
    """The slug of the aggregate an event belongs to: "OutreachAttempt.Logged" and the topic
    "crm.attempts:OutreachAttempt.Logged" both give "attempt"; an unknown class gives "other"."""
    qualname = event_type.rpartition(":")[2]
    return AGGREGATE_SLUGS.get(qualname.split(".")[0], "other")


# What is shown where an erased person's name stood (their key is destroyed: crm/sealing.py).
ERASED_PERSON = "slettet person"
# What is shown where an employee's erased display name stood (crm/commands/employee_names.py). Stored data
# like ERASED_PERSON, so it is Danish on every screen: an English label would need every read model to know it.
FORMER_EMPLOYEE = "tidligere medarbejder"
# What is shown where a redacted free text stood.
REDACTED_TEXT = "[fjernet]"
# The legal basis recorded with an erasure (GDPR Art. 17(1) a-f, and a retention period that ran out).
LEGAL_BASES = (
    "art17_1_a_no_longer_necessary",
    "art17_1_b_consent_withdrawn",
    "art17_1_c_objection",
    "art17_1_d_unlawful",
    "art17_1_e_legal_obligation",
    "retention_expired",
)
# Free texts that users type, which may name a person ("Birthe asked me to call back"): each is
# sealed under a key of its own (crm/sealing.py), so that redacting one destroys that text alone.
FREE_TEXT = frozenset(
    {
        "reason",
        "note",
        "target_group_note",
        "closed_reason",
        "focus_points",
        "description",
        "termination_reason",
        "lead_reason",
        "decline_reason",
    }
)
