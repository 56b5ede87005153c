"""User: who acts in the CRM, from which department, in which role."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from crm.aggregate import CrmAggregate
from crm.errors import UserDisabled


class User(CrmAggregate):
    class Registered(CrmAggregate.Created):
        username: str
        display_name: str
        department: str
        role: str

    @staticmethod
    def create_id(username: str) -> UUID:
        # One id per username, so a second registration collides in the event store.
        return uuid5(NAMESPACE_URL, f"workplace-crm:user:{username}")

    @event(Registered)
    def __init__(self, username: str, display_name: str, department: str, role: str) -> None:
        self.username = username
        self.display_name = display_name
        self.department = department
        self.role = role
        self.active = True
        self.language: str | None = None

    class RoleChanged(CrmAggregate.Event):
        role: str

    @event(RoleChanged)
    def _role_changed(self, role: str) -> None:
        self.role = role

    class DepartmentChanged(CrmAggregate.Event):
        department: str

    @event(DepartmentChanged)
    def _department_changed(self, department: str) -> None:
        self.department = department

    class Disabled(CrmAggregate.Event):
        pass

    @event(Disabled)
    def _disabled(self) -> None:
        self.active = False

    class Enabled(CrmAggregate.Event):
        pass

    @event(Enabled)
    def _enabled(self) -> None:
        self.active = True

    class PasswordSet(CrmAggregate.Event):
        pass

    @event(PasswordSet)
    def _password_set(self) -> None:
        pass

    def record_password_set(self) -> None:
        """Only the fact is an event; the hash is kept by crm.credentials."""
        self._password_set()

    class LanguageChosen(CrmAggregate.Event):
        language: str

    @event(LanguageChosen)
    def _language_chosen(self, language: str) -> None:
        self.language = language

    def choose_language(self, language: str) -> None:
        if language != getattr(self, "language", None):
            self._language_chosen(language)

    def change_role(self, role: str) -> None:
        if role != self.role:
            self._role_changed(role)

    def change_department(self, department: str) -> None:
        if department != self.department:
            self._department_changed(department)

    def disable(self) -> None:
        if self.active:
            self._disabled()

    def enable(self) -> None:
        if not self.active:
            self._enabled()

    def require_active(self) -> None:
        if not self.active:
            raise UserDisabled(username=self.username)
