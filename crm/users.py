"""User: who acts in the CRM, from which department, in which role."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from crm.aggregate import CrmAggregate
from crm.errors import InvalidInput, UserDisabled
from crm.vocabulary import FORMER_EMPLOYEE


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
        self.absences: dict[date, dict[str, object]] = {}

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
        def apply(self, aggregate: Any) -> None:
            # The event's own time, not now(): a replay gives the same day the name's retention counts from.
            aggregate.active = False
            aggregate.disabled_at = self.timestamp

    class Enabled(CrmAggregate.Event):
        pass

    @event(Enabled)
    def _enabled(self) -> None:
        self.active = True
        self.disabled_at = None

    class NameErased(CrmAggregate.Event):
        """The disabled employee's display name was erased after its retention: its key is destroyed
        (crm/sealing.py), so every event and snapshot shows FORMER_EMPLOYEE where it stood."""

        legal_basis: str

    @event(NameErased)
    def _name_erased(self, legal_basis: str) -> None:
        self.display_name = FORMER_EMPLOYEE
        self.name_erased = True

    @property
    def disabled_since(self) -> datetime | None:
        # Snapshots from before the time was kept lack it.
        return getattr(self, "disabled_at", None) if not self.active else None

    @property
    def is_name_erased(self) -> bool:
        return bool(getattr(self, "name_erased", False))

    def erase_name(self, legal_basis: str) -> None:
        if self.active:
            raise InvalidInput(field="user", problem="only a disabled user's name can be erased")
        if not self.is_name_erased:
            self._name_erased(legal_basis)

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
            self.trigger_event(User.Disabled)

    def enable(self) -> None:
        if not self.active:
            self._enabled()

    def require_active(self) -> None:
        if not self.active:
            raise UserDisabled(username=self.username)

    # --- days away -----------------------------------------------------------------------------------
    class AbsenceMarked(CrmAggregate.Event):
        """Days away: follow-ups due then go to `stand_in_id`, or move to `back_on`, the first working day after."""

        first_day: date
        last_day: date
        back_on: date
        stand_in_id: UUID | None

    @event(AbsenceMarked)
    def _absence_marked(self, first_day: date, last_day: date, back_on: date, stand_in_id: UUID | None) -> None:
        self.absences[first_day] = {"last_day": last_day, "back_on": back_on, "stand_in_id": stand_in_id}

    def mark_absence(self, first_day: date, last_day: date, back_on: date, stand_in_id: UUID | None) -> None:
        check_absence_free(self.absences, first_day, last_day)
        self._absence_marked(first_day, last_day, back_on, stand_in_id)

    class AbsenceCancelled(CrmAggregate.Event):
        first_day: date

    @event(AbsenceCancelled)
    def _absence_cancelled(self, first_day: date) -> None:
        self.absences.pop(first_day, None)

    def cancel_absence(self, first_day: date) -> None:
        if first_day in self.absences:  # not marked: no change, no event
            self._absence_cancelled(first_day)


def check_absence_free(absences: dict[date, dict[str, object]], first_day: date, last_day: date) -> None:
    """Two absences of one user never overlap, so each follow-up has one place to go."""
    for start, absence in absences.items():
        end = absence["last_day"]
        if isinstance(end, date) and start <= last_day and first_day <= end:
            raise InvalidInput(field="first_day", problem="overlaps an absence already marked")
