"""Security headers on every response, the session cookie's flags, an HTTPS proxy in front, the favicon.

A small after-request hook rather than Flask-Talisman: the policy is one fixed
string (no inline script, style or event handler is left in the templates, so no
nonce is needed), and the rest is a few constant headers and Flask's own cookie
settings. Talisman would add a dependency for that, and by default it redirects
to HTTPS itself, which here is the job of the proxy in front.
"""

from __future__ import annotations

from flask import Flask, Response, send_from_directory
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # htmx loads from our own folder and its config turns off eval and its inline indicator style.
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Older browsers know frame-ancestors only by this name.
    "X-Frame-Options": "DENY",
    # Our URLs carry search terms, which may be a person's name: no other site gets them. Same-origin
    # requests keep the header, which Flask-WTF's CSRF check needs over HTTPS.
    "Referrer-Policy": "same-origin",
}
# Behind HTTPS the browser is told to come back only over HTTPS, for a year.
HSTS = "max-age=31536000"


def init_app(app: Flask) -> None:
    behind_https = bool(app.config.get("BEHIND_HTTPS"))
    if behind_https:
        # Trust one proxy's X-Forwarded-For/-Proto/-Host: the client address the sign-in throttle
        # counts, and https in the URLs. Without a proxy these headers are ignored (they could be forged).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
        app.config.update(SESSION_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https")

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if behind_https:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response

    @app.route("/favicon.ico")
    def favicon():
        """The icon browsers ask for at the root, from web/static."""
        return send_from_directory(app.static_folder or "static", "favicon.ico", max_age=86400)
