"""Use cases: webhook subscribers, registered and stopped by an administrator."""

from __future__ import annotations

from uuid import UUID

from crm.errors import NotFound
from crm.service import CrmService, command
from crm.webhooks import NewWebhook, WebhookRow


class WebhookCommands(CrmService):
    @command("administer_users")
    def register_webhook(self, url: str, event_types: list[str]) -> NewWebhook:
        """Send the chosen event types, from now on, to a URL; its signing secret is shown this once."""
        position = self.recorder.max_notification_id() or 0
        return self.webhooks.register(url, event_types, self.current_actor(), self.clock.now(), position)

    @command("administer_users")
    def stop_webhook(self, webhook_id: UUID) -> None:
        """Send nothing more to the subscriber; its deliveries stay listed."""
        if not self.webhooks.deactivate(webhook_id):
            raise NotFound(kind="webhook", id=webhook_id)

    def webhooks_for(self, actor_id: UUID) -> list[WebhookRow]:
        self.authorise(actor_id, "administer_users", "list_webhooks")
        return self.webhooks.all()
