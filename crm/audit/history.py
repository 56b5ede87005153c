"""Entity history: any aggregate at any of its versions, and what changed between two versions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

MISSING = object()


@dataclass
class Version:
    number: int
    topic: str
    stored: StoredEvent
    event: Any  # the decoded domain event, or None when the stored state no longer decodes


@dataclass
class Change:
    field: str
    old: Any
    new: Any


def versions(app: Any, originator_id: UUID) -> list[Version]:
    """Every stored event of one aggregate, oldest first."""
    found = []
    for stored in app.recorder.select_events(originator_id):
        try:
            event = app.mapper.to_domain_event(stored)
        except Exception:  # noqa: BLE001 - an edited row may not decode; the history still lists it
            event = None
        found.append(Version(stored.originator_version, stored.topic, stored, event))
    return found


def state_at(app: Any, originator_id: UUID, version: int) -> dict[str, Any]:
    """The aggregate's attributes as they stood at `version` (nothing before version 1), flattened."""
    if version < 1:
        return {}
    aggregate = app.repository.get(originator_id, version=version)
    return flatten({k: v for k, v in vars(aggregate).items() if not k.startswith("_")})


def flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts (workplaces, requirements, commitments) as dotted keys, so a diff names the inner field."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """The fields whose value differs, in the order the later version lists them (removed ones last)."""
    changes = [Change(k, before.get(k, MISSING), v) for k, v in after.items() if before.get(k, MISSING) != v]
    changes += [Change(k, v, MISSING) for k, v in before.items() if k not in after]
    return changes
