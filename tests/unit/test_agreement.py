from datetime import date
from uuid import uuid4

import pytest

from crm.agreements import PartnershipAgreement
from crm.errors import AgreementClosed, AgreementNotReady, AgreementNotSigned, InvalidInput
from crm.vocabulary import STANDARD_REQUIREMENTS

MARCH_2 = date(2026, 3, 2)


def an_agreement() -> PartnershipAgreement:
    return PartnershipAgreement(
        company_id=uuid4(), requirements=[{"key": key, "label": None} for key in STANDARD_REQUIREMENTS]
    )


def with_buy_in(agreement: PartnershipAgreement) -> PartnershipAgreement:
    for key in STANDARD_REQUIREMENTS:
        agreement.confirm_requirement(key, uuid4(), MARCH_2, uuid4())
    return agreement


def test_an_agreement_cannot_be_signed_while_buy_in_is_missing_and_says_what_is_missing():
    agreement = an_agreement()
    agreement.confirm_requirement("rooms_on_site", uuid4(), MARCH_2, None)
    with pytest.raises(AgreementNotReady) as caught:
        agreement.sign(MARCH_2)
    assert caught.value.missing == ["top_management_sponsor", "conversations_in_working_hours", "company_coordinator"]
    assert agreement.status == "negotiating"


def test_the_sponsor_must_be_a_named_person():
    with pytest.raises(InvalidInput):
        an_agreement().confirm_requirement("top_management_sponsor", uuid4(), MARCH_2, None)


def test_a_withdrawn_requirement_blocks_signing_again():
    agreement = with_buy_in(an_agreement())
    agreement.withdraw_requirement("rooms_on_site")
    with pytest.raises(AgreementNotReady):
        agreement.sign(MARCH_2)


def test_delivery_feedback_and_follow_up_need_a_signed_agreement():
    agreement = an_agreement()
    with pytest.raises(AgreementNotSigned):
        agreement.record_delivery(MARCH_2, 10, 5, 0)
    with pytest.raises(AgreementNotSigned):
        agreement.deliver_feedback(MARCH_2, None)
    with pytest.raises(AgreementNotSigned):
        agreement.hold_follow_up(MARCH_2, None)


def test_delivery_counts_add_up_and_feedback_comes_after_conversations():
    agreement = with_buy_in(an_agreement())
    agreement.sign(MARCH_2)
    with pytest.raises(InvalidInput):
        agreement.deliver_feedback(MARCH_2, "Fokus på søvn")
    agreement.record_delivery(MARCH_2, 40, 12, 3)
    agreement.record_delivery(date(2026, 3, 3), 10, 8, 1)
    assert agreement.delivered == {"health_checks": 50, "conversations": 20, "referrals": 4}
    agreement.deliver_feedback(date(2026, 3, 10), "Fokus på søvn og rygning")
    assert agreement.feedback_on == date(2026, 3, 10)


def test_completion_needs_feedback_and_follow_up_and_closes_the_agreement():
    agreement = with_buy_in(an_agreement())
    agreement.sign(MARCH_2)
    agreement.record_delivery(MARCH_2, 40, 12, 3)
    agreement.deliver_feedback(MARCH_2, None)
    with pytest.raises(InvalidInput):
        agreement.complete(MARCH_2)
    agreement.hold_follow_up(date(2026, 4, 2), "Flere vil gerne på rygestop")
    agreement.complete(date(2026, 4, 2))
    with pytest.raises(AgreementClosed):
        agreement.record_delivery(date(2026, 4, 3), 1, 0, 0)


def test_a_commitment_is_fulfilled_or_abandoned_once():
    agreement = an_agreement()
    agreement.add_commitment("c1", "healthier_canteen", "Frugtordning og sund kantine", None, date(2026, 6, 1))
    agreement.fulfil_commitment("c1", date(2026, 5, 20))
    assert agreement.commitments["c1"]["state"] == "fulfilled"
    with pytest.raises(InvalidInput):
        agreement.abandon_commitment("c1", date(2026, 5, 21))


def test_a_terminated_agreement_refuses_every_change():
    agreement = an_agreement()
    agreement.add_commitment("c1", "smoking_policy", "Røgfri arbejdstid", None, None)
    agreement.terminate(MARCH_2, "Virksomheden lukker afdelingen")
    for change in (
        lambda: agreement.add_commitment("c2", "other", "x", None, None),
        lambda: agreement.fulfil_commitment("c1", MARCH_2),
        lambda: agreement.confirm_requirement("rooms_on_site", uuid4(), MARCH_2, None),
        lambda: agreement.terminate(MARCH_2, "igen"),
    ):
        with pytest.raises(AgreementClosed):
            change()
