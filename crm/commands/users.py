"""Use cases: the people who use the CRM."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from crm.clock import local_date
from crm.credentials import check_password_rules
from crm.errors import AlreadyExists, InvalidInput
from crm.service import CrmService, command
from crm.sign_in import log
from crm.users import User
from crm.validation import PERSON_NAME_LENGTH, choice, required_text
from crm.vocabulary import DEPARTMENTS, LANGUAGES, ROLES
from crm.workdays import next_working_day

# An absence is days or weeks (holiday, leave, a course), not a standing arrangement.
LONGEST_ABSENCE = timedelta(days=366)


class UserCommands(CrmService):
    @command("administer_users")
    def register_user(
        self,
        username: str,
        display_name: str,
        department: str,
        role: str,
        password: str | None = None,
        address: str | None = None,
    ) -> UUID:
        """Add a user who can sign in and act; with a first password, the user and the password are stored together."""
        username = required_text("username", username, 64).lower()
        if self.exists(User, User.create_id(username)):
            raise AlreadyExists(kind="user", key=username)
        user = User(
            username=username,
            display_name=required_text("display_name", display_name, PERSON_NAME_LENGTH),
            department=choice("department", department, DEPARTMENTS),
            role=choice("role", role, ROLES),
        )
        if password is None:
            self.save(user)
        else:
            check_password_rules(password, user.username, user.display_name)
            user.record_password_set()
            self._save_with_password(user, password, address)
        return user.id

    @command("administer_users")
    def change_user_role(self, user_id: UUID, role: str) -> None:
        """Give a user another role."""
        user = self.load(User, user_id)
        user.change_role(choice("role", role, ROLES))
        self.save(user)

    @command("administer_users")
    def change_user_department(self, user_id: UUID, department: str) -> None:
        """Move a user to another department."""
        user = self.load(User, user_id)
        user.change_department(choice("department", department, DEPARTMENTS))
        self.save(user)

    @command("administer_users")
    def disable_user(self, user_id: UUID) -> None:
        """Stop a user from signing in and acting; their history stays."""
        user = self.load(User, user_id)
        user.disable()
        self.save(user)

    @command("administer_users")
    def enable_user(self, user_id: UUID) -> None:
        """Let a disabled user act again."""
        user = self.load(User, user_id)
        user.enable()
        self.save(user)

    @command("administer_users")
    def set_password(self, user_id: UUID, password: str, address: str | None = None) -> None:
        """Give a user a new password (an admin, or the command line); every session of theirs ends."""
        self._store_password(user_id, password, address)

    @command("own_account")
    def change_own_password(self, password: str, address: str | None = None) -> None:
        """A signed-in user chooses a new password; every session of theirs ends."""
        self._store_password(self.current_actor(), password, address)

    @command("own_account")
    def choose_language(self, language: str) -> None:
        """A signed-in user picks the interface language (da or en)."""
        user = self.load(User, self.current_actor())
        user.choose_language(choice("language", language, LANGUAGES))
        self.save(user)

    @command("own_account")
    def mark_absence(self, first_day: date, last_day: date, stand_in_id: UUID | None = None) -> date:
        """The signed-in user will be away: their follow-ups due then go to the stand-in, or to the first
        working day after (returned)."""
        user = self.load(User, self.current_actor())
        check_absence_days(first_day, last_day, local_date(self.clock.now()))
        if stand_in_id is not None:
            stand_in = self.load(User, stand_in_id)
            if stand_in.id == user.id:
                raise InvalidInput(field="stand_in", problem="choose a colleague, not yourself")
            stand_in.require_active()
        back_on = next_working_day(last_day)
        user.mark_absence(first_day, last_day, back_on, stand_in_id)
        self.save(user)
        return back_on

    @command("own_account")
    def cancel_absence(self, first_day: date) -> None:
        """The signed-in user will not be away after all."""
        user = self.load(User, self.current_actor())
        user.cancel_absence(first_day)
        self.save(user)

    def _store_password(self, user_id: UUID, password: str, address: str | None) -> None:
        user = self.load(User, user_id)
        check_password_rules(password, user.username, user.display_name)
        user.record_password_set()
        self._save_with_password(user, password, address)

    def _save_with_password(self, user: User, password: str, address: str | None = None) -> None:
        """One transaction: the hash, the end of the user's sessions, the log row and the user's events
        are stored together or not at all."""

        def store() -> None:
            self.credentials.store(user.id, password)
            self.sessions.end_all(user.id)
            self.sign_in_log.record(
                log.PASSWORD_CHANGED,
                user.username,
                self.clock.now(),
                address,
                user_id=user.id,
                actor_id=self.current_actor(),
            )

        if self.credentials.datastore is None:
            self.save(user)
            store()
            return
        with self.credentials.datastore.transaction(commit=True):
            store()
            self.save(user)

    def user_id_for(self, username: str) -> UUID:
        return User.create_id((username or "").strip().lower())


def check_absence_days(first_day: date, last_day: date, today: date) -> None:
    if last_day < first_day:
        raise InvalidInput(field="last_day", problem="the last day is before the first")
    if last_day < today:
        raise InvalidInput(field="last_day", problem="the absence is over already")
    if last_day - first_day > LONGEST_ABSENCE:
        raise InvalidInput(field="last_day", problem="an absence can be at most a year")
