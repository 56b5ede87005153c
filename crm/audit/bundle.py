"""What an auditor takes away: the tree proof in an export's manifest, single-event and consistency proofs.

Each is plain JSON that crm/audit/auditor.py checks alone, with the verifier key
(`crm audit key`): see that module's docstring for how.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from crm.audit.auditor import VerifierKey, open_checkpoint
from crm.audit.chain import ChainedApplicationRecorder, EventRow
from crm.audit.checkpoint import (
    Signer,
    StoredCheckpoint,
    consistency_proof,
    inclusion_proof,
    left_frontier,
    make_checkpoint,
)
from crm.audit.export import ExportSummary, event_line
from crm.audit.log import event_at
from crm.audit.tree import leaves_before as tree_leaves_before

TREE_FORMAT = "crm-audit-tree/1"


def leaves_before(app: Any, position: int) -> int:
    """How many leaves stand before `position`: the leaf index an export starting there begins at."""
    recorder: ChainedApplicationRecorder = app.recorder
    with recorder.transaction(commit=False) as session:
        return tree_leaves_before(session, recorder.tree, position)


def prove_export(app: Any, summary: ExportSummary, signer: Signer) -> dict[str, Any]:
    """A fresh signed checkpoint, the left frontier of the first exported leaf and the consistency proof from the
    tree that ends with the last exported event to the checkpoint; stored in the summary for the manifest."""
    checkpoint = make_checkpoint(app, signer)
    first = leaves_before(app, summary.first_position) if summary.first_position is not None else checkpoint.size
    end = first + summary.count
    proof = consistency_proof(app, end, checkpoint.size) if 0 < end <= checkpoint.size else []
    summary.tree = {
        "format": TREE_FORMAT,
        "checkpoint": checkpoint.note,
        "verifier_key": signer.verifier_key,
        "first_leaf": first,
        "left_frontier": [h.hex() for h in left_frontier(app, first)],
        "consistency": [h.hex() for h in proof],
        "verifier": "crm/audit/auditor.py: python auditor.py --key KEY.vkey bundle EVENTS MANIFEST",
    }
    return summary.tree


def event_proof(app: Any, position: int, checkpoint: StoredCheckpoint) -> dict[str, Any]:
    """The event at `position` as exported, with its audit path to the checkpoint's root."""
    recorded = event_at(app, position)
    if recorded is None:
        raise LookupError(f"no event at position {position}")
    proof = inclusion_proof(app, position, checkpoint.size)
    stored = recorded.stored
    originator_id = stored.originator_id if isinstance(stored.originator_id, UUID) else UUID(stored.originator_id)
    line, _ = event_line(EventRow(position, originator_id, stored.originator_version, stored.topic, stored.state), None)
    return {
        "format": TREE_FORMAT,
        "checkpoint": checkpoint.note,
        "position": position,
        "leaf_index": proof.leaf_index,
        "event": json.loads(line),
        "proof": [h.hex() for h in proof.hashes],
    }


def growth_proof(app: Any, old_note: str, new: StoredCheckpoint, key: VerifierKey) -> dict[str, Any]:
    """The consistency proof from an older checkpoint (its note, signature checked) to `new`."""
    old = open_checkpoint(old_note, key)
    return {
        "format": TREE_FORMAT,
        "old": old_note,
        "new": new.note,
        "proof": [h.hex() for h in consistency_proof(app, old.size, new.size)],
    }
