"""Users read model: names, departments and roles for every screen, sign-in and `crm users list`."""

from __future__ import annotations

from datetime import datetime
from functools import singledispatchmethod
from typing import Any, TypedDict, cast
from uuid import UUID

from eventsourcing.persistence import Tracking
from eventsourcing.utils import get_topic
from sqlalchemy import Boolean, Column, DateTime, String, Table, Uuid, select

from crm.users import User
from crm.vocabulary import FORMER_EMPLOYEE, OUTREACH_ROLES
from projections.absences import absences
from projections.base import CrmProjection, View
from projections.schema import metadata, utc_naive

users = Table(
    "rm_users",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(120), nullable=False),
    Column("department", String(32), nullable=False),
    Column("role", String(32), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("language", String(8)),
    # When the user was disabled (UTC, naive): their name's retention period counts from then.
    Column("disabled_at", DateTime),
)


class UserRow(TypedDict):
    user_id: UUID
    username: str
    display_name: str
    department: str
    role: str
    active: bool
    language: str | None
    disabled_at: datetime | None


class UsersView(View):
    name = "users"
    version = 3  # 2: absences; 3: disabled_at, erased names
    view_tables = (users, absences)

    def add_absence(self, event: User.AbsenceMarked) -> None:
        with self.transaction(commit=True) as session:
            session.execute(
                absences.insert().values(
                    user_id=event.originator_id,
                    first_day=event.first_day,
                    last_day=event.last_day,
                    back_on=event.back_on,
                    stand_in_id=event.stand_in_id,
                )
            )

    def remove_absence(self, event: User.AbsenceCancelled) -> None:
        with self.transaction(commit=True) as session:
            session.execute(
                absences.delete().where(
                    absences.c.user_id == event.originator_id, absences.c.first_day == event.first_day
                )
            )

    def add_user(self, user_id: UUID, username: str, display_name: str, department: str, role: str) -> None:
        with self.transaction(commit=True) as session:
            session.execute(
                users.insert().values(
                    user_id=user_id,
                    username=username,
                    display_name=display_name,
                    department=department,
                    role=role,
                    active=True,
                    language=None,
                )
            )

    def update_user(self, user_id: UUID, **values: Any) -> None:
        with self.transaction(commit=True) as session:
            session.execute(users.update().where(users.c.user_id == user_id).values(**values))

    def all_users(self) -> list[UserRow]:
        """Every user, disabled ones included, by username."""
        return cast(list[UserRow], self.rows(users, order_by=[users.c.username]))

    def owners(self, include_disabled: bool = False) -> list[UserRow]:
        """The users who may own a company (`owners_among` every user)."""
        return owners_among(self.all_users(), include_disabled)

    def user(self, user_id: UUID) -> UserRow | None:
        with self.transaction(commit=False) as session:
            row = session.execute(select(users).where(users.c.user_id == user_id)).first()
            return cast(UserRow, dict(row._mapping)) if row else None

    def by_username(self, username: str) -> UserRow | None:
        with self.transaction(commit=False) as session:
            row = session.execute(select(users).where(users.c.username == username.strip().lower()[:64])).first()
            return cast(UserRow, dict(row._mapping)) if row else None

    def erasable_names(self, disabled_before: datetime) -> list[UserRow]:
        """The disabled users whose names are not erased yet, disabled before that moment, the longest gone first."""
        disabled_before = utc_naive(disabled_before)
        c = users.c
        query = (
            select(users)
            .where(c.active.is_(False), c.disabled_at < disabled_before, c.display_name != FORMER_EMPLOYEE)
            .order_by(c.disabled_at, c.username)
        )
        with self.transaction(commit=False) as session:
            return [cast(UserRow, dict(row._mapping)) for row in session.execute(query)]

    def names(self) -> dict[UUID, str]:
        """Every user's display name by id."""
        with self.transaction(commit=False) as session:
            return {r.user_id: r.display_name for r in session.execute(select(users.c.user_id, users.c.display_name))}


def owners_among(every_user: list[UserRow], include_disabled: bool = False) -> list[UserRow]:
    """Of every user (`UsersView.all_users`), those who may own a company (the outreach roles), in the same
    order: the active ones, or all of them (the past, or a company still owned by someone since disabled)."""
    return [user for user in every_user if user["role"] in OUTREACH_ROLES and (include_disabled or user["active"])]


class UsersProjection(CrmProjection[UsersView]):
    name = "users"
    view_class = UsersView
    topics = tuple(
        get_topic(cls)
        for cls in (
            User.Registered,
            User.RoleChanged,
            User.DepartmentChanged,
            User.Disabled,
            User.Enabled,
            User.NameErased,
            User.LanguageChosen,
            User.AbsenceMarked,
            User.AbsenceCancelled,
        )
    )

    @singledispatchmethod
    def process_event(self, event: Any, tracking: Tracking) -> None:
        """Not ours: the runner advances the position."""

    @process_event.register
    def registered(self, event: User.Registered, tracking: Tracking) -> None:
        self.view.add_user(event.originator_id, event.username, event.display_name, event.department, event.role)

    @process_event.register
    def role_changed(self, event: User.RoleChanged, tracking: Tracking) -> None:
        self.view.update_user(event.originator_id, role=event.role)

    @process_event.register
    def department_changed(self, event: User.DepartmentChanged, tracking: Tracking) -> None:
        self.view.update_user(event.originator_id, department=event.department)

    @process_event.register
    def disabled(self, event: User.Disabled, tracking: Tracking) -> None:
        self.view.update_user(event.originator_id, active=False, disabled_at=utc_naive(event.timestamp))

    @process_event.register
    def enabled(self, event: User.Enabled, tracking: Tracking) -> None:
        self.view.update_user(event.originator_id, active=True, disabled_at=None)

    @process_event.register
    def name_erased(self, event: User.NameErased, tracking: Tracking) -> None:
        self.view.update_user(event.originator_id, display_name=FORMER_EMPLOYEE)

    @process_event.register
    def language_chosen(self, event: User.LanguageChosen, tracking: Tracking) -> None:
        self.view.update_user(event.originator_id, language=event.language)

    @process_event.register
    def absence_marked(self, event: User.AbsenceMarked, tracking: Tracking) -> None:
        self.view.add_absence(event)

    @process_event.register
    def absence_cancelled(self, event: User.AbsenceCancelled, tracking: Tracking) -> None:
        self.view.remove_absence(event)
