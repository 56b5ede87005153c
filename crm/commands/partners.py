"""Use cases: channel partners (unions, housing associations, business networks)."""

from __future__ import annotations

from uuid import UUID

from crm.partners import ChannelPartner
from crm.service import CrmService, command
from crm.validation import choice, optional_text, required_text
from crm.vocabulary import PARTNER_KINDS


class PartnerCommands(CrmService):
    @command("manage_partners")
    def register_partner(self, name: str, kind: str, note: str | None = None) -> UUID:
        """Record a union, housing association or network that brings leads."""
        partner = ChannelPartner(
            name=required_text("name", name),
            kind=choice("kind", kind, PARTNER_KINDS),
            note=optional_text("note", note),
        )
        self.save(partner)
        return partner.id

    @command("manage_partners")
    def rename_partner(self, partner_id: UUID, name: str) -> None:
        """Correct a channel partner's name."""
        partner = self.load(ChannelPartner, partner_id)
        partner.rename(required_text("name", name))
        self.save(partner)

    @command("manage_partners")
    def archive_partner(self, partner_id: UUID) -> None:
        """Stop offering a channel partner for new choices; its history keeps its name."""
        partner = self.load(ChannelPartner, partner_id)
        partner.archive()
        self.save(partner)
