"""The shapes of the API's bodies and answers (pydantic), shown in the OpenAPI document.

Request bodies are strict about which fields they take (`extra="forbid"`) and loose
about values: bounds, vocabularies and normalising stay with the write side
(crm/validation.py), which answers 422 with the field, as for the screens.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from crm.vocabulary import ARENAS, INDUSTRIES, SIZE_BANDS, STAGES

Text = str


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Answer(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorDetail(BaseModel):
    code: str = Field(examples=["concurrent_change"], description="A stable code from crm/errors.py or the API's own.")
    message: str = Field(description="One sentence in the language of Accept-Language (Danish by default).")
    field: str | None = Field(None, description="The field of the request the error is about, if one.")
    current_version: int | None = Field(None, description="With concurrent_change: the record's version now.")


class Error(BaseModel):
    error: ErrorDetail


class Reason(Body):
    reason: str = Field(description="Why: stored with the event.", examples=["Har ikke tid før efteråret"])


# --- tokens ---------------------------------------------------------------------------------------


class TokenCreate(Body):
    label: str = Field(examples=["Jobcentrets sagssystem"])
    expires_on: date | None = Field(None, description="The last day the token works (Danish time).")
    user_id: UUID | None = Field(None, description="An administrator may make a token for another user.")


class Token(Answer):
    token_id: UUID
    user_id: UUID
    label: str
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class NewToken(Token):
    token: str = Field(description="The token itself: shown this once, stored only as a hash.")


class TokenList(Answer):
    items: list[Token]


# --- companies ------------------------------------------------------------------------------------


class CompanyCreate(Body):
    name: str = Field(examples=["Hansen Transport ApS"])
    industry: str = Field(examples=["transport"], description=f"One of: {', '.join(INDUSTRIES)}.")
    sector: str = Field("private", examples=["private"])
    cvr: str | None = Field(None, examples=["10000009"])
    size_band: str | None = Field(None, description=f"One of: {', '.join(SIZE_BANDS)}.")
    address: str | None = None
    target_group_note: str | None = None
    owner_id: UUID | None = None
    arena: str | None = Field(None, description=f"One of: {', '.join(ARENAS)}.")
    strategy: str | None = None
    source_partner_id: UUID | None = None


class CompanyUpdate(Body):
    expected_version: int = Field(description="The version the change was made against (409 when stale).")
    name: str | None = None
    cvr: str | None = None
    industry: str | None = None
    size_band: str | None = None
    address: str | None = None
    sector: str | None = None
    target_group_note: str | None = None


class PageQuery(Body):
    limit: int = Field(50, ge=1, le=100, description="How many items per page.")
    cursor: str | None = Field(None, max_length=200, description="The `next_cursor` of the page before.")


class CompanyListQuery(Body):
    q: str | None = Field(None, max_length=200, description="Search in name, CVR and contacts' names.")
    stage: str | None = Field(None, max_length=64, description=f"One of: {', '.join(STAGES)}.")
    owner: UUID | None = None
    industry: str | None = Field(None, max_length=64)
    arena: str | None = Field(None, max_length=64)
    sort: str | None = Field(None, max_length=64)
    dir: str | None = Field(None, pattern="^(asc|desc)$")
    limit: int = Field(50, ge=1, le=100)
    cursor: str | None = Field(None, max_length=200)


class ListedCompany(Answer):
    company_id: UUID
    name: str
    cvr: str | None
    industry: str
    stage: str
    owner_id: UUID | None
    arena: str | None
    next_follow_up: date | None
    last_attempt_on: date | None
    last_outcome: str | None
    attempts_in_round: int


class CompanyList(Answer):
    items: list[ListedCompany]
    total: int = Field(
        description="How many companies match. A search (`q`) is counted only up to 1,000, or to the end of the "
        "page asked for: then `total_capped` is true and more than `total` match."
    )
    total_capped: bool = False
    next_cursor: str | None = Field(description="Give it as `cursor` for the next page; null on the last.")


class Company(Answer):
    company_id: UUID
    version: int = Field(description="Send it back as expected_version to change the company.")
    name: str
    cvr: str | None
    industry: str
    size_band: str | None
    address: str | None
    sector: str
    target_group_note: str | None
    owner_id: UUID | None
    arena: str | None
    strategy: str | None
    source_partner_id: UUID | None
    registered_at: datetime
    stage: str
    stage_since: datetime
    round: int
    approach_again_after: date | None
    agreement_id: UUID | None


class Closing(Reason):
    approach_again_after: date | None = Field(None, description="The company may be approached again from this day.")


class Move(Body):
    stage: str = Field(examples=["contacted"], description=f"One of: {', '.join(STAGES)}.")
    expected_version: int | None = None


def dump(model: BaseModel) -> dict[str, Any]:
    """The fields the caller sent (left-out ones are not changed)."""
    return model.model_dump(exclude_unset=True)


# --- workplaces, contacts, attempts ----------------------------------------------------------------


class WorkplaceCreate(Body):
    name: str = Field(examples=["Lageret i Horsens"])
    p_number: str | None = Field(None, description="The production unit's P-number (10 digits).")
    address: str | None = None


class Workplace(Answer):
    workplace_id: str
    company_id: UUID
    p_number: str | None
    name: str
    address: str | None


class WorkplaceList(Answer):
    items: list[Workplace]
    next_cursor: str | None = Field(description="Give it as `cursor` for the next page; null on the last.")


class ReasonQuery(Body):
    reason: str = Field(max_length=2000, description="Why: stored with the event.")


class ContactCreate(Body):
    name: str = Field(examples=["Lars Hansen"])
    role: str = Field(examples=["owner"])
    phone: str | None = Field(None, examples=["+4520304050"])
    email: str | None = None
    is_decision_maker: bool = False


class ContactUpdate(Body):
    expected_version: int | None = Field(None, description="For name, phone and e-mail: 409 when stale.")
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    role: str | None = None
    is_decision_maker: bool | None = None


class Contact(Answer):
    contact_id: UUID
    company_id: UUID
    version: int
    name: str
    role: str
    phone: str | None
    email: str | None
    is_decision_maker: bool
    archived: bool


class ContactList(Answer):
    items: list[Contact]
    next_cursor: str | None = Field(description="Give it as `cursor` for the next page; null on the last.")


class AttemptCreate(Body):
    channel: str = Field(examples=["call"])
    outcome: str = Field(examples=["call_back"])
    note: str | None = None
    occurred_on: date | None = Field(None, description="Today when left out.")
    next_follow_up: date | None = None
    contact_id: UUID | None = None
    lead_id: UUID | None = None
    source_partner_id: UUID | None = None
    arena: str | None = None
    strategy: str | None = None
    approach_again_after: date | None = Field(None, description="With outcome declined.")


class AttemptCorrection(Body):
    reason: str
    channel: str | None = None
    outcome: str | None = None
    note: str | None = None
    occurred_on: date | None = None
    next_follow_up: date | None = None
    contact_id: UUID | None = None


class Attempt(Answer):
    attempt_id: UUID
    company_id: UUID
    contact_id: UUID | None
    user_id: UUID
    channel: str
    outcome: str
    note: str | None
    occurred_on: date
    next_follow_up: date | None
    lead_id: UUID | None
    round: int
    recorded_at: datetime
    corrected: bool
    voided: bool


class AttemptList(Answer):
    items: list[Attempt]
    next_cursor: str | None = Field(description="Give it as `cursor` for the next page; null on the last.")
