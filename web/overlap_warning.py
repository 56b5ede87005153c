"""The department-overlap warning on every log-attempt form: who of another department approached the company lately.

Shown to whoever is about to log a call or visit (the owner, a consultant, a colleague in call
mode), not only the owner's My day: one municipality, one voice.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import current_app
from flask_login import current_user

import projections
from web.services import today, views


def overlap_context(company_id: UUID) -> dict[str, Any]:
    """The log form's `others_lately` (other departments' recent attempts on the company) and `others_days`."""
    days = current_app.config["OVERLAP_DAYS"]
    touches = projections.others_touching(
        views()["outreach"], company_id, today(), days, current_user.id, current_user.department
    )
    return {"others_lately": touches, "others_days": days}
