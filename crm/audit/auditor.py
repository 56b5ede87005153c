"""The auditor's side of the audit trail, in one file: the standard library and `cryptography`, nothing else.

Copy this file out of the repository and run it without the application or the database:

    python auditor.py bundle EVENTS.jsonl MANIFEST.json --key KEY.vkey
    python auditor.py proof PROOF.json --key KEY.vkey
    python auditor.py consistency OLD.checkpoint NEW.checkpoint PROOF.json --key KEY.vkey

It holds the definitions the application's write side also uses (one home):

- canonical(event): the bytes of one stored event, exactly as stored (see `canonical`);
- the Merkle tree hash of RFC 9162 section 2.1: leaf = SHA-256(0x00 || canonical),
  node = SHA-256(0x01 || left || right), a tree of n leaves split at the largest power of
  two smaller than n; inclusion and consistency proofs verified as in 2.1.3.2 and 2.1.4.2;
- checkpoints in the C2SP tlog-checkpoint format (origin, tree size, base64 root hash),
  signed notes (C2SP signed-note) with an Ed25519 key; the verifier key is the text
  `<name>+<hex key id>+<base64(0x01 || public key)>`.

An exported bundle is checked thus: the manifest's checkpoint must carry a valid signature
of the given key; the leaves [0, first) are summed up by the manifest's `left_frontier`
(the hashes of the complete subtrees covering them), the exported events are appended as
leaves, which gives the root of the tree up to the last exported event; the manifest's
consistency proof must lead from that root to the checkpoint's. So every exported event is
proven to stand, with its exact stored bytes, at its place in the signed log.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import struct
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

CANONICAL_PREFIX = b"crm-chain/1\n"
_HEAD = struct.Struct(">Q16sQ")
_LENGTH = struct.Struct(">I")
_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
SIGNATURE_PREFIX = "\u2014 "  # an em dash and a space start every signature line of a signed note
ED25519 = 0x01
EMPTY_ROOT = hashlib.sha256(b"").digest()


# --- the bytes of one event -------------------------------------------------------------------


def canonical(position: int, originator_id: UUID, originator_version: int, topic: str, state: bytes) -> bytes:
    """One stored event as bytes: its position, originator, version, topic and state exactly as stored.

    b"crm-chain/1\\n", position (8 bytes, big-endian), the originator id (16 bytes),
    the version (8 bytes), len(topic) (4 bytes) and the topic in UTF-8, len(state)
    (4 bytes) and the state. The timestamp is inside the state.
    """
    topic_bytes = topic.encode("utf-8")
    return b"".join(
        (
            CANONICAL_PREFIX,
            _HEAD.pack(position, originator_id.bytes, originator_version),
            _LENGTH.pack(len(topic_bytes)),
            topic_bytes,
            _LENGTH.pack(len(state)),
            state,
        )
    )


# --- RFC 9162 section 2.1 ---------------------------------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class Frontier:
    """The right edge of a growing tree: one complete subtree hash per set bit of its size.

    Appending costs O(log n) and keeps O(log n) hashes, so the root of any prefix
    of a log is computed in one pass, in constant memory.
    """

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()):
        if len(hashes) != bin(size).count("1"):
            raise ValueError(f"a frontier of size {size} has {bin(size).count('1')} hashes, not {len(hashes)}")
        self.size = size
        self.hashes = list(hashes)  # largest subtree first

    def append(self, leaf: bytes) -> list[bytes]:
        """Add a leaf; returns the hashes of the subtrees it completed, lowest first (none when its index is even)."""
        carry, size, completed = leaf, self.size, []
        while size & 1:
            carry = node_hash(self.hashes.pop(), carry)
            completed.append(carry)
            size >>= 1
        self.hashes.append(carry)
        self.size += 1
        return completed

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        acc = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            acc = node_hash(left, acc)
        return acc


def root_of(leaves: Iterable[bytes]) -> bytes:
    """The Merkle tree hash of these leaf hashes."""
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 2.1.3.2: does `leaf` stand at `index` (from 0) of the tree of `size` whose hash is `root`?"""
    if index >= size or index < 0:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes) -> bool:
    """RFC 9162 2.1.4.2: is the tree of `size2` (hash `root2`) the tree of `size1` (hash `root1`) plus appends?"""
    if size1 < 0 or size2 < size1:
        return False
    if size1 == size2:
        return not proof and root1 == root2
    if size1 == 0:
        return not proof  # the empty tree is a prefix of every tree
    if not proof:
        return False
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # a power of two: the first tree is a subtree, its hash goes first
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == root1 and sr == root2


# --- checkpoints as signed notes (C2SP tlog-checkpoint, signed-note) --------------------------


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ED25519]) + public_key).digest()[:4]


def verifier_key(name: str, public_key: bytes) -> str:
    """The text an auditor keeps: name+hex key id+base64(0x01 || public key)."""
    encoded = base64.b64encode(bytes([ED25519]) + public_key).decode("ascii")
    return f"{name}+{key_id(name, public_key).hex()}+{encoded}"


@dataclass(frozen=True)
class VerifierKey:
    name: str
    id: bytes
    public_key: bytes

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        name, hex_id, encoded = text.strip().split("+", 2)  # the base64 may hold "+", a name never
        raw = base64.b64decode(encoded, validate=True)
        if len(raw) != 33 or raw[0] != ED25519:
            raise ValueError("not an Ed25519 verifier key")
        if key_id(name, raw[1:]) != bytes.fromhex(hex_id):
            raise ValueError("the verifier key's id does not match its name and key")
        return cls(name, bytes.fromhex(hex_id), raw[1:])


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    text: str = ""  # the whole signed note, as read

    def body(self) -> str:
        return checkpoint_body(self.origin, self.size, self.root)


def checkpoint_body(origin: str, size: int, root: bytes) -> str:
    return f"{origin}\n{size}\n{base64.b64encode(root).decode('ascii')}\n"


def signature_line(name: str, public_key: bytes, signature: bytes) -> str:
    return f"{SIGNATURE_PREFIX}{name} {base64.b64encode(key_id(name, public_key) + signature).decode('ascii')}\n"


def open_checkpoint(note: str, key: VerifierKey) -> Checkpoint:
    """The checkpoint in a signed note, once a signature of `key` over its body verifies; ValueError otherwise."""
    body, sep, signatures = note.rpartition("\n\n")
    if not sep:
        raise ValueError("not a signed note: no blank line before the signatures")
    body += "\n"
    found = False
    for line in signatures.splitlines():
        if not line.startswith(SIGNATURE_PREFIX):
            raise ValueError(f"not a signature line: {line!r}")
        name, _, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
        raw = base64.b64decode(encoded, validate=True)
        if name != key.name or raw[:4] != key.id:
            continue  # another signer's line (a witness's cosignature)
        try:
            Ed25519PublicKey.from_public_bytes(key.public_key).verify(raw[4:], body.encode("utf-8"))
        except InvalidSignature:
            raise ValueError("the checkpoint's signature does not verify") from None
        found = True
        break
    if not found:
        raise ValueError(f"no signature of {key.name} on the checkpoint")
    lines = body.split("\n")
    if len(lines) < 4 or not lines[1].isdigit():
        raise ValueError("not a checkpoint: origin, tree size and root hash expected")
    root = base64.b64decode(lines[2], validate=True)
    if len(root) != 32:
        raise ValueError("the checkpoint's root hash is not 32 bytes")
    return Checkpoint(lines[0], int(lines[1]), root, note)


# --- exported events --------------------------------------------------------------------------


def line_leaf(line: dict) -> tuple[int, bytes]:
    """(position, leaf hash) of one exported JSON line, from its exact stored bytes."""
    state = base64.b64decode(line["state_bytes"]) if line.get("state_bytes") else _JSON.encode(line["state"]).encode()
    position = int(line["position"])
    data = canonical(position, UUID(line["originator_id"]), int(line["version"]), line["topic"], state)
    return position, leaf_hash(data)


@dataclass
class Verdict:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _hashes(values: Sequence[str]) -> list[bytes]:
    return [bytes.fromhex(v) for v in values]


def verify_bundle(events_path: Path | str, manifest_path: Path | str, key: VerifierKey) -> Verdict:
    """Every exported event at its place in the signed log (see the module docstring)."""
    verdict = Verdict()
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    proof = manifest.get("tree")
    if not proof:
        verdict.problems.append("the manifest carries no tree proof")
        return verdict
    try:
        checkpoint = open_checkpoint(proof["checkpoint"], key)
    except ValueError as error:
        verdict.problems.append(str(error))
        return verdict
    frontier = Frontier(int(proof["first_leaf"]), _hashes(proof["left_frontier"]))
    last = None
    with Path(events_path).open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                position, leaf = line_leaf(json.loads(raw))
            except (ValueError, KeyError, TypeError) as error:
                verdict.problems.append(f"line {number}: not an exported event ({error})")
                return verdict
            if last is not None and position <= last:
                verdict.problems.append(f"line {number}: position {position} comes after {last}")
            last = position
            frontier.append(leaf)
            verdict.checked += 1
    if verdict.checked != manifest.get("count"):
        verdict.problems.append(f"the file holds {verdict.checked} events, the manifest says {manifest.get('count')}")
    if frontier.size > checkpoint.size:
        verdict.problems.append(f"the export reaches leaf {frontier.size}, beyond the checkpoint's {checkpoint.size}")
    elif not verify_consistency(
        frontier.size, checkpoint.size, _hashes(proof["consistency"]), frontier.root(), checkpoint.root
    ):
        verdict.problems.append(
            f"the exported events are not leaves {proof['first_leaf']}..{frontier.size - 1} of the signed log "
            f"({checkpoint.origin}, size {checkpoint.size}): an event was changed, dropped, added or moved"
        )
    return verdict


def verify_proof(bundle: dict, key: VerifierKey) -> Verdict:
    """An inclusion proof (`crm audit prove --position`): the event's leaf at its index under the checkpoint."""
    verdict = Verdict(checked=1)
    try:
        checkpoint = open_checkpoint(bundle["checkpoint"], key)
    except ValueError as error:
        return Verdict(0, [str(error)])
    position, leaf = line_leaf(bundle["event"])
    if position != bundle["position"]:
        verdict.problems.append("the proof names another position than its event")
    if not verify_inclusion(bundle["leaf_index"], checkpoint.size, leaf, _hashes(bundle["proof"]), checkpoint.root):
        verdict.problems.append(f"the event at position {position} is not in the signed log as given")
    return verdict


def verify_checkpoints(old_note: str, new_note: str, proof: Sequence[str], key: VerifierKey) -> Verdict:
    """The newer checkpoint's log is the older one's plus appended events only."""
    try:
        old, new = open_checkpoint(old_note, key), open_checkpoint(new_note, key)
    except ValueError as error:
        return Verdict(0, [str(error)])
    if verify_consistency(old.size, new.size, _hashes(proof), old.root, new.root):
        return Verdict(new.size - old.size)
    return Verdict(0, [f"the log of size {new.size} does not extend the log of size {old.size}"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check an audit export or proof against a signed checkpoint.")
    parser.add_argument("--key", required=True, type=Path, help="the log's verifier key (a .vkey file)")
    sub = parser.add_subparsers(dest="what", required=True)
    bundle = sub.add_parser("bundle")
    bundle.add_argument("events", type=Path)
    bundle.add_argument("manifest", type=Path)
    single = sub.add_parser("proof")
    single.add_argument("proof", type=Path)
    growth = sub.add_parser("consistency")
    growth.add_argument("old", type=Path)
    growth.add_argument("new", type=Path)
    growth.add_argument("proof", type=Path)
    args = parser.parse_args(argv)
    key = VerifierKey.parse(args.key.read_text(encoding="utf-8"))
    if args.what == "bundle":
        verdict = verify_bundle(args.events, args.manifest, key)
    elif args.what == "proof":
        verdict = verify_proof(json.loads(args.proof.read_text(encoding="utf-8")), key)
    else:
        proof = json.loads(args.proof.read_text(encoding="utf-8"))["proof"]
        verdict = verify_checkpoints(args.old.read_text("utf-8"), args.new.read_text("utf-8"), proof, key)
    for problem in verdict.problems:
        print(f"  {problem}")
    print(f"{verdict.checked} checked: {'OK' if verdict.ok else 'NOT OK'}")
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())
