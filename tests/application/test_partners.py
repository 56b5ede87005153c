"""Channel partners: archiving is one event, once, and only for those who keep the list."""

import pytest

from crm.errors import NotAllowed
from crm.partners import ChannelPartner
from tests.support import make_team


def test_archiving_records_one_event_and_a_second_archive_none(app):
    team = make_team(app)
    partner_id = app.register_partner(team.consultant, "3F Horsens", "union")
    app.archive_partner(team.project_lead, partner_id)
    app.archive_partner(team.project_lead, partner_id)
    partner = app.load(ChannelPartner, partner_id)
    assert partner.archived and partner.version == 2


def test_only_those_who_manage_partners_archive_them(app):
    team = make_team(app)
    partner_id = app.register_partner(team.consultant, "3F Horsens", "union")
    with pytest.raises(NotAllowed):
        app.archive_partner(team.auditor, partner_id)
