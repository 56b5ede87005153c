"""One decision for every view: the whole page, or only the fragment htmx is swapping."""

from __future__ import annotations

from typing import Any

from flask import make_response, render_template

from web.extensions import htmx


def wants_fragment(target: str) -> bool:
    """True only when htmx swaps `target` itself; boosted requests and history restores get the page."""
    return bool(htmx and htmx.target == target and not htmx.boosted and not htmx.history_restore_request)


def page_or_fragment(page: str, fragment: str, target: str, status: int = 200, **context: Any):
    """Send the fragment only when htmx is swapping `target`; otherwise send the full page."""
    response = make_response(render_template(fragment if wants_fragment(target) else page, **context), status)
    response.vary.update(["HX-Request", "HX-Target"])
    return response
