"""`crm audit export`: the events of a date range as JSON Lines plus a manifest, re-verifiable alone.

One line per event, in notification order:

    {"position": 42, "originator_id": "...", "version": 3, "topic": "crm.attempts:OutreachAttempt.Logged",
     "timestamp": "2026-03-02T08:00:00+00:00", "state": {...}, "link": "9f86d0..."}

`state` is the stored state decoded as JSON (values the library wraps keep their
{"_type_", "_data_"} form); the file is re-verified by encoding it again as the
library does (compact, UTF-8), and a line whose state would not give the same
bytes carries them too, as "state_bytes" in base64. The manifest names the
link before the first exported event, so the chain can be recomputed from the
file alone (`verify_export`), and the head hash at the time of the export.

A date range is of Danish calendar days, both included: the export starts at
the first event recorded at or after the first day began and stops before the
first event recorded after the last day ended. Events are recorded in time
order, so that is every event of those days, as one unbroken run of the chain.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from crm.audit.chain import GENESIS, ChainedApplicationRecorder, iter_events, iter_links, merged, next_link
from crm.clock import day_start
from crm.contacts import Contact

FORMAT = "crm-audit-export/1"
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
CONTACT_TOPIC = get_topic(Contact) + "."
Progress = Callable[[int, int], None]


class NoChain(Exception):
    """Raised when the store keeps no hash chain (the in-memory store), so there is nothing to export."""


class InvalidRange(ValueError):
    """Raised, before any line is written, when a day of the range has no start in the calendar's range."""


def software_version() -> str:
    try:
        return metadata.version("workplace-crm")
    except metadata.PackageNotFoundError:
        return "unknown"


def encode_state(state: Any) -> bytes:
    """The state as the library's JSONTranscoder writes it."""
    return _ENCODER.encode(state).encode("utf-8")


@dataclass
class ExportSummary:
    """What the manifest says about the lines written so far."""

    date_from: date | None
    date_to: date | None
    head_position: int | None = None
    head_hash: str | None = None
    count: int = 0
    first_position: int | None = None
    last_position: int | None = None
    previous_link: str = GENESIS.hex()
    last_link: str | None = None
    contacts: set[UUID] = field(default_factory=set)
    digest: Any = field(default_factory=hashlib.sha256)
    # The signed checkpoint and the proofs that place the lines in the log (crm/audit/bundle.py: prove_export).
    tree: dict[str, Any] | None = None

    def manifest(self, events_file: str, created_at: datetime) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "software": {"name": "workplace-crm", "version": software_version()},
            "created_at": created_at.astimezone(UTC).isoformat(),
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "events_file": events_file,
            "events_sha256": self.digest.hexdigest(),
            "count": self.count,
            "first_position": self.first_position,
            "last_position": self.last_position,
            "previous_link": self.previous_link,
            "last_link": self.last_link,
            "head_position": self.head_position,
            "head_hash": self.head_hash,
            "chain": "link = sha256(previous link || canonical(event)); canonical: crm/audit/auditor.py",
            "tree": self.tree,
        }


def export_lines(
    app: Any, summary: ExportSummary, batch_size: int = 2000, progress: Progress | None = None
) -> Iterator[bytes]:
    """The JSON lines of the summary's date range, one event at a time; the summary is filled in as they go.

    Everything that can refuse the export (no chain, a range beyond the calendar) is checked when this is
    called, before the first line: a download can answer with the reason instead of breaking off.
    """
    recorder = app.recorder
    if not isinstance(recorder, ChainedApplicationRecorder):
        raise NoChain("the in-memory store keeps no hash chain; export from a SQL store")
    try:
        begin = day_start(summary.date_from) if summary.date_from else None
        end = day_start(summary.date_to + timedelta(days=1)) if summary.date_to else None
    except OverflowError:
        raise InvalidRange(f"no export of the days {summary.date_from} to {summary.date_to}") from None
    return _lines(recorder, summary, begin, end, batch_size, progress)


def _lines(
    recorder: ChainedApplicationRecorder,
    summary: ExportSummary,
    begin: datetime | None,
    end: datetime | None,
    batch_size: int,
    progress: Progress | None,
) -> Iterator[bytes]:
    head = recorder.head()
    summary.head_position, summary.head_hash = head if head else (None, None)
    stop = recorder.last_position()
    started = False
    seen = 0
    for position, event, link in merged(
        iter_events(recorder.datastore, recorder.events_table, stop=stop, batch_size=batch_size),
        iter_links(recorder.datastore, recorder.chain_table, stop=stop, batch_size=batch_size),
    ):
        seen += 1
        if progress is not None and seen % batch_size == 0:
            progress(position, stop)
        if event is None:  # a link whose event is gone: the file will show the break where it was
            if not started and link is not None:
                summary.previous_link = link
            continue
        line, moment = event_line(event, link)
        if end is not None and moment is not None and moment >= end:
            break
        if not started:
            if begin is not None and moment is not None and moment < begin:
                if link is not None:
                    summary.previous_link = link
                continue
            started = True
            summary.first_position = position
        summary.count += 1
        summary.last_position, summary.last_link = position, link
        if event.topic.startswith(CONTACT_TOPIC):
            summary.contacts.add(event.originator_id)
        summary.digest.update(line)
        yield line
    if progress is not None:
        progress(stop, stop)


def event_line(event: Any, link: str | None) -> tuple[bytes, datetime | None]:
    """One event as a JSON line, built by hand around the stored state so the state is encoded once."""
    moment, stamp, state_text, state_bytes = None, None, "null", None
    try:
        text = event.state.decode("utf-8")
        state = json.loads(text)
    except ValueError:
        state_bytes = event.state
    else:
        encoded = _ENCODER.encode(state)
        state_text = encoded
        if encoded != text:  # not as the library writes it: keep the exact bytes beside the decoded state
            state_bytes = event.state
        found = state.get("timestamp") if isinstance(state, dict) else None
        if isinstance(found, dict) and isinstance(found.get("_data_"), str):
            stamp = found["_data_"]
            try:
                moment = datetime.fromisoformat(stamp)
            except ValueError:
                moment = None
            if moment is not None and moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    parts = [
        '{"position":',
        str(event.id),
        ',"originator_id":"',
        str(event.originator_id),
        '","version":',
        str(event.originator_version),
        ',"topic":',
        _ENCODER.encode(event.topic),
        ',"timestamp":',
        _ENCODER.encode(stamp),
        ',"state":',
        state_text,
        ',"link":',
        _ENCODER.encode(link),
    ]
    if state_bytes is not None:
        parts += [',"state_bytes":"', base64.b64encode(state_bytes).decode("ascii"), '"']
    parts.append("}\n")
    return "".join(parts).encode("utf-8"), moment


def record_export_access(
    app: Any, user_id: UUID, summary: ExportSummary, place: str, chunk: int = 5000, purpose: str | None = None
) -> None:
    """Every person whose events left the system is in the access log, as an export (written in chunks)."""
    criterion = f"events {summary.date_from or '…'} – {summary.date_to or '…'}"
    people = sorted(summary.contacts, key=lambda contact_id: contact_id.bytes)
    if not people:
        app.access_log.record(user_id, "export", [], criterion=criterion, place=place, purpose=purpose)
    for start in range(0, len(people), chunk):
        app.access_log.record(
            user_id, "export", people[start : start + chunk], criterion=criterion, place=place, purpose=purpose
        )


def file_names(date_from: date | None, date_to: date | None) -> tuple[str, str]:
    stem = f"crm-events-{date_from or 'start'}-{date_to or 'end'}"
    return f"{stem}.jsonl", f"{stem}.manifest.json"


def write_export(
    app: Any,
    directory: Path,
    date_from: date | None,
    date_to: date | None,
    user_id: UUID,
    place: str = "crm audit export",
    progress: Progress | None = None,
    prove: Callable[[ExportSummary], Any] | None = None,
) -> tuple[Path, Path, dict]:
    """Write the JSON Lines file and its manifest into `directory`; returns their paths and the manifest.

    `prove` (crm/audit/bundle.py: prove_export) adds the signed checkpoint and the tree proofs to the manifest.
    """
    directory.mkdir(parents=True, exist_ok=True)
    events_name, manifest_name = file_names(date_from, date_to)
    summary = ExportSummary(date_from, date_to)
    events_path, manifest_path = directory / events_name, directory / manifest_name
    with tempfile.NamedTemporaryFile("wb", dir=directory, delete=False, suffix=".part") as handle:
        try:
            for line in export_lines(app, summary, progress=progress):
                handle.write(line)
        except BaseException:
            os.unlink(handle.name)
            raise
    os.replace(handle.name, events_path)
    if prove is not None:
        prove(summary)
    manifest = summary.manifest(events_name, app.clock.now())
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    record_export_access(app, user_id, summary, place)
    return events_path, manifest_path, manifest


# --- re-verifying an export alone ------------------------------------------------------------


@dataclass
class ExportCheck:
    count: int = 0
    problems: list[str] = field(default_factory=list)
    first_bad_position: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, message: str, position: int | None = None) -> None:
        if position is not None and self.first_bad_position is None:
            self.first_bad_position = position
        if len(self.problems) < 100:
            self.problems.append(message)


def verify_export(events_path: Path | str, manifest_path: Path | str) -> ExportCheck:
    """Recompute the chain over the exported file from the manifest's previous link; nothing else is read."""
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    check = ExportCheck()
    if manifest.get("format") != FORMAT:
        check.fail(f"unknown format {manifest.get('format')!r}")
        return check
    digest = hashlib.sha256()
    running = bytes.fromhex(manifest["previous_link"])
    first = last = None
    with Path(events_path).open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            digest.update(raw)
            try:
                line = json.loads(raw)
                position = int(line["position"])
                state = (
                    base64.b64decode(line["state_bytes"]) if line.get("state_bytes") else encode_state(line["state"])
                )
                computed = next_link(
                    running, position, UUID(line["originator_id"]), int(line["version"]), line["topic"], state
                )
            except (ValueError, KeyError, TypeError) as error:
                check.fail(f"line {number}: not an exported event ({error})")
                continue
            check.count += 1
            if last is not None and position <= last:
                check.fail(f"position {position}: out of order after {last}", position)
            first = position if first is None else first
            last = position
            if computed.hex() != line.get("link"):
                check.fail(f"position {position}: the event does not match its link", position)
                running = bytes.fromhex(line["link"]) if _is_hash(line.get("link")) else computed
            else:
                running = computed
    if check.count != manifest.get("count"):
        check.fail(f"the file holds {check.count} events, the manifest says {manifest.get('count')}")
    if (first, last) != (manifest.get("first_position"), manifest.get("last_position")):
        check.fail(
            f"the file runs from {first} to {last}, the manifest says "
            f"{manifest.get('first_position')} to {manifest.get('last_position')}"
        )
    if check.count and running.hex() != manifest.get("last_link"):
        check.fail("the recomputed chain does not end at the manifest's last link")
    if digest.hexdigest() != manifest.get("events_sha256"):
        check.fail("the file's SHA-256 differs from the manifest's")
    at_head = last is not None and last == manifest.get("head_position")
    if at_head and manifest.get("last_link") != manifest.get("head_hash"):
        check.fail("the last link is not the head hash the manifest names")
    return check


def _is_hash(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
