"""CrmApplication: the service layer, one method per use case (grouped by area in crm/commands/)."""

from __future__ import annotations

from crm.clock import Clock
from crm.commands.access_log import AccessLogCommands
from crm.commands.agreements import AgreementCommands
from crm.commands.attempts import AttemptCommands
from crm.commands.companies import CompanyCommands
from crm.commands.contacts import ContactCommands
from crm.commands.employee_names import EmployeeNameCommands
from crm.commands.imports import ImportCommands
from crm.commands.leads import LeadCommands
from crm.commands.partners import PartnerCommands
from crm.commands.privacy import PrivacyCommands
from crm.commands.rules import RuleCommands
from crm.commands.sign_in import SignInCommands
from crm.commands.tokens import TokenCommands
from crm.commands.users import UserCommands
from crm.commands.webhooks import WebhookCommands
from crm.persistence import sqlalchemy_env
from storage.location import database_url


class CrmApplication(
    UserCommands,
    SignInCommands,
    TokenCommands,
    WebhookCommands,
    PartnerCommands,
    RuleCommands,
    LeadCommands,
    ImportCommands,
    CompanyCommands,
    ContactCommands,
    AttemptCommands,
    AgreementCommands,
    PrivacyCommands,
    EmployeeNameCommands,
    AccessLogCommands,
):
    """Every command of the CRM; construct with `for_database(url)` to persist in SQL."""

    # Names the tables (crm_events, crm_snapshots) and the upstream of every projection.
    name = "crm"

    @classmethod
    def for_database(cls, url: str | None = None, clock: Clock | None = None) -> CrmApplication:
        return cls(env=sqlalchemy_env(url or database_url()), clock=clock)
