"""Where events are stored: one SQLAlchemy URL for the event store and the read models."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import JSONTranscoder, Transcoding, UUIDAsHex

from storage import fastjson
from storage.location import driver_url


def sqlalchemy_env(url: str) -> dict[str, str]:
    """The eventsourcing environment that stores the application's events at `url`.

    eventsourcing_sqlalchemy's persistence, with a recorder that also writes the
    audit hash chain in the events' transaction (crm/audit/chain.py).
    """
    return {"PERSISTENCE_MODULE": "crm.audit.factory:Factory", "SQLALCHEMY_URL": driver_url(url)}


class DateAsISO(Transcoding):
    """Dates typed by users (follow-up, due date) are calendar dates, not instants."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class FastJSONTranscoder(JSONTranscoder):
    """The library's JSON transcoder, decoding with orjson: a replay or a rebuild decodes every stored event.

    The json module calls the transcoder's object hook from Python for each object it parses; here orjson
    parses the whole state in C and the transcodings are applied in one walk, innermost object first, as
    the hook applies them. A state orjson might read otherwise (storage/fastjson.py) is decoded by the
    library's own decoder, so every stored state decodes to what it decoded to before. Encoding is
    the library's: the stored bytes, which the audit hash chain covers, do not change.
    """

    def decode(self, data: bytes) -> Any:
        value = fastjson.parse(data)
        if value is fastjson.NOT_FAST:
            return super().decode(data)
        try:
            return self._revive(value)
        except _MayDiffer:
            return super().decode(data)

    def _revive(self, value: Any) -> Any:
        if type(value) is list:
            return [self._revive(item) if type(item) in _PARSED_TO_CHECK else item for item in value]
        if type(value) is float and fastjson.is_wide(value):
            raise _MayDiffer
        if type(value) is not dict:
            return value
        names = self.names
        for name, item in value.items():  # values replaced, no key added: safe while iterating
            kind = type(item)
            if kind is dict:
                transcoding = names.get(item.get("_type_")) if len(item) == 2 and "_data_" in item else None
                if transcoding is None:
                    value[name] = self._revive(item)
                    continue
                # The usual value: {"_type_": a registered name, "_data_": text or an object (a sealed value's)},
                # decoded here without the hook's checks, the object's own values first as the hook takes them.
                data = item["_data_"]
                kind = type(data)
                if kind is str:
                    value[name] = transcoding.decode(data)
                elif kind is dict:
                    value[name] = transcoding.decode(self._revive(data))
                else:
                    value[name] = self._revive(item)
            elif kind is list:
                value[name] = self._revive(item)
            elif kind is float and fastjson.is_wide(item):
                raise _MayDiffer
        return self._decode_obj(value) if len(value) == 2 else value


class _MayDiffer(Exception):
    """A float orjson may have read from an integer beyond 64 bits: the library's decoder reads the state."""


_PARSED_TO_CHECK = (dict, list, float)


class UUIDAsHexRemembered(UUIDAsHex):
    """The library's UUIDAsHex, remembering what it decoded: a replay meets the same ids (the actors, the
    companies) in event after event, and parsing a UUID costs more than a dictionary look-up."""

    def __init__(self) -> None:
        self._decoded: dict[str, UUID] = {}

    def decode(self, data: str) -> UUID:
        found = self._decoded.get(data)
        if found is None:
            found = super().decode(data)
            if len(self._decoded) >= 100_000:
                self._decoded.clear()
            self._decoded[data] = found
        return found
