"""A record's fields and values as an auditor reads them in a version diff: Danish labels, names, Danish dates.

The diff (crm/audit/log.py) compares aggregate state, whose keys and slugs are the code's
(`status`, `confirmed_by`, `negotiating`); a non-developer reads them through the same
labels the other screens use (web/labels.py).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from crm.audit.log import MISSING
from web.event_names import LANGUAGE_NAMES, Names
from web.i18n import as_datetime
from web.labels import label
from web.translating import format_date, request_locale
from web.translating import gettext as _

# Which closed list a field's slug comes from; the first list that knows the slug names it.
VALUE_LISTS = {
    "stage": ("stage",),
    "outcome": ("outcome",),
    "channel": ("channel",),
    "status": ("agreement_status", "lead_status"),
    "state": ("commitment_status",),
    "role": ("contact_role", "role"),
    "suggested_role": ("contact_role",),
    "industry": ("industry",),
    "sector": ("sector",),
    "arena": ("arena",),
    "strategy": ("strategy",),
    "urgency": ("urgency",),
    "department": ("department",),
    "kind": ("commitment_kind", "partner_kind"),
    "erasure_basis": ("legal_basis",),
    "legal_basis": ("legal_basis",),
}


def field_title(name: str) -> str:
    """requirements.rooms_on_site.met -> Krav › Lokaler på arbejdspladsen › Opfyldt, with the labels people know."""
    parts = []
    for part in name.split("."):
        shown = label("field", part.removesuffix("_id"))
        if shown == part.removesuffix("_id"):
            shown = label("field", part)
        if shown == part:
            shown = label("requirement", part)
        if shown == part and len(part) >= 16 and all(c in "0123456789abcdef" for c in part):
            shown = part[:8]
        parts.append(shown)
    return " › ".join(parts)


def shown_value(value: Any, names: Names, field: str = "") -> str:
    """A field's value in a version diff: names for ids, labels for slugs, Danish dates, a dash for nothing."""
    if value is MISSING or value is None:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, UUID):
        found = names.users.get(value) or names.companies.get(value) or names.contacts.get(value)
        return found or names.partners.get(value) or str(value)
    if isinstance(value, datetime):
        return as_datetime(value)
    if isinstance(value, date):
        return format_date(value, "d. MMMM y" if request_locale().language == "da" else "d MMMM y")
    if isinstance(value, str):
        return _slug_label(field.rpartition(".")[2], value)
    return str(value)


def _slug_label(field: str, value: str) -> str:
    if field == "language":
        return str(LANGUAGE_NAMES.get(value, value))
    for vocabulary in VALUE_LISTS.get(field, ()):
        shown = label(vocabulary, value)
        if shown != value:
            return shown
    return value
