"""Personal data in events as ciphertext: the mapper that seals chosen fields under per-person keys.

A sealed field is stored as the transcoding `sealed`:
{"_type_": "sealed", "_data_": {"k": key id, "f": field, "c": base64(nonce || AES-GCM ciphertext)}},
where the plaintext is the field's value as JSON and the associated data is
"key id|field", so a ciphertext cannot be moved to another field or person.
Which fields are sealed under which key is decided per event class below
(`seal_state`); opening needs no such rule, since every sealed value names its key.

The hash chain (crm/audit/chain.py) covers the stored bytes, ciphertext
included, and erasure destroys only keys, so the stored events never change:
the chain still verifies and the events still replay. A value whose key is
destroyed opens as its placeholder: a name as ERASED_PERSON ("slettet person"),
an employee's display name as FORMER_EMPLOYEE ("tidligere medarbejder"), a
redacted free text as REDACTED_TEXT, anything else as None.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import EventStore, Mapper, Recording, StoredEvent, Transcoding
from eventsourcing.utils import get_topic

from crm.aggregate import CrmAggregate
from crm.contacts import PERSONAL_FIELDS, Contact
from crm.personal_keys import PersonalKeys
from crm.users import User
from crm.vocabulary import ERASED_PERSON, FORMER_EMPLOYEE, FREE_TEXT, REDACTED_TEXT
from storage import fastjson

NONCE_BYTES = 12
_KEY_ID = re.compile(rb'"k": ?"([^"]+)"')
# Every Contact event's own reason is free text about the person, sealed with their data.
CONTACT_SEALED = (*PERSONAL_FIELDS, "reason")
CONTACT_TOPIC = get_topic(Contact)
USER_TOPIC = get_topic(User)
TEXT_KEY_PREFIX = "text:"


def contact_key(contact_id: UUID) -> str:
    return f"contact:{contact_id}"


def employee_key(user_id: UUID) -> str:
    return f"employee:{user_id}"


def text_key(originator_id: UUID, version: int, field: str) -> str:
    """The key of one free text: one event's one field, destroyed by redacting that text alone."""
    return f"{TEXT_KEY_PREFIX}{originator_id}:{version}:{field}"


@dataclass(frozen=True)
class Sealed:
    key_id: str
    field: str
    blob: bytes  # nonce || ciphertext


class SealedAsJSON(Transcoding):
    """A sealed value in stored JSON; decoded as its opening once `opens_with` has the keys (a mapper's)."""

    type = Sealed
    name = "sealed"

    def __init__(self) -> None:
        self.opens_with: PersonalKeys | None = None

    def encode(self, obj: Sealed) -> dict[str, str]:
        return {"k": obj.key_id, "f": obj.field, "c": base64.b64encode(obj.blob).decode("ascii")}

    def decode(self, data: dict[str, str]) -> Any:
        keys = self.opens_with
        if keys is None:
            return Sealed(data["k"], data["f"], base64.b64decode(data["c"]))
        # Opened at once, with no Sealed made on the way: a rebuild opens one for nearly every event.
        key_id, field = data["k"], data["f"]
        return open_blob(keys.for_opening(key_id), key_id, field, binascii.a2b_base64(data["c"]))


def _aad(key_id: str, field: str) -> bytes:
    return f"{key_id}|{field}".encode()


def seal(key: bytes, key_id: str, field: str, value: Any) -> Sealed:
    nonce = os.urandom(NONCE_BYTES)
    plaintext = json.dumps(value, ensure_ascii=False).encode("utf-8")
    return Sealed(key_id, field, nonce + AESGCM(key).encrypt(nonce, plaintext, _aad(key_id, field)))


def placeholder(key_id: str, field: str) -> Any:
    if field == "name":
        return ERASED_PERSON
    if field == "display_name":
        return FORMER_EMPLOYEE
    if key_id.startswith(TEXT_KEY_PREFIX):
        return REDACTED_TEXT
    return None


def open_blob(key: bytes | None, key_id: str, field: str, blob: bytes) -> Any:
    """A sealed value's plaintext, or its placeholder when the key is gone (None)."""
    if key is None:
        return placeholder(key_id, field)
    return fastjson.loads(AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], _aad(key_id, field)))


class SealingMapper(Mapper[UUID]):
    """The library's mapper, sealing personal fields before transcoding and opening them as they are decoded."""

    _keys: PersonalKeys | None = None

    @property
    def keys(self) -> PersonalKeys | None:
        return self._keys

    @keys.setter
    def keys(self, keys: PersonalKeys | None) -> None:
        self._keys = keys
        # A replay decodes every event: its sealed values are opened where the transcoder meets them, in the
        # one walk that revives the state. (A transcoder without this transcoding cannot decode a sealed value.)
        transcoding = getattr(self.transcoder, "names", {}).get(SealedAsJSON.name)
        if isinstance(transcoding, SealedAsJSON):
            transcoding.opens_with = keys

    def prepare(self, domain_events: Any) -> None:
        """Make the keys these events will be sealed under, in one transaction, before they are mapped."""
        if self.keys is not None:
            self.keys.ensure(keys_needed(domain_events))

    def prefetch(self, stored_events: Any) -> None:
        """Read the keys a batch of stored events is sealed under in one query (a replay's batch)."""
        if self.keys is not None:
            self.keys.load_many(
                {m.decode() for s in stored_events if b'"sealed"' in s.state for m in _KEY_ID.findall(s.state)}
            )

    def forget_keys(self) -> None:
        """Read every key afresh from now on (PersonalKeys.forget): before a rebuild of the views."""
        if self.keys is not None:
            self.keys.forget()

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        if self.keys is not None:
            state = dict(vars(domain_event))
            if seal_state(type(domain_event), state, self._sealer(self.keys)):
                clone = object.__new__(type(domain_event))
                object.__setattr__(clone, "__dict__", state)
                domain_event = clone
        return super().to_stored_event(domain_event)

    @staticmethod
    def _sealer(keys: PersonalKeys) -> Any:
        def sealer(key_id: str, field: str, value: Any) -> Any:
            if value is None or isinstance(value, Sealed):
                return value
            return seal(keys.for_sealing(key_id), key_id, field, value)

        return sealer


def seal_state(event_class: type, state: dict[str, Any], sealer: Any) -> bool:
    """Seal the fields of this event class that hold personal data or free text, in place; False when none."""
    if issubclass(event_class, (Contact.Erased, User.NameErased, CrmAggregate.TextRedacted)):
        return False  # the erasure's or redaction's own record (who, when, why, on what basis) stays readable
    if issubclass(event_class, Contact.Event):
        key_id = contact_key(state["originator_id"])
        for field in CONTACT_SEALED:
            if field in state:
                state[field] = sealer(key_id, field, state[field])
        if isinstance(state.get("changes"), dict):
            state["changes"] = {f: sealer(key_id, f, v) for f, v in state["changes"].items()}
        return True
    if issubclass(event_class, User.Registered):
        state["display_name"] = sealer(employee_key(state["originator_id"]), "display_name", state["display_name"])
        _seal_free_text(state, sealer)
        return True
    if issubclass(event_class, CrmAggregate.Event):
        return _seal_free_text(state, sealer)
    if issubclass(event_class, Snapshot) and state.get("topic") == USER_TOPIC:
        inner = dict(state["state"])
        # Once erased the name is the placeholder, and its key is gone: nothing left to seal, nothing to seal with.
        if "display_name" in inner and not inner.get("name_erased"):
            inner["display_name"] = sealer(employee_key(state["originator_id"]), "display_name", inner["display_name"])
        state["state"] = inner
        return True
    if issubclass(event_class, Snapshot) and state.get("topic") == CONTACT_TOPIC:
        key_id = contact_key(state["originator_id"])
        inner = dict(state["state"])
        for field in PERSONAL_FIELDS:
            if field in inner:
                inner[field] = sealer(key_id, field, inner[field])
        state["state"] = inner
        return True
    return False


def _seal_free_text(state: dict[str, Any], sealer: Any) -> bool:
    originator_id, version = state["originator_id"], state["originator_version"]
    sealed = False
    for field in FREE_TEXT & state.keys():
        if isinstance(state[field], str) and state[field]:
            state[field] = sealer(text_key(originator_id, version, field), field, state[field])
            sealed = True
    changes = state.get("changes")
    if isinstance(changes, dict) and FREE_TEXT & changes.keys():
        changes = dict(changes)
        for field in FREE_TEXT & changes.keys():
            if isinstance(changes[field], str) and changes[field]:
                changes[field] = sealer(text_key(originator_id, version, f"changes.{field}"), field, changes[field])
                sealed = True
        state["changes"] = changes
    return sealed


def keys_needed(domain_events: Any) -> list[str]:
    """The key ids sealing these events will use (made together before the events are mapped)."""
    needed: list[str] = []

    def note(key_id: str, field: str, value: Any) -> Any:
        if value is not None:
            needed.append(key_id)
        return value

    for domain_event in domain_events:
        seal_state(type(domain_event), dict(vars(domain_event)), note)
    return needed


class SealingEventStore(EventStore[UUID]):
    """The library's event store, making the keys of a save's events in one go before mapping them."""

    def put(self, domain_events: Any, **kwargs: Any) -> list[Recording[UUID]]:
        if isinstance(self.mapper, SealingMapper):
            self.mapper.prepare(domain_events)
        return super().put(domain_events, **kwargs)
