"""Replays of the past kept for a while, so that the second look at a moment costs a read, not a replay.

A replay of the log up to a moment (projections/as_of.py) costs about as much as a
rebuild of its read models: seconds to minutes on a large log. The past does not
change as the log grows (events are stamped in the order they are stored), with
one exception: an erasure or a redaction, after which no screen may show the
erased text again. The caller therefore names the moment and a `generation` that
changes with every erasure and redaction (crm's `PersonalKeys.last_destroyed`);
a replay of another generation is never served.

Kept: the `size` most recently used replays, each for at most `seconds`. A replay
is read under its own lock (the in-memory store serves one reader at a time
anyway), and it is closed only under that lock, in a thread of its own, so eviction
never pulls a store from under a request that is reading it.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from projections.runner import Projector

# Two replays of 10,000 companies fit in a few hundred MB; a quarter of an hour covers an auditor's session
# with one moment and a project lead comparing two.
KEPT_REPLAYS = 2
KEPT_SECONDS = 900.0


@dataclass
class _Replay:
    projector: Projector
    made: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    closed: bool = False


class Replays:
    """The replays of one process, by (what was replayed, moment, generation)."""

    def __init__(
        self, size: int = KEPT_REPLAYS, seconds: float = KEPT_SECONDS, now: Callable[[], float] = time.monotonic
    ):
        self.size, self.seconds, self._now = size, seconds, now
        self._kept: OrderedDict[Hashable, _Replay] = OrderedDict()
        self._lock = threading.Lock()
        self.made = 0  # replays made (a count for the tests and the benchmark)

    @contextmanager
    def of(
        self, kind: str, moment: datetime, generation: Hashable, replay: Callable[[], Projector]
    ) -> Iterator[Projector]:
        """The replay of `kind` at `moment` in this generation: kept, or made now by `replay()` and kept."""
        key = (kind, moment, generation)
        while True:
            with self._lock:
                self._drop_stale()
                found = self._kept.get(key)
                if found is not None:
                    self._kept.move_to_end(key)
            if found is None:
                found = self._make(key, replay)
            with found.lock:
                if found.closed:  # evicted between finding and locking it: look again
                    continue
                yield found.projector
                return

    def clear(self) -> None:
        """Forget every replay (an erasure in this process need not wait for the generation to be read)."""
        with self._lock:
            dropped = list(self._kept.values())
            self._kept.clear()
        for replay in dropped:
            self._close_later(replay)

    def _make(self, key: Hashable, replay: Callable[[], Projector]) -> _Replay:
        made = _Replay(replay(), self._now())
        evicted: list[_Replay] = []
        with self._lock:
            self.made += 1
            if key in self._kept:  # another request made it meanwhile: keep one, close ours
                evicted.append(made)
                made = self._kept[key]
            else:
                self._kept[key] = made
            while len(self._kept) > self.size:
                evicted.append(self._kept.popitem(last=False)[1])
        for old in evicted:
            self._close_later(old)
        return made

    def _drop_stale(self) -> None:
        """Under self._lock: forget replays older than `seconds` (they are closed once no one reads them)."""
        stale = [key for key, replay in self._kept.items() if self._now() - replay.made > self.seconds]
        for key in stale:
            self._close_later(self._kept.pop(key))

    @staticmethod
    def _close_later(replay: _Replay) -> None:
        """Close once no request reads it: in a thread of its own, as the reader may be this very thread."""

        def close() -> None:
            with replay.lock:
                replay.closed = True
                replay.projector.close()

        threading.Thread(target=close, daemon=True).start()
