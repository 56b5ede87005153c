"""OutreachRules: the project's rules of persistent contact, set by the project lead (one per municipality).

How many attempts in a round before a company is flagged for a decision (keep trying, park or close);
the shortest time between two calls to one company (call mode does not offer it sooner); and the
follow-up each outcome picks by default in the log forms.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from crm.aggregate import CrmAggregate

# The follow-up picks an outcome may default to (web/workdays.py names their days); "none": no next step.
FOLLOW_UP_PICKS = ("tomorrow", "in_2_days", "next_week", "in_2_weeks", "in_a_month", "none")
# Until the project lead sets them: no answer and call back, the next working day; interested, two working
# days; meeting booked, next week; not now, a month. Declined asks for its own date instead.
DEFAULTS: dict[str, Any] = {
    "attempts_before_flag": 6,
    "min_gap_minutes": 60,
    "default_follow_up": {
        "no_answer": "tomorrow",
        "call_back": "tomorrow",
        "not_now": "in_a_month",
        "interested": "in_2_days",
        "meeting_booked": "next_week",
    },
}


class OutreachRules(CrmAggregate):
    @staticmethod
    def create_id() -> UUID:
        return uuid5(NAMESPACE_URL, "workplace-crm:outreach-rules")

    class Set(CrmAggregate.Created):
        attempts_before_flag: int
        min_gap_minutes: int
        default_follow_up: dict[str, str]

    @event(Set)
    def __init__(self, attempts_before_flag: int, min_gap_minutes: int, default_follow_up: dict[str, str]) -> None:
        self._apply(attempts_before_flag, min_gap_minutes, default_follow_up)

    class Changed(CrmAggregate.Event):
        attempts_before_flag: int
        min_gap_minutes: int
        default_follow_up: dict[str, str]

    @event(Changed)
    def _changed(self, attempts_before_flag: int, min_gap_minutes: int, default_follow_up: dict[str, str]) -> None:
        self._apply(attempts_before_flag, min_gap_minutes, default_follow_up)

    def change(self, attempts_before_flag: int, min_gap_minutes: int, default_follow_up: dict[str, str]) -> None:
        if self.values() != {
            "attempts_before_flag": attempts_before_flag,
            "min_gap_minutes": min_gap_minutes,
            "default_follow_up": default_follow_up,
        }:
            self._changed(attempts_before_flag, min_gap_minutes, default_follow_up)

    def _apply(self, attempts_before_flag: int, min_gap_minutes: int, default_follow_up: dict[str, str]) -> None:
        self.attempts_before_flag = attempts_before_flag
        self.min_gap_minutes = min_gap_minutes
        self.default_follow_up = dict(default_follow_up)

    def values(self) -> dict[str, Any]:
        return {
            "attempts_before_flag": self.attempts_before_flag,
            "min_gap_minutes": self.min_gap_minutes,
            "default_follow_up": dict(self.default_follow_up),
        }
