"""The request's language, looked up once: its catalogue for `gettext`, and its locale and time zone for dates.

Flask-Babel looks up the request context, the locale and its caches on every `gettext` and every
`format_date`, through several context proxies each time. A company page translates about 140 strings in
Python and formats about 70 dates: in a profile of that page, Flask-Babel's lookups were a tenth of its
CPU. These functions give Flask-Babel's results (the same catalogue, locale and time zone, chosen by the
same selectors) with the lookup made once per request.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

import flask_babel
from babel import Locale, dates
from babel.support import NullTranslations
from flask import g, has_app_context
from flask_babel.speaklater import LazyString


def request_translations() -> NullTranslations:
    """The request's catalogue (Flask-Babel's), looked up once per request."""
    found: NullTranslations | None = g.get("crm_translations")
    if found is None:
        found = g.crm_translations = flask_babel.get_translations()
    return found


def request_locale() -> Locale:
    found: Locale | None = g.get("crm_locale")
    if found is None:
        found = g.crm_locale = flask_babel.get_locale()
    return found


def gettext(message: str, **variables: Any) -> str:
    """Flask-Babel's `gettext`: the message in the request's language, filled in with `variables`."""
    if not has_app_context():
        return flask_babel.gettext(message, **variables)
    translated = request_translations().ugettext(message)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Flask-Babel's `ngettext`: the form for `num` in the request's language (`num` fills `%(num)d`)."""
    if not has_app_context():
        return flask_babel.ngettext(singular, plural, num, **variables)
    variables.setdefault("num", num)
    return request_translations().ungettext(singular, plural, num) % variables


def lazy_gettext(message: str, **variables: Any) -> LazyString:
    """Flask-Babel's `lazy_gettext` (for texts made before any request): made into text by `gettext` above."""
    return LazyString(gettext, message, **variables)


def format_date(value: date, pattern: str) -> str:
    """Flask-Babel's `format_date` with a pattern: the day (of a datetime too, as Flask-Babel, not moved to the
    user's time zone) in the request's language."""
    if not has_app_context():
        return flask_babel.format_date(value, pattern)
    return _formatted_date(value, pattern, request_locale())


def format_datetime(value: datetime, pattern: str) -> str:
    """Flask-Babel's `format_datetime` with a pattern: a naive value is UTC, shown in the user's time zone."""
    if not has_app_context():
        return flask_babel.format_datetime(value, pattern)
    return dates.format_datetime(value, pattern, tzinfo=_request_timezone(), locale=request_locale())


def format_time(value: time | datetime, pattern: str) -> str:
    """Flask-Babel's `format_time` with a pattern (a datetime moved to the user's time zone)."""
    if not has_app_context():
        return flask_babel.format_time(value, pattern)
    return dates.format_time(value, pattern, tzinfo=_request_timezone(), locale=request_locale())


def _request_timezone() -> Any:
    found = g.get("crm_timezone")
    if found is None:
        found = g.crm_timezone = flask_babel.get_timezone()
    return found


# A list shows the same few days many times: each (day, pattern, locale) is formatted once.
@lru_cache(maxsize=4096)
def _formatted_date(value: date, pattern: str, locale: Locale) -> str:
    return dates.format_date(value, pattern, locale=locale)
