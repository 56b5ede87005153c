"""Signed checkpoints of the log's Merkle tree, and the proofs against them.

A checkpoint is the C2SP tlog-checkpoint note (origin, tree size, root hash) signed
with the instance's Ed25519 key (crm/audit/auditor.py has the format). The private
key lives in a file, never in the database: CRM_AUDIT_KEY_PATH, or
`audit-signing.key` in the instance folder, made on first use (PKCS#8 PEM, mode
0600). Whoever can write to the database can then still delete checkpoints, but
never make one: a second party who keeps the checkpoints (and the verifier key,
`crm audit key`) sees any rewrite of the history they cover.

Checkpoints are stored append-only in `crm_audit_checkpoints` (a trigger refuses
updates and deletes), with the last event position they cover.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import BigInteger, Column, DateTime, Integer, LargeBinary, MetaData, Table, Text, func, select

from crm.audit.auditor import (
    Checkpoint,
    VerifierKey,
    checkpoint_body,
    key_id,
    open_checkpoint,
    signature_line,
    verifier_key,
)
from crm.audit.chain import ChainedApplicationRecorder
from crm.audit.tree import (
    consistency_ranges,
    frontier_of,
    inclusion_ranges,
    last_leaf,
    leaf_index,
    range_hashes,
    tree_size,
)
from storage.location import instance_path

KEY_PATH_VAR = "CRM_AUDIT_KEY_PATH"
ORIGIN_VAR = "CRM_AUDIT_ORIGIN"
DEFAULT_ORIGIN = "workplace-crm.local/audit"

checkpoints_table = Table(
    "crm_audit_checkpoints",
    MetaData(),
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    Column("made_at", DateTime, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("last_position", BigInteger, nullable=True),
    Column("root", LargeBinary(32), nullable=False),
    Column("note", Text, nullable=False),
)


class NoTree(Exception):
    """The in-memory store keeps no tree: nothing to sign or prove."""


def key_path() -> Path:
    return Path(os.environ.get(KEY_PATH_VAR) or instance_path() / "audit-signing.key")


@dataclass(frozen=True)
class Signer:
    name: str
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> bytes:
        return self.private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def verifier_key(self) -> str:
        return verifier_key(self.name, self.public_key)

    @property
    def key(self) -> VerifierKey:
        return VerifierKey(self.name, key_id(self.name, self.public_key), self.public_key)

    def sign(self, origin: str, size: int, root: bytes) -> str:
        body = checkpoint_body(origin, size, root)
        signature = self.private_key.sign(body.encode("utf-8"))
        return body + "\n" + signature_line(self.name, self.public_key, signature)

    @classmethod
    def load(cls, path: Path | None = None, name: str | None = None, create: bool = True) -> Signer:
        """The instance's key from its file, made (readable by the owner only) when there is none yet."""
        path = path or key_path()
        name = name or os.environ.get(ORIGIN_VAR) or DEFAULT_ORIGIN
        if not path.exists():
            if not create:
                raise FileNotFoundError(f"no signing key at {path}")
            path.parent.mkdir(parents=True, exist_ok=True)
            pem = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(pem)
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise ValueError(f"{path} holds no Ed25519 key")
        return cls(name, loaded)


def _recorder(app: Any) -> ChainedApplicationRecorder:
    recorder = app.recorder
    if not isinstance(recorder, ChainedApplicationRecorder):
        raise NoTree("the in-memory store keeps no Merkle tree; use a SQL store")
    return recorder


@dataclass(frozen=True)
class StoredCheckpoint:
    id: int
    made_at: datetime
    size: int
    last_position: int | None
    root: bytes
    note: str


def make_checkpoint(app: Any, signer: Signer) -> StoredCheckpoint:
    """Sign the tree as it stands and store the checkpoint (under the events' lock, so no append slips between)."""
    recorder = _recorder(app)
    with recorder.transaction(commit=True) as session:
        recorder._lock_table(session)
        found = last_leaf(session, recorder.tree)
        size, last = (0, None) if found is None else (found[0] + 1, found[1])
        root = frontier_of(session, recorder.tree, size).root()
        note = signer.sign(signer.name, size, root)
        made_at = app.clock.now().replace(tzinfo=None)
        values = {"made_at": made_at, "size": size, "last_position": last, "root": root, "note": note}
        session.execute(checkpoints_table.insert().values(**values))
        new_id = session.execute(select(func.max(checkpoints_table.c.id))).scalar()
    return StoredCheckpoint(int(new_id or 0), made_at, size, last, root, note)


def checkpoint_if_grown(app: Any, signer: Signer) -> StoredCheckpoint | None:
    """The worker's periodic checkpoint: a new one only when events were recorded since the last."""
    recorder = _recorder(app)
    latest = stored_checkpoints(app, limit=1)
    with recorder.transaction(commit=False) as session:
        size = tree_size(session, recorder.tree)
    if latest and latest[0].size == size:
        return None
    return make_checkpoint(app, signer)


def stored_checkpoints(app: Any, limit: int | None = None) -> list[StoredCheckpoint]:
    """The stored checkpoints, newest first."""
    recorder = _recorder(app)
    c = checkpoints_table.c
    query = select(c.id, c.made_at, c.size, c.last_position, c.root, c.note).order_by(c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    with recorder.transaction(commit=False) as session:
        return [StoredCheckpoint(r[0], r[1], r[2], r[3], bytes(r[4]), r[5]) for r in session.execute(query)]


def checkpoint_count(app: Any) -> int:
    with _recorder(app).transaction(commit=False) as session:
        return int(session.execute(select(func.count()).select_from(checkpoints_table)).scalar() or 0)


# --- proofs from the stored tree --------------------------------------------------------------


@dataclass(frozen=True)
class InclusionProof:
    position: int
    leaf_index: int
    size: int
    hashes: list[bytes]


def inclusion_proof(app: Any, position: int, size: int) -> InclusionProof:
    """The audit path of the event at `position` in the tree of `size` leaves (LookupError when not in it)."""
    recorder = _recorder(app)
    with recorder.transaction(commit=False) as session:
        index = leaf_index(session, recorder.tree, position)
        if index is None or index >= size:
            raise LookupError(f"no event at position {position} in the tree of size {size}")
        hashes = range_hashes(session, recorder.tree, inclusion_ranges(index, 0, size))
    return InclusionProof(position, index, size, hashes)


def consistency_proof(app: Any, size1: int, size2: int) -> list[bytes]:
    recorder = _recorder(app)
    with recorder.transaction(commit=False) as session:
        if size2 > tree_size(session, recorder.tree):
            raise LookupError(f"the tree has fewer than {size2} leaves")
        return range_hashes(session, recorder.tree, consistency_ranges(size1, size2))


def left_frontier(app: Any, size: int) -> list[bytes]:
    """The complete subtrees covering leaves [0, size): what an export starting at leaf `size` carries."""
    recorder = _recorder(app)
    with recorder.transaction(commit=False) as session:
        return frontier_of(session, recorder.tree, size).hashes


def leaf_index_of(app: Any, position: int) -> int | None:
    recorder = _recorder(app)
    with recorder.transaction(commit=False) as session:
        return leaf_index(session, recorder.tree, position)


def trusted_checkpoints(app: Any, key: VerifierKey) -> tuple[list[Checkpoint], list[str]]:
    """The stored checkpoints whose signature verifies, and a line for each one that does not."""
    good, bad = [], []
    for stored in stored_checkpoints(app):
        try:
            checkpoint = open_checkpoint(stored.note, key)
        except ValueError as error:
            bad.append(f"checkpoint {stored.id} (size {stored.size}): {error}")
            continue
        if (checkpoint.size, checkpoint.root) != (stored.size, stored.root):
            bad.append(f"checkpoint {stored.id}: its columns differ from its signed note")
        good.append(checkpoint)
    return good, bad
