"""Contact: a person at a company. The only home of personal data (name, phone, e-mail).

Other aggregates name a contact by id alone, so that erasing a person on
request (destroying their key) touches this aggregate's events and nothing else.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from crm.aggregate import CrmAggregate
from crm.errors import InvalidInput
from crm.vocabulary import ERASED_PERSON

PERSONAL_FIELDS = ("name", "phone", "email")


class Contact(CrmAggregate):
    class Registered(CrmAggregate.Created):
        class_version = 2
        company_id: UUID
        name: str
        role: str
        phone: str | None
        email: str | None
        is_decision_maker: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Version 1 had no decision-maker flag; top management always decided.
            state["is_decision_maker"] = state["role"] == "top_management"

    @event(Registered)
    def __init__(
        self,
        company_id: UUID,
        name: str,
        role: str,
        phone: str | None,
        email: str | None,
        is_decision_maker: bool,
    ) -> None:
        self.company_id = company_id
        self.name = name
        self.role = role
        self.phone = phone
        self.email = email
        self.is_decision_maker = is_decision_maker
        self.archived = False
        self.erased = False

    class DetailsChanged(CrmAggregate.Event):
        changes: dict[str, Any]

    @event(DetailsChanged)
    def _details_changed(self, changes: dict[str, Any]) -> None:
        for field, value in changes.items():
            setattr(self, field, value)

    def change_details(self, **values: Any) -> None:
        self.refuse_if_erased()
        changes = self.changed_values(values)
        if changes:
            self._details_changed(changes)

    class RoleChanged(CrmAggregate.Event):
        role: str
        is_decision_maker: bool

    @event(RoleChanged)
    def _role_changed(self, role: str, is_decision_maker: bool) -> None:
        self.role = role
        self.is_decision_maker = is_decision_maker

    def change_role(self, role: str, is_decision_maker: bool) -> None:
        self.refuse_if_erased()
        if (role, is_decision_maker) != (self.role, self.is_decision_maker):
            self._role_changed(role, is_decision_maker)

    class Archived(CrmAggregate.Event):
        pass

    @event(Archived)
    def _archived(self) -> None:
        self.archived = True

    def archive(self) -> None:
        """The person left the company: kept for the history, no longer offered as a contact."""
        if not self.archived:
            self._archived()

    class Erased(CrmAggregate.Event):
        """The person was erased on request: their key is destroyed, so their data can never be read again.

        The event itself holds no personal data: who (actor_id), when (timestamp),
        why (reason) and on what legal basis; its fields are stored in clear.
        """

        legal_basis: str

    @event(Erased)
    def _erased(self, legal_basis: str) -> None:
        self.name = ERASED_PERSON
        self.phone = None
        self.email = None
        self.archived = True
        self.erased = True
        self.erasure_basis = legal_basis

    def erase(self, legal_basis: str) -> None:
        if not self.is_erased:
            self._erased(legal_basis)

    @property
    def is_erased(self) -> bool:
        return bool(getattr(self, "erased", False))  # snapshots from before erasure existed lack the flag

    def refuse_if_erased(self) -> None:
        if self.is_erased:
            raise InvalidInput(field="contact", problem="the person is erased")
