"""The path a company walks: every step the screens offer (next_steps) is one the aggregate takes."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from crm.companies import PLAIN_MOVES, Company, next_steps
from crm.vocabulary import STAGES
from tests.unit.test_company import a_company

AGREEMENT = uuid4()
LATER = date(2030, 1, 1)


def at(stage: str) -> Company:
    """A company brought to `stage` by the commands that lead there."""
    company = a_company()
    routes = {
        "identified": [],
        "contacted": [lambda c: c.move_to("contacted")],
        "meeting": [lambda c: c.move_to("meeting")],
        "negotiating": [lambda c: c.open_negotiation(AGREEMENT)],
        "partner": [lambda c: c.open_negotiation(AGREEMENT), lambda c: c.become_partner(AGREEMENT)],
        "completed": [
            lambda c: c.open_negotiation(AGREEMENT),
            lambda c: c.become_partner(AGREEMENT),
            lambda c: c.close_partnership(AGREEMENT, "completed", None),
        ],
        "ended": [lambda c: c.open_negotiation(AGREEMENT), lambda c: c.close_partnership(AGREEMENT, "ended", "Lukket")],
        "declined": [lambda c: c.decline("Nej tak", None)],
        "parked": [lambda c: c.park("Travlt", None)],
    }
    for step in routes[stage]:
        step(company)
    assert company.stage == stage
    return company


TAKE = {
    "move": lambda c, stage: c.move_to(stage),
    "open_agreement": lambda c, stage: c.open_negotiation(AGREEMENT),
    "sign_agreement": lambda c, stage: c.become_partner(AGREEMENT),
    "decline": lambda c, stage: c.decline("Nej tak", LATER),
    "park": lambda c, stage: c.park("Travlt", LATER),
    "reapproach": lambda c, stage: c.reapproach(LATER),
}


@pytest.mark.parametrize("stage", STAGES)
def test_every_step_offered_from_a_stage_takes_the_company_there(stage):
    for target, how in next_steps(stage).items():
        company = at(stage)
        TAKE[how](company, target)
        assert company.stage == target, (stage, target, how)


@pytest.mark.parametrize("stage", STAGES)
def test_the_plain_moves_offered_are_the_aggregates_plain_moves(stage):
    offered = [target for target, how in next_steps(stage).items() if how == "move"]
    assert offered == list(PLAIN_MOVES.get(stage, ()))


def test_negotiations_end_through_the_agreement_so_no_decline_is_offered_once_they_are_open():
    assert next_steps("negotiating") == {"meeting": "move", "partner": "sign_agreement"}
    assert next_steps("identified") == {
        "contacted": "move",
        "meeting": "move",
        "negotiating": "open_agreement",
        "declined": "decline",
        "parked": "park",
    }
    assert next_steps("partner") == {}
