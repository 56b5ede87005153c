"""What every command shares: authorising the actor, stamping the context, loading, saving."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, ClassVar, Concatenate, ParamSpec, Protocol, TypeVar, cast, overload
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, LRUCache, Repository
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import EventStore, IntegrityError, JSONTranscoder, Mapper, Transcoder
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from sqlalchemy.engine import Engine

from crm import acting
from crm.access_log import CRITERIA_KEY_ID, AccessLog
from crm.agreements import PartnershipAgreement
from crm.api_tokens import ApiTokens
from crm.attempts import OutreachAttempt
from crm.audit.chain import ChainedApplicationRecorder
from crm.calendar_feeds import CalendarFeeds
from crm.call_claims import CallClaims
from crm.clock import Clock, SystemClock, local_date
from crm.companies import Company
from crm.contacts import Contact
from crm.credentials import Credentials
from crm.erasure_ledger import ErasureLedger, ledger_path
from crm.errors import ConcurrentChange, InvalidInput, NotAllowed, NotFound
from crm.idempotency import IdempotencyKeys
from crm.leads import Lead
from crm.outreach_rules import OutreachRules
from crm.partners import ChannelPartner
from crm.permissions import SYSTEM_ACTOR_ID, may
from crm.persistence import DateAsISO, FastJSONTranscoder, UUIDAsHexRemembered
from crm.personal_keys import PersonalKeys
from crm.sealing import SealedAsJSON, SealingEventStore, SealingMapper
from crm.sign_in.log import SignInLog
from crm.sign_in.sessions import SessionGenerations
from crm.sign_in.throttle import SignInThrottle
from crm.users import User
from crm.validation import EARLIEST_DAY, REASON_LENGTH, optional_text, optional_version, past_day, planned_day
from crm.webhooks import Webhooks
from storage import migrations
from storage.ddl import use_wal
from storage.sql import memory_datastore

KINDS: dict[type, str] = {
    Company: "company",
    Contact: "contact",
    OutreachAttempt: "attempt",
    PartnershipAgreement: "agreement",
    Lead: "lead",
    ChannelPartner: "partner",
    User: "user",
}

A = TypeVar("A", bound=Aggregate)
P = ParamSpec("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)
S = TypeVar("S", bound="CrmService")


class BoundCommand(Protocol[P, R_co]):
    """A command as its callers see it: the actor first, then the use case's own arguments, and a reason.

    Without `reason`, mypy checks every argument against the use case; with
    it (PEP 612 allows no keyword beside a ParamSpec), only the actor and the
    result.
    """

    @overload
    def __call__(self, actor_id: UUID, /, *args: P.args, **kwargs: P.kwargs) -> R_co: ...
    @overload
    def __call__(self, actor_id: UUID, /, *args: Any, reason: str | None, **kwargs: Any) -> R_co: ...


class Command(Protocol[S, P, R_co]):
    """A command method: read on an application it is a BoundCommand."""

    @overload
    def __get__(self, obj: None, owner: type[Any], /) -> Command[S, P, R_co]: ...
    @overload
    def __get__(self, obj: S, owner: type[Any], /) -> BoundCommand[P, R_co]: ...


def command(
    permission: str, *, reason_required: bool = False
) -> Callable[[Callable[Concatenate[S, P], R]], Command[S, P, R]]:
    """Make an application method a command: `method(actor_id, ..., reason=None)`.

    The actor is authorised for `permission`, and the actor, the reason and the
    clock's time are stamped on every event the command records. A write that
    lost a race with another writer of the same aggregate surfaces as
    ConcurrentChange, and nothing of the losing command is stored.
    """

    def decorate(method: Callable[Concatenate[S, P], R]) -> Command[S, P, R]:
        @wraps(method)
        def wrapper(self: S, actor_id: UUID, *args: Any, reason: str | None = None, **kwargs: Any) -> R:
            self.authorise(actor_id, permission, method.__name__)
            reason = optional_text("reason", reason, REASON_LENGTH)
            if reason_required and not reason:
                raise InvalidInput(field="reason", problem="is required")
            with acting.acting(actor_id, reason, self.clock.now()):
                try:
                    return method(self, *args, **kwargs)
                except IntegrityError as error:
                    raise ConcurrentChange(kind="record") from error

        return cast("Command[S, P, R]", wrapper)

    return decorate


class CachedRecords(LRUCache[UUID, Any]):
    """The library's aggregate cache, keeping only the records whose state holds no free text: users and the
    outreach rules.

    Every request loads its user (to check the session and each command's permission), and a screen with the
    attempt form the rules; cached, a load is one read of the record's events after the cached version (the
    library fast-forwards it), not a snapshot and its events, and each process sees at once what others
    recorded. Other records stay uncached: a free text of theirs is redacted by destroying its key
    (crm/commands/privacy.py), which a decoded copy would not notice.
    """

    def put(self, key: UUID, value: Any) -> Any:
        return super().put(key, value) if isinstance(value, (User, OutreachRules)) else None


# Records kept decoded per process: every user of a large municipality, at a few kilobytes each.
CACHED_RECORDS = 5000


class CrmService(Application):
    """The application's plumbing; the use cases are in crm/application.py."""

    name = "crm"
    personal_keys: PersonalKeys
    _memory_beside: SQLAlchemyDatastore | None
    snapshotting_intervals: ClassVar[dict[type, int]] = {
        Company: 50,
        PartnershipAgreement: 50,
        Contact: 50,
        Lead: 50,
        User: 50,
    }

    def __init__(self, env: dict[str, str] | None = None, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        super().__init__(env)
        datastore = getattr(self.factory, "datastore", None)
        if datastore is not None:
            if datastore.is_sqlite_filedb:
                use_wal(datastore.engine)
                datastore.is_sqlite_wal_mode = True  # the library's own switch, done
            # The tables beside the event store, at the newest revision before the first command.
            migrations.upgrade(datastore.engine)
            if isinstance(self.recorder, ChainedApplicationRecorder):
                self.recorder.link_unchained_log()
                self.recorder.plant_tree()
        self.credentials = Credentials(datastore)
        self.access_log = AccessLog(datastore, self.clock, lambda: self.personal_keys.for_sealing(CRITERIA_KEY_ID))
        # Beside an in-memory event store, the sign-in tables live in a private in-memory SQLite database.
        beside = datastore if datastore is not None else self._memory_beside
        assert beside is not None  # nosec B101  # narrows the type
        self.throttle = SignInThrottle(beside)
        self.sign_in_log = SignInLog(beside)
        self.sessions = SessionGenerations(beside)
        self.api_tokens = ApiTokens(beside)
        self.idempotency = IdempotencyKeys(beside)
        self.webhooks = Webhooks(beside)
        self.calendar_feeds = CalendarFeeds(beside)
        self.call_claims = CallClaims(beside, self.clock)

    def construct_repository(self) -> Repository[UUID]:
        repository = super().construct_repository()
        if not self.env.get(self.AGGREGATE_CACHE_MAXSIZE):  # else the library's cache, as the environment sets it
            repository.cache = CachedRecords(maxsize=CACHED_RECORDS)
        return repository

    def construct_transcoder(self) -> Transcoder:
        transcoder = self.factory.transcoder()
        if type(transcoder) is JSONTranscoder:
            transcoder = FastJSONTranscoder()  # the same decoding, several times faster (crm/persistence.py)
        if isinstance(transcoder, JSONTranscoder):
            self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(UUIDAsHexRemembered())  # in place of the library's: the same name and type
        transcoder.register(DateAsISO())
        transcoder.register(SealedAsJSON())

    def construct_mapper(self) -> Mapper[UUID]:
        """The library's mapper with personal fields sealed under per-person keys (crm/sealing.py)."""
        mapper = self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=SealingMapper)
        assert isinstance(mapper, SealingMapper)  # nosec B101  # narrows the type
        datastore: SQLAlchemyDatastore | None = getattr(self.factory, "datastore", None)
        self._memory_beside = memory_datastore() if datastore is None else None
        separate = PersonalKeys.separate_url(self.env)
        keys_datastore = datastore or self._memory_beside
        assert keys_datastore is not None  # nosec B101  # narrows the type
        engine = datastore.engine if datastore is not None else None
        ledger = ErasureLedger(ledger_path(str(engine.url) if isinstance(engine, Engine) else None))
        self.personal_keys = (
            PersonalKeys.separate(separate, ledger) if separate else PersonalKeys(keys_datastore, ledger=ledger)
        )
        mapper.keys = self.personal_keys
        return mapper

    def construct_event_store(self) -> EventStore[UUID]:
        return SealingEventStore(mapper=self.mapper, recorder=self.recorder)

    def today(self) -> date:
        return local_date(self.clock.now())

    def day_not_in_future(self, field: str, value: date | None) -> date:
        """A date typed by a user for something that happened: today when left out, never in the future."""
        return past_day(field, value, self.today())

    def planned_day(self, field: str, value: date | None, earliest: date | None = None) -> date | None:
        """A date typed by a user for something planned: within a few years from today."""
        return planned_day(field, value, self.today(), earliest or EARLIEST_DAY)

    def current_reason(self) -> str | None:
        context = acting.current()
        return context.reason if context else None

    def current_actor(self) -> UUID:
        context = acting.current()
        if context is None or context.actor_id is None:
            raise RuntimeError("current_actor() is only known inside a command")
        return context.actor_id

    def check_contact_at(self, contact_id: UUID | None, company_id: UUID) -> None:
        if contact_id is not None and self.load(Contact, contact_id).company_id != company_id:
            raise InvalidInput(field="contact", problem="the contact is not at this company")

    def authorise(self, actor_id: UUID, permission: str, action: str) -> None:
        if actor_id == SYSTEM_ACTOR_ID:
            return
        try:
            user = self.load(User, actor_id)
        except NotFound:
            raise NotAllowed(role="unknown", action=action) from None
        user.require_active()
        if not may(user.role, permission):
            raise NotAllowed(role=user.role, action=action)

    def load(self, cls: type[A], aggregate_id: UUID, expected_version: int | None = None) -> A:
        """Load an aggregate of the given class; with expected_version, refuse a stale edit."""
        kind = KINDS.get(cls, cls.__name__.lower())
        expected_version = optional_version(expected_version)
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id)
        except (AggregateNotFoundError, ValueError, TypeError):
            raise NotFound(kind=kind, id=aggregate_id) from None
        if not isinstance(aggregate, cls):
            raise NotFound(kind=kind, id=aggregate_id)
        if expected_version is not None and aggregate.version != expected_version:
            raise ConcurrentChange(kind=kind)
        return aggregate

    def exists(self, cls: type, aggregate_id: UUID) -> bool:
        try:
            self.load(cls, aggregate_id)
        except NotFound:
            return False
        return True
