"""`crm audit verify`: recompute the hash chain, find the first position that no longer matches, and
check that every read model equals a fresh replay of the log.

The walk merges the stored events and the stored links by position, in
batches, so memory stays bounded however long the log is. At each position:

- an event and a link: the link is recomputed from the previous stored link;
  a difference means the event row was edited (**edited**);
- a link without an event: the event row was deleted (**deleted**);
- an event without a link: the row was written behind the recorder's back (**inserted**);
- an event or a link at a position below the first notification id (0 or
  negative): nothing the recorder writes is there, but the repository loads
  such a row like any other (**outside** the chain's range).

After a problem the walk goes on from the stored link, so each later problem
is reported at its own position. Someone able to rewrite the links as well
could make every stored link agree with edited events; the anchor defends
against that: the chain recomputed from the first event, ignoring the stored
links, must reach the hash written down outside the system at that position.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from sqlalchemy import select

from crm.audit.auditor import Checkpoint
from crm.audit.chain import (
    FIRST_POSITION,
    GENESIS,
    ChainedApplicationRecorder,
    iter_events,
    iter_links,
    merged,
    next_link,
)
from crm.audit.verify_tree import TreeReport, verify_tree
from storage.datastore import snapshot_read

MAX_REPORTED = 100
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Anchor:
    """A position and its hash, written down outside the system (`crm audit head`)."""

    position: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """POSITION:HASH, e.g. 1234:9f86d0...; raises ValueError when it is not one."""
        position, sep, digest = (text or "").strip().partition(":")
        digest = digest.strip().lower()
        if not sep or not position.strip().isdigit() or len(digest) != 64:
            raise ValueError("an anchor is POSITION:HASH, the hash 64 hex digits")
        bytes.fromhex(digest)
        return cls(int(position), digest)

    def __str__(self) -> str:
        return f"{self.position}:{self.hash}"


@dataclass(frozen=True)
class Problem:
    position: int
    kind: str  # edited, deleted, inserted, outside
    detail: str = ""


@dataclass
class ChainReport:
    chained: bool
    checked: int = 0
    links: int = 0
    head_position: int | None = None
    head_hash: str | None = None
    recomputed_head: str | None = None
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    anchor: Anchor | None = None
    anchor_matches: bool | None = None
    anchor_detail: str = ""

    @property
    def first_problem(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    @property
    def ok(self) -> bool:
        return self.chained and self.problem_count == 0 and self.anchor_matches is not False


@dataclass
class SnapshotCheck:
    checked: int = 0
    differing: list[tuple[UUID, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differing


@dataclass
class VerifyReport:
    chain: ChainReport
    snapshots: SnapshotCheck | None = None
    tree: TreeReport | None = None
    # Stored checkpoints whose signature does not verify (forged, or signed by another key).
    bad_checkpoints: list[str] = field(default_factory=list)
    # Filled by the caller's read-model check (projections/verify.py): each item has `.equal`.
    projections: list[Any] | None = None

    @property
    def ok(self) -> bool:
        return (
            self.chain.ok
            and (self.snapshots is None or self.snapshots.ok)
            and (self.tree is None or self.tree.ok)
            and not self.bad_checkpoints
            and all(p.equal for p in self.projections or [])
        )


def verify(
    app: Any,
    anchor: Anchor | None = None,
    read_models: Callable[[Any], list[Any]] | None = None,
    progress: Progress | None = None,
    checkpoints: list[Checkpoint] | None = None,
    bad_checkpoints: list[str] | None = None,
) -> VerifyReport:
    """The chain, the tree against the (signature-checked) checkpoints, the snapshots, and, when given a
    check (`projections.verify`), every read model."""
    report = VerifyReport(chain=verify_chain(app, anchor=anchor, progress=progress))
    report.bad_checkpoints = list(bad_checkpoints or [])
    if report.chain.chained:
        report.tree = verify_tree(app, checkpoints or [])
        report.snapshots = verify_snapshots(app)
        if read_models is not None:
            report.projections = read_models(app)
    return report


def verify_snapshots(app: Any) -> SnapshotCheck | None:
    """Each stored snapshot against its aggregate rebuilt from the (chained) events alone.

    Snapshots are not events and have no link; the application loads an
    aggregate from its latest snapshot, so an edited snapshot would change what
    the screens show without touching the log. Each one must equal the replay.
    """
    store = getattr(app, "snapshots", None)
    if store is None or not hasattr(store.recorder, "events_record_cls"):
        return None
    table = store.recorder.events_record_cls.__table__
    check = SnapshotCheck()
    c = table.c
    with snapshot_read(store.recorder.datastore) as session:
        rows = session.execute(
            select(c.originator_id, c.originator_version, c.topic, c.state)
            .order_by(c.originator_id, c.originator_version)
            .execution_options(yield_per=500)
        )
        for originator_id, version, topic, state in rows:
            check.checked += 1
            try:
                snapshot = store.mapper.to_domain_event(
                    StoredEvent(originator_id, version, topic, bytes(state) if not isinstance(state, bytes) else state)
                )
                from_snapshot = _public_state(snapshot.mutate(None))
                aggregate = None
                for event in app.events.get(originator_id, lte=version):
                    aggregate = event.mutate(aggregate)
                same = aggregate is not None and from_snapshot == _public_state(aggregate)
            except Exception:  # noqa: BLE001 - an edited snapshot may not even decode
                same = False
            if not same:
                check.differing.append((originator_id, version))
    return check


def _public_state(aggregate: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def verify_chain(
    app: Any, anchor: Anchor | None = None, batch_size: int = 5000, progress: Progress | None = None
) -> ChainReport:
    recorder = app.recorder
    if not isinstance(recorder, ChainedApplicationRecorder):
        return ChainReport(chained=False, anchor=anchor)
    datastore, events, chain = recorder.datastore, recorder.events_table, recorder.chain_table
    stop = recorder.last_position()
    report = ChainReport(chained=True, anchor=anchor)
    running = GENESIS  # follows the stored links, so each problem is found at its own position
    pure = GENESIS  # recomputed from the first event alone, for the anchor
    for position, event, link in merged(
        iter_events(datastore, events, stop=stop, batch_size=batch_size),
        iter_links(datastore, chain, stop=stop, batch_size=batch_size),
    ):
        if position < FIRST_POSITION:
            report.checked += event is not None
            what = "an event row" if event is not None else "a link"
            _problem(
                report, position, "outside", f"{what} below position {FIRST_POSITION}, where the chain never writes"
            )
            continue
        if event is not None:
            report.checked += 1
            pure = next_link(pure, *event)
            if link is None:
                _problem(report, position, "inserted", "an event without its link")
            else:
                expected = next_link(running, *event)
                if expected.hex() != link:
                    _problem(report, position, "edited", "the stored event no longer matches its link")
                running = bytes.fromhex(link)
        elif link is not None:
            _problem(report, position, "deleted", "a link without its event")
            running = bytes.fromhex(link)
        if link is not None:
            report.links += 1
            report.head_position, report.head_hash = position, link
        if anchor is not None and position == anchor.position:
            if event is None:
                report.anchor_matches, report.anchor_detail = False, "the anchored event is gone"
            else:
                report.anchor_matches = pure.hex() == anchor.hash
                if not report.anchor_matches:
                    report.anchor_detail = "the history up to the anchor no longer gives the anchored hash"
        if progress is not None and report.checked % batch_size == 0:
            progress(position, stop)
    report.recomputed_head = pure.hex() if report.checked else None
    if anchor is not None and report.anchor_matches is None:
        report.anchor_matches = False
        report.anchor_detail = "the log has no event at the anchored position"
    if progress is not None:
        progress(stop, stop)
    return report


def _problem(report: ChainReport, position: int, kind: str, detail: str) -> None:
    report.problem_count += 1
    if len(report.problems) < MAX_REPORTED:
        report.problems.append(Problem(position, kind, detail))
