"""Use cases: the people who use the CRM."""

from __future__ import annotations

from uuid import UUID

from crm.errors import AlreadyExists
from crm.service import CrmService, command
from crm.users import User
from crm.validation import choice, required_text
from crm.vocabulary import DEPARTMENTS, ROLES


class UserCommands(CrmService):
    @command("administer_users")
    def register_user(self, username: str, display_name: str, department: str, role: str) -> UUID:
        """Add a user who can sign in and act."""
        username = required_text("username", username, 64).lower()
        if self.exists(User, User.create_id(username)):
            raise AlreadyExists(kind="user", key=username)
        user = User(
            username=username,
            display_name=required_text("display_name", display_name, 120),
            department=choice("department", department, DEPARTMENTS),
            role=choice("role", role, ROLES),
        )
        self.save(user)
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

    def user_id_for(self, username: str) -> UUID:
        return User.create_id((username or "").strip().lower())
