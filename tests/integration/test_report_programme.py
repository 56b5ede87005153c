"""Buy-in, commitments, delivery and RE-AIM on the hand-built history (tests/report_history.py)."""

from __future__ import annotations

from datetime import date

import pytest

from projections.reports.buy_in import Commitments, KindCommitments, buy_in, commitments_report, six_months_after
from projections.reports.delivery import Adoption, CompanyDelivery, MonthDelivery, delivery, re_aim
from projections.reports.scope import ReportCriteria
from projections.runner import Projector
from tests.report_history import History, day, play

WHOLE = ReportCriteria(start=day(0), end=day(60), today=day(60))


@pytest.fixture
def history(sql_database, clock) -> History:
    return play(sql_database.app(clock=clock), clock)


def caught_up(history):
    projector = Projector(history.app)
    projector.catch_up()
    return projector["reports"]


def test_the_requirements_that_hold_agreements_up_longest_come_first(history):
    found = buy_in(caught_up(history), WHOLE)

    # Hansen opened on day 14: sponsor and rooms on day 21 (7 days), conversations day 25 (11), coordinator
    # day 28 (14, the last before signing); Soltoft opened on day 15: rooms on day 20 (5), the rest missing.
    rows = [
        (r.key, r.agreements, r.days_to_confirm.median, r.last_before_signing, r.still_missing)
        for r in found.requirements
    ]
    assert rows == [
        ("company_coordinator", 2, 14, 1, 1),
        ("conversations_in_working_hours", 2, 11, 0, 1),
        ("top_management_sponsor", 2, 7, 0, 1),
        ("rooms_on_site", 2, 6, 0, 0),
    ]
    assert (found.ended_in_negotiation, found.ended_without_sponsor) == (0, 0)


def test_a_negotiation_ended_without_a_sponsor_counts_as_lost_for_lack_of_buy_in(history):
    history.app.terminate_agreement(history.ole, history.soltoft_agreement, reason="Ledelsen vil ikke afsætte tid")

    found = buy_in(caught_up(history), WHOLE)

    assert (found.ended_in_negotiation, found.ended_without_sponsor) == (1, 1)
    # Check: a negotiation that ended is no longer missing anything.
    assert [r.still_missing for r in found.requirements] == [0, 0, 0, 0]


def test_commitments_by_kind_and_companies_with_one_fulfilled(history):
    found = commitments_report(caught_up(history), WHOLE)

    kinds = {k.kind: k for k in found.by_kind}
    assert kinds["fruit_scheme"] == KindCommitments("fruit_scheme", made=1, fulfilled=1, abandoned=0, overdue=0)
    assert kinds["health_policy"] == KindCommitments("health_policy", made=1, fulfilled=0, abandoned=0, overdue=1)
    assert sum(k.made for k in found.by_kind) == 2
    assert found.companies_with_fulfilled == 1
    # Check: signed on day 28 (30 March), six months have not passed by day 60.
    assert (found.after_six_months, found.active_after_six_months) == (0, 0)


def test_commitments_still_active_six_months_after_the_agreement(history):
    history.app.abandon_commitment(history.team.recruiter, history.agreement, history.policy, reason="Ingen ejer")
    autumn = ReportCriteria(start=day(0), end=date(2026, 10, 15), today=date(2026, 10, 15))

    found = commitments_report(caught_up(history), autumn)

    # Check: the fruit scheme holds on 30 September, the health policy was abandoned on day 60 (1 May).
    assert six_months_after(day(28)) == date(2026, 9, 30)
    assert found == Commitments(found.by_kind, 1, after_six_months=2, active_after_six_months=1)
    assert {k.kind: k.abandoned for k in found.by_kind if k.abandoned} == {"health_policy": 1}


def test_delivery_planned_against_delivered_per_company_and_month(history):
    found = delivery(caught_up(history), WHOLE)

    assert found.companies == [CompanyDelivery(history.hansen, 20, 10, 20, 6, 0)]
    assert found.months == [MonthDelivery("2026-04", 20, 6, 0)]
    assert (found.feedback_given, found.follow_ups_held) == (1, 1)
    # Check: a period before the second delivery holds only the first.
    early = delivery(caught_up(history), ReportCriteria(start=day(0), end=day(40), today=day(40)))
    assert early.companies == [CompanyDelivery(history.hansen, 20, 10, 12, 0, 0)]
    assert (early.feedback_given, early.follow_ups_held) == (0, 0)


def test_re_aim_adoption_reach_implementation_and_maintenance(history):
    found = re_aim(caught_up(history), WHOLE)

    # Adoption: of Hansen, Soltoft and Bager approached, Hansen signed.
    assert (found.approached, found.adopted, found.adoption) == (3, 1, pytest.approx(1 / 3))
    assert found.by_industry == [Adoption("care", 1, 0), Adoption("retail", 1, 0), Adoption("transport", 1, 1)]
    assert found.by_size == [Adoption("50-249", 1, 1), Adoption("none", 2, 0)]
    # Reach and implementation: 20 checks and 6 conversations of 30 planned; one of two commitments kept.
    assert (found.reached_health_checks, found.reached_conversations) == (20, 6)
    assert (found.planned, found.delivered, found.implementation) == (30, 26, pytest.approx(26 / 30))
    assert (found.commitments_made, found.commitments_fulfilled) == (2, 1)
    assert found.maintenance is None
