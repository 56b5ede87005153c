"""Use cases: the project's rules of persistent contact."""

from __future__ import annotations

from typing import Any

from crm.errors import InvalidInput, NotFound
from crm.outreach_rules import DEFAULTS, FOLLOW_UP_PICKS, OutreachRules
from crm.service import CrmService, command
from crm.validation import choice
from crm.vocabulary import OUTCOMES

# Bounds a rule may take: a round of at most 50 attempts, at most a week between two calls.
MAX_ATTEMPTS_BEFORE_FLAG = 50
MAX_GAP_MINUTES = 7 * 24 * 60


def _count(field: str, value: int, low: int, high: int) -> int:
    if not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(field=field, problem="must be a whole number from %(low)s to %(high)s", low=low, high=high)
    return value


class RuleCommands(CrmService):
    # Once the rules are found they always exist (nothing deletes a record): loaded from then on, kept in the
    # aggregate cache (crm/service.py, CachedRecords), a read of what is new since.
    _rules_found = False

    def outreach_rules(self) -> dict[str, Any]:
        """The rules in force: the project lead's, or the defaults until they set them."""
        rules_id = OutreachRules.create_id()
        # Until then, whether they exist is one read of at most one event: a load of rules never set read their
        # snapshots and their events on every screen with the attempt form, as nothing is cached of a record
        # that is not there.
        if self._rules_found or next(iter(self.events.get(rules_id, limit=1)), None) is not None:
            try:
                rules = self.load(OutreachRules, rules_id).values()
                self._rules_found = True
                return rules
            except NotFound:
                pass
        return {**DEFAULTS, "default_follow_up": dict(DEFAULTS["default_follow_up"])}

    @command("set_rules")
    def set_outreach_rules(
        self, attempts_before_flag: int, min_gap_minutes: int, default_follow_up: dict[str, str]
    ) -> None:
        """Set the attempts per round before a company is flagged, the least time between two calls,
        and the follow-up each outcome picks by default."""
        attempts = _count("attempts_before_flag", attempts_before_flag, 1, MAX_ATTEMPTS_BEFORE_FLAG)
        gap = _count("min_gap_minutes", min_gap_minutes, 0, MAX_GAP_MINUTES)
        follow_up = {
            choice("outcome", outcome, OUTCOMES): choice("follow_up", pick, FOLLOW_UP_PICKS)
            for outcome, pick in default_follow_up.items()
            if outcome != "declined"
        }
        try:
            rules = self.load(OutreachRules, OutreachRules.create_id())
        except NotFound:
            self.save(OutreachRules(attempts, gap, follow_up))
            return
        rules.change(attempts, gap, follow_up)
        self.save(rules)
