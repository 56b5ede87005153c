"""Use case: erasing a disabled employee's display name once its own retention period has run out.

Crypto-shredding as for contacts (crm/commands/contacts.py `erase_contact`): the name is
sealed under the key `employee:<user id>` in the user's events and snapshots
(crm/sealing.py), and destroying that key leaves every screen and replay showing
FORMER_EMPLOYEE. Users registered before names were sealed hold their name in plain
text in an immutable event; erasing them is refused rather than pretended.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from uuid import UUID

from crm.clock import local_date, months_before
from crm.errors import InvalidInput
from crm.sealing import employee_key
from crm.service import CrmService, command
from crm.users import User
from crm.validation import choice
from crm.vocabulary import LEGAL_BASES

NAME_RETENTION_VAR = "CRM_EMPLOYEE_NAME_RETENTION_MONTHS"
# A year after leaving: long enough for the questions about their cases that follow a departure.
DEFAULT_NAME_RETENTION_MONTHS = 12
MOST_MONTHS = 240


def name_retention_months(env: Mapping[str, str] | None) -> int:
    text = str((env or {}).get(NAME_RETENTION_VAR) or "").strip()
    return int(text) if text.isdigit() and 1 <= int(text) <= MOST_MONTHS else DEFAULT_NAME_RETENTION_MONTHS


class EmployeeNameCommands(CrmService):
    def name_retention_months(self) -> int:
        return name_retention_months(self.env)

    @command("erase_personal_data", reason_required=True)
    def erase_employee_name(self, user_id: UUID, legal_basis: str = "retention_expired") -> None:
        """Erase a disabled employee's display name: record who, when, why and on what basis, then destroy its key.

        As for a contact, the event is saved first and the key destroyed after it, so an
        erasure cut short between the two is finished by trying again.
        """
        user = self.load(User, user_id)
        basis = choice("legal_basis", legal_basis, LEGAL_BASES)
        if not user.is_name_erased:
            self._check_sealed(user_id)
            self._check_period_over(user)
            user.erase_name(basis)
            self.save(user)
        self.personal_keys.destroy([employee_key(user_id)])

    def _check_sealed(self, user_id: UUID) -> None:
        registered = self.recorder.select_events(user_id, lte=1)
        value = json.loads(registered[0].state).get("display_name") if registered else None
        if not (isinstance(value, dict) and value.get("_type_") == "sealed"):
            raise InvalidInput(
                field="user", problem="registered before names were sealed: the name can only be hidden, not erased"
            )

    def _check_period_over(self, user: User) -> None:
        since = user.disabled_since
        if since is None:
            raise InvalidInput(field="user", problem="only a disabled user's name can be erased")
        months = self.name_retention_months()
        if local_date(since) > months_before(self.today(), months):
            raise InvalidInput(
                field="user", problem="disabled less than %(months)d months ago: the name is kept", months=months
            )
