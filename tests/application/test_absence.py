"""Marking days away: one event on the user, with the first working day back decided by the command."""

from datetime import date

import pytest

from crm.errors import InvalidInput
from crm.users import User
from tests.support import make_team


def test_an_absence_over_easter_comes_back_on_the_tuesday(app):
    team = make_team(app)
    # Maundy Thursday to Easter Monday are Danish holidays in 2026 (2-6 April).
    back = app.mark_absence(team.recruiter, date(2026, 3, 30), date(2026, 4, 1), stand_in_id=team.health_consultant)
    assert back == date(2026, 4, 7)
    user = app.load(User, team.recruiter)
    assert user.absences[date(2026, 3, 30)]["stand_in_id"] == team.health_consultant


@pytest.mark.parametrize(
    ("first", "last", "stand_in", "field"),
    [
        (date(2026, 3, 10), date(2026, 3, 9), None, "last_day"),  # ends before it starts
        (date(2026, 2, 1), date(2026, 2, 27), None, "last_day"),  # over already (the clock says 2 March)
        (date(2026, 3, 10), date(2027, 6, 1), None, "last_day"),  # longer than a year
        (date(2026, 3, 12), date(2026, 3, 20), None, "first_day"),  # overlaps the one marked below
        (date(2026, 3, 23), date(2026, 3, 24), "self", "stand_in"),
    ],
)
def test_an_absence_that_cannot_be_is_refused(app, first, last, stand_in, field):
    team = make_team(app)
    app.mark_absence(team.recruiter, date(2026, 3, 9), date(2026, 3, 13))
    with pytest.raises(InvalidInput) as refused:
        app.mark_absence(team.recruiter, first, last, stand_in_id=team.recruiter if stand_in == "self" else None)
    assert refused.value.params["field"] == field
