"""Company: a workplace the municipality wants as a partner, and its path from lead to partner."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from crm.aggregate import CrmAggregate
from crm.errors import IllegalTransition, InvalidInput, TooEarlyToReapproach
from crm.vocabulary import (
    CLOSED,
    COMPLETED,
    CONTACTED,
    DECLINED,
    IDENTIFIED,
    IN_OUTREACH,
    MEETING,
    NEGOTIATING,
    PARKED,
    PARTNER,
)

# Moves a user may make directly; the others need their own command
# (negotiating: open an agreement; partner: sign it; completed/ended: close it).
PLAIN_MOVES = {
    IDENTIFIED: (CONTACTED, MEETING),
    CONTACTED: (MEETING,),
    MEETING: (CONTACTED,),
    NEGOTIATING: (MEETING,),
}
# Negotiations on an agreement open only before they have opened or ended.
NEGOTIATION_FROM = (IDENTIFIED, CONTACTED, MEETING)


def next_steps(stage: str) -> dict[str, str]:
    """Every stage a company at `stage` may be taken to in one step, with the command that takes it there.

    The one statement of the path the screens offer (the company page, the board's menus), within what
    the aggregate's methods below allow: "move" (a plain move), "open_agreement", "sign_agreement"
    (signing makes a partner), "decline", "park" and "reapproach" (a new round). Once negotiations are
    open, the round ends through the agreement (terminating it), so declining and parking are offered
    only before; an attempt whose outcome is a refusal still declines a company in negotiation.
    """
    steps = dict.fromkeys(PLAIN_MOVES.get(stage, ()), "move")
    if stage in NEGOTIATION_FROM:
        steps.update({NEGOTIATING: "open_agreement", DECLINED: "decline", PARKED: "park"})
    if stage == NEGOTIATING:
        steps[PARTNER] = "sign_agreement"
    if stage in CLOSED:
        steps[IDENTIFIED] = "reapproach"
    return steps


DETAIL_FIELDS = ("name", "cvr", "industry", "size_band", "address", "sector", "target_group_note")


class Company(CrmAggregate):
    class Registered(CrmAggregate.Created):
        name: str
        cvr: str | None
        industry: str
        size_band: str | None
        address: str | None
        sector: str
        target_group_note: str | None
        owner_id: UUID | None
        arena: str | None
        strategy: str | None
        source_partner_id: UUID | None

    @event(Registered)
    def __init__(
        self,
        name: str,
        cvr: str | None,
        industry: str,
        size_band: str | None,
        address: str | None,
        sector: str,
        target_group_note: str | None,
        owner_id: UUID | None,
        arena: str | None,
        strategy: str | None,
        source_partner_id: UUID | None,
    ) -> None:
        self.name = name
        self.cvr = cvr
        self.industry = industry
        self.size_band = size_band
        self.address = address
        self.sector = sector
        self.target_group_note = target_group_note
        self.owner_id = owner_id
        self.arena = arena
        self.strategy = strategy
        self.source_partner_id = source_partner_id
        self.workplaces: dict[str, dict[str, Any]] = {}
        self.stage = IDENTIFIED
        self.round = 1
        self.closed_reason: str | None = None
        self.approach_again_after: date | None = None
        self.agreement_id: UUID | None = None

    # --- details -------------------------------------------------------
    class DetailsChanged(CrmAggregate.Event):
        changes: dict[str, Any]

    @event(DetailsChanged)
    def _details_changed(self, changes: dict[str, Any]) -> None:
        for field, value in changes.items():
            setattr(self, field, value)

    def change_details(self, **values: Any) -> None:
        unknown = set(values) - set(DETAIL_FIELDS)
        if unknown:
            raise InvalidInput(field=", ".join(sorted(unknown)), problem="is not a company detail")
        changes = self.changed_values(values)
        if changes:
            self._details_changed(changes)

    class OwnerAssigned(CrmAggregate.Event):
        owner_id: UUID | None

    @event(OwnerAssigned)
    def _owner_assigned(self, owner_id: UUID | None) -> None:
        self.owner_id = owner_id

    def assign_owner(self, owner_id: UUID | None) -> None:
        if owner_id != self.owner_id:
            self._owner_assigned(owner_id)

    # --- what the CVR register says ------------------------------------------
    class RegisterStatusNoted(CrmAggregate.Event):
        """The CVR register says the company has ceased, or is protected against marketing (reklamebeskyttet)."""

        ceased: bool
        protected: bool

    @event(RegisterStatusNoted)
    def _register_status_noted(self, ceased: bool, protected: bool) -> None:
        self.register_ceased = ceased
        self.register_protected = protected

    def note_register_status(self, ceased: bool, protected: bool) -> None:
        if (ceased, protected) != (getattr(self, "register_ceased", False), getattr(self, "register_protected", False)):
            self._register_status_noted(ceased, protected)

    # --- notes -------------------------------------------------------------
    class NoteAdded(CrmAggregate.Event):
        note: str

    @event(NoteAdded)
    def _note_added(self, note: str) -> None:
        pass  # a note is kept in the history and shown on the timeline; nothing decides by it

    def add_note(self, note: str) -> None:
        """Something worth knowing about the company that was not said in an attempt."""
        self._note_added(note)

    # --- workplaces (P-numbers) ------------------------------------------
    class WorkplaceAdded(CrmAggregate.Event):
        workplace_id: str
        p_number: str | None
        name: str
        address: str | None

    @event(WorkplaceAdded)
    def _workplace_added(self, workplace_id: str, p_number: str | None, name: str, address: str | None) -> None:
        self.workplaces[workplace_id] = {"p_number": p_number, "name": name, "address": address}

    def add_workplace(self, workplace_id: str, p_number: str | None, name: str, address: str | None) -> None:
        if p_number and any(w["p_number"] == p_number for w in self.workplaces.values()):
            raise InvalidInput(field="p_number", problem="the company already has this P-number")
        self._workplace_added(workplace_id, p_number, name, address)

    class WorkplaceRemoved(CrmAggregate.Event):
        workplace_id: str

    @event(WorkplaceRemoved)
    def _workplace_removed(self, workplace_id: str) -> None:
        del self.workplaces[workplace_id]

    def remove_workplace(self, workplace_id: str) -> None:
        if workplace_id not in self.workplaces:
            raise InvalidInput(field="workplace", problem="no such workplace at this company")
        self._workplace_removed(workplace_id)

    # --- the path --------------------------------------------------------
    class StageChanged(CrmAggregate.Event):
        from_stage: str
        to_stage: str

    @event(StageChanged)
    def _stage_changed(self, from_stage: str, to_stage: str) -> None:
        self.stage = to_stage

    def move_to(self, stage: str) -> None:
        """A plain move on the board; moves that need more have their own command."""
        if stage == self.stage:
            return
        if stage not in PLAIN_MOVES.get(self.stage, ()):
            raise IllegalTransition(from_stage=self.stage, to_stage=stage)
        self._stage_changed(self.stage, stage)

    def note_outreach(self, outcome: str) -> None:
        """An attempt was logged: the first one makes the company contacted, a booked meeting moves it on."""
        if outcome == "meeting_booked" and self.stage in (IDENTIFIED, CONTACTED):
            self._stage_changed(self.stage, MEETING)
        elif self.stage == IDENTIFIED:
            self._stage_changed(self.stage, CONTACTED)

    class NegotiationOpened(CrmAggregate.Event):
        agreement_id: UUID

    @event(NegotiationOpened)
    def _negotiation_opened(self, agreement_id: UUID) -> None:
        self.agreement_id = agreement_id
        self.stage = NEGOTIATING

    def open_negotiation(self, agreement_id: UUID) -> None:
        if self.stage not in NEGOTIATION_FROM:
            raise IllegalTransition(from_stage=self.stage, to_stage=NEGOTIATING)
        self._negotiation_opened(agreement_id)

    class BecamePartner(CrmAggregate.Event):
        agreement_id: UUID

    @event(BecamePartner)
    def _became_partner(self, agreement_id: UUID) -> None:
        self.stage = PARTNER

    def become_partner(self, agreement_id: UUID) -> None:
        if self.stage != NEGOTIATING or agreement_id != self.agreement_id:
            raise IllegalTransition(from_stage=self.stage, to_stage=PARTNER)
        self._became_partner(agreement_id)

    class PartnershipClosed(CrmAggregate.Event):
        agreement_id: UUID
        outcome: str
        closed_reason: str | None

    @event(PartnershipClosed)
    def _partnership_closed(self, agreement_id: UUID, outcome: str, closed_reason: str | None) -> None:
        self.stage = outcome
        self.closed_reason = closed_reason
        self.approach_again_after = None

    def close_partnership(self, agreement_id: UUID, outcome: str, reason: str | None) -> None:
        """The agreement was completed or terminated (outcome: completed or ended)."""
        allowed_from = (PARTNER,) if outcome == COMPLETED else (NEGOTIATING, PARTNER)
        if agreement_id != self.agreement_id or self.stage not in allowed_from:
            raise IllegalTransition(from_stage=self.stage, to_stage=outcome)
        self._partnership_closed(agreement_id, outcome, reason)

    class Declined(CrmAggregate.Event):
        """The company said no: with the reason given, or in the attempt `attempt_id` (whose note stays its own).

        Version 1 had no attempt_id; its declines from an attempt carry a copy of the attempt's note.
        """

        class_version = 2
        from_stage: str
        closed_reason: str | None
        approach_again_after: date | None
        attempt_id: UUID | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["attempt_id"] = None

    @event(Declined)
    def _declined(
        self, from_stage: str, closed_reason: str | None, approach_again_after: date | None, attempt_id: UUID | None
    ) -> None:
        self.stage = DECLINED
        self.closed_reason = closed_reason
        self.approach_again_after = approach_again_after

    def decline(self, reason: str, approach_again_after: date | None) -> None:
        """Declined when asked (decline_company), for the reason given."""
        self._require_in_outreach(DECLINED)
        self._declined(self.stage, reason, approach_again_after, None)

    def decline_in_attempt(self, attempt_id: UUID, approach_again_after: date | None) -> None:
        """Declined on the phone: the attempt holds what was said, the company only which attempt it was."""
        self._require_in_outreach(DECLINED)
        self._declined(self.stage, None, approach_again_after, attempt_id)

    class Parked(CrmAggregate.Event):
        from_stage: str
        closed_reason: str
        approach_again_after: date | None

    @event(Parked)
    def _parked(self, from_stage: str, closed_reason: str, approach_again_after: date | None) -> None:
        self.stage = PARKED
        self.closed_reason = closed_reason
        self.approach_again_after = approach_again_after

    def park(self, reason: str, approach_again_after: date | None) -> None:
        self._require_in_outreach(PARKED)
        self._parked(self.stage, reason, approach_again_after)

    class Reapproached(CrmAggregate.Event):
        from_stage: str
        round: int

    @event(Reapproached)
    def _reapproached(self, from_stage: str, round: int) -> None:
        self.stage = IDENTIFIED
        self.round = round
        self.closed_reason = None
        self.approach_again_after = None
        self.agreement_id = None

    def reapproach(self, today: date) -> None:
        """Start a new round with a company whose earlier round closed; the old round stays in the history."""
        if self.stage not in CLOSED:
            raise IllegalTransition(from_stage=self.stage, to_stage=IDENTIFIED)
        if self.approach_again_after and today < self.approach_again_after:
            raise TooEarlyToReapproach(after=self.approach_again_after.isoformat())
        self._reapproached(self.stage, self.round + 1)

    def _require_in_outreach(self, to_stage: str) -> None:
        if self.stage not in IN_OUTREACH:
            raise IllegalTransition(from_stage=self.stage, to_stage=to_stage)
