"""Domain errors in Danish on the command line, from the same catalogues and sentences as the web."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask_babel import Babel

import web
from crm.errors import CrmError
from web.i18n import compile_catalogues
from web.messages import describe


@contextmanager
def danish() -> Iterator[Callable[[CrmError], str]]:
    """Within the block, `describe(error)` gives the web's Danish sentence for a CrmError."""
    with tempfile.TemporaryDirectory(prefix="crm-da-") as folder:
        app = Flask("crm-cli", root_path=str(Path(web.__file__).parent), instance_path=folder)
        app.config["BABEL_TRANSLATION_DIRECTORIES"] = compile_catalogues(app)
        Babel(app, locale_selector=lambda: "da")
        with app.test_request_context():
            yield describe
