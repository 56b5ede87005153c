"""Use cases: redacting a free text that names a person (the erasure of a person is in contacts.py)."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from crm.aggregate import CrmAggregate
from crm.audit.factory import SnapshotRecorder
from crm.errors import InvalidInput, NotFound
from crm.sealing import TEXT_KEY_PREFIX
from crm.service import CrmService, command


class PrivacyCommands(CrmService):
    @command("erase_personal_data", reason_required=True)
    def redact_text(self, position: int, field: str) -> None:
        """Redact one free text (a note, a reason): destroy its own key, and record that it was done.

        `field` is the event's field ("note") or, in a correction, "changes.note". The
        stored event stays as it was, so the history still verifies; the read models
        keep their copy until they are rebuilt (the web and the CLI rebuild them).
        """
        found = self.recorder.select_notifications(start=position, limit=1, stop=position)
        if not found or found[0].id != position:
            raise NotFound(kind="event", id=position)
        stored = found[0]
        key_id = _sealed_key(json.loads(stored.state), field)
        if key_id is None or not key_id.startswith(TEXT_KEY_PREFIX):
            raise InvalidInput(field="field", problem="this text has no key of its own")
        aggregate: CrmAggregate | None = None
        if not self.personal_keys.is_destroyed(key_id):  # else recorded already: the key alone is destroyed again
            aggregate = self.repository.get(stored.originator_id)
            aggregate.record_redaction(position, field)
        if self.personal_keys.datastore is getattr(self.recorder, "datastore", None):
            # The keys beside the events: the record and the destroyed key commit together, so a rebuild of the
            # views that reads the record finds the key gone (projections/redactions.py). The aggregate's
            # snapshots are dropped below, so none is taken.
            with self.personal_keys.destroying([key_id]) as session:
                if aggregate is not None:
                    self.events.put(aggregate.collect_events(), session=session)
        else:
            # Keys in a database of their own: the record first, then the key, a moment apart.
            if aggregate is not None:
                self.save(aggregate)
            self.personal_keys.destroy([key_id])
        snapshots = getattr(self, "snapshots", None)
        if snapshots is not None and isinstance(snapshots.recorder, SnapshotRecorder):
            snapshots.recorder.delete_snapshots(UUID(str(stored.originator_id)))


def _sealed_key(state: dict[str, Any], field: str) -> str | None:
    value: Any = state
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, dict) and value.get("_type_") == "sealed":
        return str(value["_data_"]["k"])
    return None
