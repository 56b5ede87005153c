"""The Merkle tree's part of `crm audit verify`: each stored leaf against its event, each checkpoint against the log.

One pass over the stored events (every position from the first notification id on)
merged with the stored leaves by position:

- an event and its leaf: the leaf hash is recomputed from the stored bytes; a
  difference is an **edited** row, found at its position even when every later
  chain link was rewritten to match;
- a leaf without its event: **deleted**; an event without a leaf: **inserted**.

The recomputed leaves grow a tree of the log as it is now. At each checkpoint's
size its root must be the signed one; the first checkpoint that differs bounds
where the history changed (after the last checkpoint that still matches), and a
checkpoint larger than the log means its tail was cut off (**truncated**).
Separately, the stored tree must still give each signed root: someone who
rewrote the tree to match an edit is caught there, and the edit is then placed
between two checkpoints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from crm.audit.auditor import Checkpoint, Frontier, canonical, leaf_hash
from crm.audit.chain import ChainedApplicationRecorder, iter_events
from crm.audit.tree import FIRST_POSITION, frontier_of

MAX_REPORTED = 100
RANGES = {"diverged", "rewritten"}  # placed only between two checkpoints
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class TreeProblem:
    position: int
    kind: str  # edited, deleted, inserted, truncated, diverged, rewritten
    detail: str = ""


@dataclass
class CheckpointCheck:
    size: int
    matches: bool
    detail: str = ""


@dataclass
class TreeReport:
    leaves: int = 0
    stored_leaves: int = 0
    last_position: int = 0
    problems: list[TreeProblem] = field(default_factory=list)
    problem_count: int = 0
    checkpoints: list[CheckpointCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def first_problem(self) -> TreeProblem | None:
        """The first exactly placed problem, else the start of the first range a checkpoint bounds."""
        return min(self.problems, key=lambda p: (p.kind in RANGES, p.position)) if self.problems else None

    def add(self, position: int, kind: str, detail: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(TreeProblem(position, kind, detail))


def iter_leaves(recorder: ChainedApplicationRecorder, batch_size: int = 5000) -> Iterator[tuple[int, int, bytes]]:
    """Stored leaves (position, index, hash) in position order, in keyset batches (from the chain's rows)."""
    c = recorder.chain_table.c
    after: int | None = None
    while True:
        query = select(c.position, c.idx, c.leaf).where(c.leaf.is_not(None))
        if after is not None:
            query = query.where(c.position > after)
        with recorder.transaction(commit=False) as session:
            rows = session.execute(query.order_by(c.position).limit(batch_size)).all()
        for row in rows:
            yield int(row[0]), -1 if row[1] is None else int(row[1]), bytes(row[2])
        if len(rows) < batch_size:
            return
        after = rows[-1][0]


def verify_tree(
    app: Any, checkpoints: list[Checkpoint], batch_size: int = 5000, progress: Progress | None = None
) -> TreeReport | None:
    """Checkpoints must carry verified signatures already (auditor.open_checkpoint)."""
    recorder = app.recorder
    if not isinstance(recorder, ChainedApplicationRecorder):
        return None
    report = TreeReport()
    by_size = sorted({c.size: c for c in checkpoints}.values(), key=lambda c: c.size)
    boundaries = {size for c in by_size for size in (c.size - 1, c.size)}
    positions: dict[int, int] = {}  # recomputed leaf index -> position, at the checkpoints' edges
    roots: dict[int, bytes] = {}
    frontier = Frontier()
    events = iter_events(recorder.datastore, recorder.events_table, after=FIRST_POSITION - 1, batch_size=batch_size)
    leaves = iter_leaves(recorder, batch_size)
    event, leaf = next(events, None), next(leaves, None)
    sizes = {c.size for c in by_size}
    if 0 in sizes:
        roots[0] = frontier.root()
    while event is not None or leaf is not None:
        if event is not None and (leaf is None or event.id <= leaf[0]):
            computed = leaf_hash(canonical(*event))
            if leaf is not None and leaf[0] == event.id:
                report.stored_leaves += 1
                if leaf[2] != computed:
                    report.add(event.id, "edited", "the stored event no longer gives its leaf hash")
                leaf = next(leaves, None)
            else:
                report.add(event.id, "inserted", "an event without its leaf in the tree")
            if frontier.size in boundaries:
                positions[frontier.size] = event.id
            frontier.append(computed)
            if frontier.size in sizes:
                roots[frontier.size] = frontier.root()
            report.last_position = event.id
            event = next(events, None)
            if progress is not None and frontier.size % batch_size == 0:
                progress(frontier.size, 0)
        elif leaf is not None:
            report.stored_leaves += 1
            report.add(leaf[0], "deleted", "a leaf of the tree without its event")
            leaf = next(leaves, None)
    report.leaves = frontier.size
    _check_checkpoints(recorder, report, by_size, roots, positions)
    return report


def _check_checkpoints(
    recorder: ChainedApplicationRecorder,
    report: TreeReport,
    by_size: list[Checkpoint],
    roots: dict[int, bytes],
    positions: dict[int, int],
) -> None:
    last_good = 0
    diverged = False
    for checkpoint in by_size:
        if checkpoint.size > report.leaves:
            after = report.last_position
            detail = f"the log holds {report.leaves} events, the checkpoint signed {checkpoint.size}"
            report.checkpoints.append(CheckpointCheck(checkpoint.size, False, detail))
            report.add(after + 1, "truncated", f"{detail}: the events after position {after} are gone")
            continue
        if roots.get(checkpoint.size) == checkpoint.root:
            report.checkpoints.append(CheckpointCheck(checkpoint.size, True))
            last_good = checkpoint.size
        else:
            first, last = positions.get(last_good, 0), positions.get(checkpoint.size - 1, 0)
            detail = f"the history changed between positions {first} and {last}"
            report.checkpoints.append(CheckpointCheck(checkpoint.size, False, detail))
            if not diverged:
                report.add(
                    first, "diverged", f"the log no longer gives the root signed at size {checkpoint.size}: {detail}"
                )
                diverged = True
        with recorder.transaction(commit=False) as session:
            try:
                stored_root = frontier_of(session, recorder.tree, checkpoint.size).root()
            except (KeyError, ValueError):
                stored_root = None
        if stored_root != checkpoint.root and checkpoint.size <= report.leaves:
            report.add(
                positions.get(last_good, 0),
                "rewritten",
                f"the stored tree no longer gives the root signed at size {checkpoint.size}",
            )
