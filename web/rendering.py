"""One decision for every view: the whole page, or only the fragment htmx is swapping."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import make_response, render_template
from werkzeug.wrappers import Response

from web.extensions import htmx


def wants_fragment(target: str) -> bool:
    """True only when htmx swaps `target` itself; boosted requests and history restores get the page."""
    return bool(htmx and htmx.target == target and not htmx.boosted and not htmx.history_restore_request)


R = TypeVar("R", bound=Response)


def varies_by_htmx(response: R) -> R:
    """A response that depends on whether (and where) htmx asked: caches must keep the answers apart."""
    response.vary.update(["HX-Request", "HX-Target"])
    return response


def page_or_fragment(page: str, fragment: str, target: str, status: int = 200, **context: Any):
    """Send the fragment only when htmx is swapping `target`; otherwise send the full page."""
    body = render_template(fragment if wants_fragment(target) else page, **context)
    return varies_by_htmx(make_response(body, status))
