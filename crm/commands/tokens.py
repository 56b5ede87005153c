"""Use cases: a user's API tokens, made by the user or an administrator, shown once, revocable."""

from __future__ import annotations

from datetime import date, datetime, time
from uuid import UUID

from crm.api_tokens import LABEL_LENGTH, NewToken, TokenRow
from crm.clock import COPENHAGEN
from crm.errors import NotFound
from crm.service import CrmService, command
from crm.users import User
from crm.validation import required_text


class TokenCommands(CrmService):
    @command("own_account")
    def create_api_token(self, user_id: UUID, label: str, expires_on: date | None = None) -> NewToken:
        """Make an API token acting as the user (oneself, or anyone for an administrator); it expires after the day."""
        self._own_or_administered(user_id, "create_api_token")
        user = self.load(User, user_id)
        user.require_active()
        expiry = self.planned_day("expires_on", expires_on, earliest=self.today())
        expires_at = datetime.combine(expiry, time.max, COPENHAGEN) if expiry else None
        return self.api_tokens.create(
            user_id, required_text("label", label, LABEL_LENGTH), self.current_actor(), self.clock.now(), expires_at
        )

    @command("own_account")
    def revoke_api_token(self, token_id: UUID) -> None:
        """Stop a token from working (one's own, or anyone's for an administrator)."""
        row = self.api_tokens.get(token_id)
        if row is None:
            raise NotFound(kind="token", id=token_id)
        self._own_or_administered(row["user_id"], "revoke_api_token")
        self.api_tokens.revoke(token_id, self.clock.now())

    def api_tokens_of(self, actor_id: UUID, user_id: UUID | None) -> list[TokenRow]:
        """The tokens the actor may see: their own, or (an administrator) a user's or everyone's."""
        if user_id != actor_id:
            self.authorise(actor_id, "administer_users", "list_api_tokens")
        return self.api_tokens.of_user(user_id)

    def _own_or_administered(self, user_id: UUID, action: str) -> None:
        actor = self.current_actor()
        if user_id != actor:
            self.authorise(actor, "administer_users", action)
