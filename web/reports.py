"""The evaluation reports: the funnel and persistence for a period, filtered, charted, downloadable."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from flask import Blueprint, Response, abort, request

import projections
from crm.clock import local_date
from crm.vocabulary import DEPARTMENTS
from web import params
from web.labels import choices, label
from web.rendering import page_or_fragment
from web.report_charts import draw, number
from web.report_export import to_csv, to_xlsx
from web.report_programme import buy_in_tables, commitment_tables, delivery_tables, re_aim_tables
from web.report_tables import (
    ReportTable,
    attempts_tables,
    channels_table,
    follow_ups_table,
    funnel_by_table,
    funnel_table,
    next_step_table,
)
from web.services import crm, owners, the_past, today, user_names, views
from web.translating import gettext as _

bp = Blueprint("reports", __name__, url_prefix="/reports")

TARGET = "reports"
FILTERS = ("start", "end", "as_of", "recruiter", "department", "arena", "strategy", "industry", "source", "by")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.app_template_filter("report_number")
def report_number(value: Any) -> str:
    """A figure as the tables show it: a dash for none, a decimal comma."""
    if value is None:
        return "–"
    return number(value)


class Asked:
    """What the page asks for: the criteria, the dimension to split the funnel by, the moment if any."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.moment = None
        try:
            self.moment = params.moment(request.args, "as_of")
        except params.BadParameter as problem:
            self.errors.append(str(problem.description))
        if self.moment is not None and self.moment > crm().clock.now():
            self.errors.append(_("Choose a moment in the past."))
            self.moment = None
        day = local_date(self.moment) if self.moment is not None else today()
        end = params.day(request.args, "end") or day
        start = params.day(request.args, "start") or date(end.year, 1, 1)
        if start > end:
            self.errors.append(_("The period must start before it ends."))
            start = end
        self.by = params.choice(request.args, "by", projections.REPORT_DIMENSIONS, "arena")
        self.criteria = projections.ReportCriteria(
            start=start,
            end=end,
            today=day,
            recruiter=params.identifier(request.args, "recruiter"),
            department=params.choice(request.args, "department", DEPARTMENTS) or None,
            arena=params.filter_text(request.args, "arena") or None,
            strategy=params.filter_text(request.args, "strategy") or None,
            industry=params.filter_text(request.args, "industry") or None,
            source=params.filter_text(request.args, "source", limit=80) or None,
        )

    def tables(self) -> list[ReportTable]:
        """Every report of the page, read from the live read models or from a replay to the moment."""
        if self.moment is None:
            return _tables(views(), self.criteria, self.by)
        moment = self.moment
        with the_past("reports", moment, lambda: projections.reports_as_of(crm(), moment)) as projector:
            return _tables(projector, self.criteria, self.by)


def _tables(projector: Any, criteria: projections.ReportCriteria, by: str) -> list[ReportTable]:
    view = projector["reports"]
    names = _namer(projector, by)
    with projections.reports_read_once():  # the figures share the companies and the funnel
        return _every_table(projector, view, criteria, by, names)


def _every_table(projector: Any, view: Any, criteria: projections.ReportCriteria, by: str, names: Any):
    return [
        funnel_table(view, criteria),
        funnel_by_table(view, criteria, by, names),
        *attempts_tables(view, criteria),
        channels_table(view, criteria),
        next_step_table(view, criteria),
        follow_ups_table(view, criteria, names),
        *buy_in_tables(view, criteria),
        *commitment_tables(view, criteria),
        *delivery_tables(projector, criteria),
        *re_aim_tables(view, criteria),
    ]


def _namer(projector: Any, dimension: str):
    """How a dimension's value or a person is named on screen ("user:<id>", "consultant:<id>", "partner:<id>")."""
    # The request's own views name users once a page; a replay of the past names them as they stood.
    users = user_names(projector)
    partners = projections.partner_names(projector["outreach"])

    def name(value: str) -> str:
        kind, _sep, rest = value.partition(":")
        if kind in ("user", "consultant"):
            return users.get(UUID(rest), _("Unknown user"))
        if kind == "partner":
            return partners.get(UUID(rest), _("Unknown partner"))
        if value == "none":
            return _("None")
        return label(dimension, value)

    return name


def _sources(projector: Any) -> list[tuple[str, str]]:
    consultants = [(f"consultant:{u['user_id']}", u["display_name"]) for u in owners(projector)]
    partners = [(f"partner:{pid}", name) for pid, name in projections.partner_names(projector["outreach"]).items()]
    return [*consultants, *partners, ("none", _("None"))]


@bp.get("")
def index():
    """The reports for the chosen period and filters, each a chart with its numbers and downloads."""
    asked = Asked()
    tables = asked.tables() if not asked.errors else []
    projector = views()
    return page_or_fragment(
        "reports/index.html",
        "reports/_reports.html",
        TARGET,
        asked=asked,
        criteria=asked.criteria,
        reports=[(table, draw(table.chart) if table.chart else None) for table in tables],
        query={k: v for k, v in request.args.items() if k in FILTERS and v},
        recruiters=[(str(u["user_id"]), u["display_name"]) for u in owners(projector, include_disabled=True)],
        departments=choices("department"),
        arenas=choices("arena"),
        strategies=choices("strategy"),
        industries=choices("industry"),
        sources=_sources(projector),
        dimensions=[(d, label("field", d) if d != "source" else _("Source")) for d in projections.REPORT_DIMENSIONS],
    )


@bp.get("/<key>.<fmt>")
def download(key: str, fmt: str):
    """The numbers behind one chart as CSV or XLSX, for the same period and filters."""
    if fmt not in FORMATS:
        abort(404)
    asked = Asked()
    if asked.errors:
        abort(400)
    table = next((t for t in asked.tables() if t.key == key), None)
    if table is None:
        abort(404)
    body = to_csv(table) if fmt == "csv" else to_xlsx(table)
    name = f"{key}-{asked.criteria.start.isoformat()}-{asked.criteria.end.isoformat()}.{fmt}"
    return Response(body, mimetype=FORMATS[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})
