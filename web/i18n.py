"""Danish by default, English on request: catalogues, the locale choice, and Danish formats."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations
from flask import Flask, request, session
from flask_babel import format_decimal, get_locale
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from web.labels import label
from web.translating import format_date, format_datetime, request_translations

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"


def compile_catalogues(app: Flask) -> str:
    """Merge web/translations/<lang>/*.po (one file per screen area) into the .mo Flask-Babel reads.

    Compiled at start-up into the instance folder, so no build step and no
    binary in the repository; written atomically, as several workers may start at once.
    """
    source = Path(app.root_path) / "translations"
    target = Path(app.instance_path) / "translations"
    for language_dir in sorted(p for p in source.iterdir() if p.is_dir()):
        catalogue = None
        for po_file in sorted(language_dir.glob("*.po")):
            with po_file.open("rb") as handle:
                part = read_po(handle, locale=language_dir.name)
            if catalogue is None:
                catalogue = part
                continue
            for message in part:
                if message.id:
                    catalogue[message.id] = message
        if catalogue is None:
            continue
        out_dir = target / language_dir.name / "LC_MESSAGES"
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=out_dir, delete=False) as compiled:
            write_mo(compiled, catalogue)
        os.replace(compiled.name, out_dir / "messages.mo")
    return str(target)


def select_locale() -> str:
    if request.path.startswith("/api/"):  # an API caller says its language in each request
        return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE
    if getattr(current_user, "is_authenticated", False) and current_user.language in LANGUAGES:
        return current_user.language
    chosen = session.get("language")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def as_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(_aware(value), "d. MMM yyyy")
    return format_date(value, "d. MMM yyyy")


def as_datetime(value: datetime | None) -> str:
    return "" if value is None else format_datetime(_aware(value), "d. MMM yyyy HH:mm")


def as_phone(value: str | None) -> str:
    """Danish numbers in pairs (+45 20 30 40 50); others as stored."""
    if not value:
        return ""
    if value.startswith("+45") and len(value) == 11:
        digits = value[3:]
        return "+45 " + " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    return value


def as_number(value: int | float | None) -> str:
    return "" if value is None else format_decimal(value)


def _aware(value: datetime) -> datetime:
    # Read models keep naive UTC; Flask-Babel shows it in Europe/Copenhagen.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def gettext_for(translations: NullTranslations) -> Callable[..., str]:
    """`_()` and `gettext()` in templates over one catalogue: what Jinja's newstyle gettext gives (the translation
    escaped, then filled in), in one call; a message without variables is kept once made, per catalogue.

    Jinja's own goes through an alias and two context calls for each of the few hundred strings a screen shows.
    """
    made = _made.get(translations)
    if made is None:
        made = _made[translations] = {}

    @pass_context
    def template_gettext(context: Context, message: str, **variables: Any) -> str:
        if not context.eval_ctx.autoescape:
            return translations.ugettext(message) % variables
        # Our own catalogues' messages are markup, as Jinja's gettext takes them; the variables are escaped by `%`.
        if variables:
            return Markup(translations.ugettext(message)) % variables  # noqa: S704  # nosec B704
        found = made.get(message)
        if found is None:
            found = made[message] = Markup(translations.ugettext(message)) % {}  # noqa: S704  # nosec B704
        return found

    return template_gettext


@pass_context
def template_gettext(context: Context, message: str, **variables: Any) -> str:
    """`_()` in a template rendered without Flask's context processors (`from_string`): the catalogue looked up
    on each call."""
    return gettext_for(request_translations())(context, message, **variables)


# Each catalogue's messages as templates show them (no variables), while the catalogue is in use.
_made: WeakKeyDictionary[NullTranslations, dict[str, Markup]] = WeakKeyDictionary()


def request_gettext(message: str) -> str:
    return request_translations().ugettext(message)


def template_ngettext(singular: str, plural: str, count: int) -> str:
    return request_translations().ungettext(singular, plural, count)


def init_app(app: Flask) -> None:
    """After Babel's own init_app: its template callables are replaced by ones that look the catalogue up once."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        request_gettext, template_ngettext, newstyle=True
    )
    app.jinja_env.globals.update(gettext=template_gettext, _=template_gettext)

    @app.context_processor
    def request_gettext_callables() -> dict[str, Any]:
        # One catalogue lookup a rendering, not one a string.
        bound = gettext_for(request_translations())
        return {"_": bound, "gettext": bound}

    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters.update(
        date=as_date,
        datetime=as_datetime,
        phone=as_phone,
        number=as_number,
        label=lambda value, vocabulary: label(vocabulary, value),
    )
