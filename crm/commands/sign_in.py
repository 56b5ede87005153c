"""Use cases: signing in and out, throttled and logged; the signed-in user as the event store knows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from crm.errors import NotFound
from crm.service import CrmService
from crm.sign_in import log
from crm.sign_in.throttle import Refusal
from crm.users import User


@dataclass(frozen=True)
class SignIn:
    """The answer to a sign-in: the user and their session generation, or a refusal."""

    user_id: UUID | None = None
    generation: int = 0
    # Set when too many failures locked the account or the address: no password is checked until then.
    locked: Refusal | None = None


class SignInCommands(CrmService):
    def sign_in(self, username: str, password: str, address: str) -> SignIn:
        """Check a password, within the throttle's limits, and log the attempt whatever its outcome."""
        name, address = log.name_tried(username), log.fit_to_store(address, log.ADDRESS_LENGTH)
        now = self.clock.now()
        refusal = self.throttle.admit(name, address, _utc(now))
        if refusal is not None:
            self.sign_in_log.record(log.REFUSED, name, now, address, detail=refusal.scope)
            return SignIn(locked=refusal)
        user_id = self.verify_password(name, password)
        if user_id is None:
            locks = self.throttle.failed(name, address, _utc(now))
            self.sign_in_log.record(log.FAILED, name, now, address)
            for lock in locks:
                self.sign_in_log.record(log.LOCKED_OUT, name, now, address, detail=lock.scope)
            return SignIn(locked=locks[0] if locks else None)
        self.throttle.succeeded(name, address, _utc(now))
        self.sign_in_log.record(log.SIGNED_IN, name, now, address, user_id=user_id)
        return SignIn(user_id=user_id, generation=self.sessions.current(user_id))

    def verify_password(self, username: str, password: str) -> UUID | None:
        """The user's id when the password is theirs and they are active; None otherwise."""
        user_id = User.create_id(log.name_tried(username))
        if not self.credentials.verify(user_id, password):
            return None
        try:
            user = self.load(User, user_id)
        except NotFound:
            return None
        return user_id if user.active else None

    def sign_out(self, user_id: UUID, address: str) -> None:
        """End every session of the user, this one and any copied or on another device."""
        user = self.load(User, user_id)
        self.sessions.end_all(user_id)
        self.sign_in_log.record(log.SIGNED_OUT, user.username, self.clock.now(), address, user_id=user_id)

    def signed_in_user(self, user_id: UUID, generation: Any) -> dict[str, Any] | None:
        """The user of a session, from the event store (never a read model, so sign-in works while one fails).

        None when the user is disabled, unknown, or the session is of an older generation.
        """
        if generation != self.sessions.current(user_id):
            return None
        return self.active_user(user_id)

    def active_user(self, user_id: UUID) -> dict[str, Any] | None:
        """The user as the event store knows them, or None when disabled or unknown (an API token's owner)."""
        try:
            user = self.load(User, user_id)
        except NotFound:
            return None
        if not user.active:
            return None
        return {
            "user_id": user.id,
            "username": user.username,
            "display_name": user.display_name,
            "department": user.department,
            "role": user.role,
            "language": getattr(user, "language", None),
        }


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)
