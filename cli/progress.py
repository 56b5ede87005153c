"""One progress bar for every long command: a callback of (position, head) drives a tqdm bar on stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm


@contextmanager
def progress_bar(description: str, total: int | None = None) -> Iterator[Callable[[int, int], None]]:
    """Yield `advance(position, head)`; the bar's total follows the head, which may grow while it runs."""
    with tqdm(desc=description, unit="event", total=total, file=sys.stderr, disable=None) as bar:
        reached = 0

        def advance(position: int, head: int) -> None:
            nonlocal reached
            bar.total = head
            bar.update(position - reached)
            reached = position

        yield advance
