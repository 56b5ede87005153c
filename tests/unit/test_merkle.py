"""The Merkle tree of RFC 9162 (crm/audit/auditor.py, crm/audit/tree.py) against published vectors and a naive tree."""

from __future__ import annotations

import hashlib

import pytest

from crm.audit.auditor import Frontier, leaf_hash, node_hash, root_of, verify_consistency, verify_inclusion
from crm.audit.tree import consistency_ranges, inclusion_ranges, pieces

# The RFC 6962 test leaves and tree heads used by the Certificate Transparency implementations
# (the same values appear in several independent code bases).
CT_LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                        "606162636465666768696a6b6c6d6e6f")]  # fmt: skip
CT_ROOTS = {
    0: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
CT_INCLUSION = [  # (leaf index from 0, tree size, audit path)
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
CT_CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
LEAVES = [leaf_hash(data) for data in CT_LEAVES]


# --- a naive implementation, written from RFC 9162's definitions, to cross-check against -------


def naive_root(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(naive_root(leaves[:k]), naive_root(leaves[k:]))


def naive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) <= 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m < k:
        return [*naive_path(m, leaves[:k]), naive_root(leaves[k:])]
    return [*naive_path(m - k, leaves[k:]), naive_root(leaves[:k])]


def naive_subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [naive_root(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return [*naive_subproof(m, leaves[:k], whole), naive_root(leaves[k:])]
    return [*naive_subproof(m - k, leaves[k:], False), naive_root(leaves[:k])]


def from_ranges(leaves: list[bytes], ranges: list[tuple[int, int]]) -> list[bytes]:
    """Hashes of leaf ranges the way the stored tree gives them: folded from complete subtrees."""
    hashes = []
    for lo, hi in ranges:
        parts = [naive_root(leaves[i << level : (i + 1) << level]) for level, i in pieces(lo, hi)]
        acc = parts[-1]
        for part in reversed(parts[:-1]):
            acc = node_hash(part, acc)
        hashes.append(acc)
    return hashes


def many(n: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


# --- published vectors ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", range(9))
def test_the_tree_heads_are_rfc_6962s(size):
    assert root_of(LEAVES[:size]).hex() == CT_ROOTS[size]
    assert naive_root(LEAVES[:size]).hex() == CT_ROOTS[size]


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION)
def test_inclusion_proofs_are_the_published_ones_and_verify(index, size, path):
    proof = from_ranges(LEAVES, inclusion_ranges(index, 0, size))
    assert [p.hex() for p in proof] == path
    root = bytes.fromhex(CT_ROOTS[size])
    assert verify_inclusion(index, size, LEAVES[index], proof, root)
    assert not verify_inclusion(index, size, LEAVES[index + 1 if index + 1 < size else 0], proof, root)


@pytest.mark.parametrize(("size1", "size2", "path"), CT_CONSISTENCY)
def test_consistency_proofs_are_the_published_ones_and_verify(size1, size2, path):
    proof = from_ranges(LEAVES, consistency_ranges(size1, size2))
    assert [p.hex() for p in proof] == path
    root1, root2 = bytes.fromhex(CT_ROOTS[size1]), bytes.fromhex(CT_ROOTS[size2])
    assert verify_consistency(size1, size2, proof, root1, root2)
    if size1 != size2:
        assert not verify_consistency(size1, size2, proof, root2, root2)


# --- every shape against the naive tree ------------------------------------------------------------


def test_every_inclusion_proof_up_to_40_leaves_equals_the_naive_one_and_only_its_leaf_verifies():
    for size in range(1, 41):
        leaves = many(size)
        root = naive_root(leaves)
        for index in range(size):
            proof = from_ranges(leaves, inclusion_ranges(index, 0, size))
            assert proof == naive_path(index, leaves)
            assert verify_inclusion(index, size, leaves[index], proof, root)
            assert not verify_inclusion(index, size, leaf_hash(b"forged"), proof, root)
            assert not verify_inclusion((index + 1) % size, size, leaves[index], proof, root) or size == 1


def test_every_consistency_proof_up_to_33_leaves_equals_the_naive_one_and_catches_an_edit():
    for size2 in range(1, 34):
        leaves = many(size2)
        root2 = naive_root(leaves)
        for size1 in range(1, size2 + 1):
            proof = from_ranges(leaves, consistency_ranges(size1, size2))
            assert proof == (naive_subproof(size1, leaves, True) if size1 < size2 else [])
            assert verify_consistency(size1, size2, proof, naive_root(leaves[:size1]), root2)
            edited = [*leaves[: size1 - 1], leaf_hash(b"edited")]
            assert not verify_consistency(size1, size2, proof, naive_root(edited), root2)


def test_the_frontier_gives_every_root_and_each_subtree_a_new_leaf_completes():
    leaves = many(70)
    frontier = Frontier()
    for index, leaf in enumerate(leaves):
        completed = frontier.append(leaf)
        for level, digest in enumerate(completed, start=1):
            first = (index >> level) << level
            assert digest == naive_root(leaves[first : first + (1 << level)])
        assert len(completed) == (index ^ (index + 1)).bit_length() - 1
        assert frontier.root() == naive_root(leaves[: index + 1])
