"""A redacted text leaves every view: each redaction owes a rebuild of every view, until one is done.

A redaction destroys the text's own key (crm/commands/privacy.py). A view replayed after that
reads the text as redacted, but a view that applied the text before keeps its copy until it is
replayed. So the catch-up (runner.py) notes each redaction it reads here, before any view
applies it: the rebuild it owes is then on record even if the process that stored the redaction
dies before the rebuild is done (a request killed by gunicorn's timeout; a rebuild of two million
events takes minutes, docs/benchmarks.md). A rebuild of every view settles the redactions stored
before it began; one stored while it ran stays owed, as the rebuild may have read its text before
the key was destroyed. A rebuild reads every key afresh, not from its process's cache, which
could still hold a key another process destroyed (crm/personal_keys.py). The command stores the
redaction and destroys the key in one transaction when the keys live beside the events (the
default), so a rebuild that reads the redaction always finds the key gone; with the keys in a
database of their own (CRM_KEYS_DATABASE_URL) the key is destroyed a moment after the record, and
a rebuild that began in that moment could still copy the text.

Who pays: the projection worker, in a thread of its own so the views stay current meanwhile
(worker.py); without a worker, the redaction's own request (web/privacy.py); and any rebuild of
every view (`crm projections rebuild`, `crm restore`). `crm projections status` shows what is owed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from eventsourcing.persistence import IntegrityError as StoreIntegrityError
from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from crm.agreements import PartnershipAgreement
from crm.attempts import OutreachAttempt
from crm.companies import Company
from crm.contacts import Contact
from crm.leads import Lead
from projections.generations import redactions

# Every aggregate with free texts records its own TextRedacted (crm/aggregate.py).
REDACTION_TOPICS = frozenset(
    get_topic(cls.TextRedacted) for cls in (Company, Contact, OutreachAttempt, PartnershipAgreement, Lead)
)


def note(datastore: SQLAlchemyDatastore, notifications: Iterable[Notification]) -> bool:
    """Record the redactions among these notifications (once each), before a view applies them; whether any was
    new (a replay reads the old ones again)."""
    positions = sorted({n.id for n in notifications if n.topic in REDACTION_TOPICS})
    if not positions:
        return False
    try:
        with datastore.transaction(commit=True) as session:
            known = set(
                session.execute(select(redactions.c.position).where(redactions.c.position.in_(positions))).scalars()
            )
            new = [p for p in positions if p not in known]
            if new:
                at = _now()
                session.execute(insert(redactions), [{"position": p, "noted_at": at} for p in new])
    except (IntegrityError, StoreIntegrityError):
        return True  # another process noted them at the same moment: on record all the same
    return bool(new)


def owed(datastore: SQLAlchemyDatastore) -> int | None:
    """The position of the latest redaction no rebuild has settled yet, or None."""
    with datastore.transaction(commit=False) as session:
        found = session.execute(select(func.max(redactions.c.position)).where(redactions.c.rebuilt_at.is_(None)))
        return found.scalar()


def settle(datastore: SQLAlchemyDatastore, up_to: int) -> None:
    """Settle the redactions up to `up_to`: a rebuild of every view that began after they were stored replaced
    their texts."""
    with datastore.transaction(commit=True) as session:
        session.execute(
            update(redactions)
            .where(redactions.c.position <= up_to, redactions.c.rebuilt_at.is_(None))
            .values(rebuilt_at=_now())
        )


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
