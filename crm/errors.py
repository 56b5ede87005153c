"""Domain errors: every refusal a user can meet, with a stable message id.

The web and API translate ``error.code`` (never the English text), so codes
must not change once published.

CrmError
 ├── InvalidInput            a value typed by a user does not parse or validate
 │    └── InvalidCvr         CVR number fails the 8-digit modulus-11 check
 ├── NotFound                no record with that id
 ├── NotAllowed              the acting user's role may not do this
 ├── ConcurrentChange        someone else changed the record meanwhile
 ├── IllegalTransition       the move is not on the company's path
 ├── TooEarlyToReapproach    a declined/parked company's date has not come
 ├── AgreementNotReady       signing while buy-in requirements are unmet
 ├── AgreementNotSigned      delivery, feedback or follow-up before signing
 ├── AgreementClosed         changing a completed or terminated agreement
 ├── AttemptVoided           correcting an attempt that was voided
 ├── LeadAlreadyDecided      claiming or declining a lead twice
 ├── UserDisabled            a disabled user tries to act
 └── AlreadyExists           a second record with the same natural key
"""

from __future__ import annotations

from typing import Any


class CrmError(Exception):
    """Base of every error a user can be shown."""

    code = "error"
    template = "The request was refused."

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.template.format(**params))

    @property
    def message(self) -> str:
        return str(self)


class InvalidInput(CrmError):
    """Raised when a value typed by a user does not parse or validate.

    `problem` is a stable English phrase (a message id) whose %(name)s
    placeholders are filled from the other params.
    """

    code = "invalid_input"
    template = "{field}: {problem}"

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.args = (f"{params.get('field')}: {params.get('problem', '') % params}",)


class InvalidCvr(InvalidInput):
    """Raised when a CVR number is not 8 digits passing the modulus-11 check."""

    code = "invalid_cvr"
    template = "CVR number {value!r} is not 8 digits with a valid check digit."


class NotFound(CrmError):
    """Raised when no record of the named kind has the given id."""

    code = "not_found"
    template = "No {kind} with id {id}."


class NotAllowed(CrmError):
    """Raised when the acting user's role does not permit the command."""

    code = "not_allowed"
    template = "A user with role {role} may not {action}."


class ConcurrentChange(CrmError):
    """Raised when the record was changed by someone else since it was read."""

    code = "concurrent_change"
    template = "The {kind} was changed by someone else meanwhile; reload and try again."


class IllegalTransition(CrmError):
    """Raised when a company is moved to a stage its path does not allow."""

    code = "illegal_transition"
    template = "A company cannot move from {from_stage} to {to_stage}."


class TooEarlyToReapproach(CrmError):
    """Raised when a declined or parked company is re-approached before its date."""

    code = "too_early_to_reapproach"
    template = "The company may be approached again from {after}."


class AgreementNotReady(CrmError):
    """Raised when signing an agreement whose buy-in requirements are not all met."""

    code = "agreement_not_ready"
    template = "The agreement cannot be signed; buy-in missing: {missing}."

    def __init__(self, missing: list[str]) -> None:
        self.missing = list(missing)
        super().__init__(missing=", ".join(missing))


class AgreementNotSigned(CrmError):
    """Raised when delivery, feedback or follow-up is recorded before signing."""

    code = "agreement_not_signed"
    template = "The agreement must be signed before {action}."


class AgreementClosed(CrmError):
    """Raised when a completed or terminated agreement is changed."""

    code = "agreement_closed"
    template = "The agreement is {status} and can no longer be changed."


class AttemptVoided(CrmError):
    """Raised when a voided outreach attempt is corrected or voided again."""

    code = "attempt_voided"
    template = "The attempt was voided and cannot be changed."


class LeadAlreadyDecided(CrmError):
    """Raised when a lead that was claimed or declined is claimed or declined again."""

    code = "lead_already_decided"
    template = "The lead was already {status}."


class UserDisabled(CrmError):
    """Raised when a disabled user tries to act."""

    code = "user_disabled"
    template = "The user {username} is disabled."


class AlreadyExists(CrmError):
    """Raised when a record with the same natural key already exists."""

    code = "already_exists"
    template = "A {kind} {key!r} already exists."
