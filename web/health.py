"""Liveness and readiness for a load balancer or an orchestrator: JSON, no sign-in, no personal data."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from web.services import services

bp = Blueprint("health", __name__, url_prefix="/health")


@bp.get("")
def live():
    """The process answers (liveness): nothing is read."""
    return jsonify(status="ok")


@bp.get("/ready")
def ready():
    """Readiness: the database answers; each read model's generation, position against the head, and failure.

    A view stopped at an event it cannot apply makes the answer "degraded", still 200: the
    application serves every screen, some of them behind, and taking every process out of
    the load balancer for it would stop the application for everyone. 503 only when the
    database does not answer.
    """
    try:
        statuses = services().projector.status()
    except Exception:
        current_app.logger.exception("readiness: the read models' state could not be read")
        return jsonify(status="unavailable"), 503
    views: list[dict[str, Any]] = []
    for status in statuses:
        failure = status.failure
        views.append(
            {
                "name": status.name,
                "version": status.version,
                "generation": status.generation,
                "live": status.live,
                "position": status.position,
                "behind": status.behind,
                # The error's kind only: its message may quote a stored value.
                "failed": None
                if failure is None
                else {
                    "position": failure.position,
                    "topic": failure.topic,
                    "error": failure.error.partition(":")[0],
                    "since": failure.behind_since.isoformat() + "Z",
                    "found_at": failure.at.isoformat() + "Z",
                },
            }
        )
    names = {status.name for status in statuses}
    live = {status.name for status in statuses if status.live}
    degraded = any(view["failed"] for view in views) or live != names
    head = statuses[0].head if statuses else 0
    return jsonify(status="degraded" if degraded else "ready", head=head, views=views)
