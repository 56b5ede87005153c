"""Contact: a person at a company. The only home of personal data (name, phone, e-mail).

Other aggregates name a contact by id alone, so that erasing a person on
request (destroying their key) touches this aggregate's events and nothing else.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from crm.aggregate import CrmAggregate

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

    class DetailsChanged(CrmAggregate.Event):
        changes: dict[str, Any]

    @event(DetailsChanged)
    def _details_changed(self, changes: dict[str, Any]) -> None:
        for field, value in changes.items():
            setattr(self, field, value)

    def change_details(self, **values: Any) -> None:
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
