"""The known-browser cookie: this browser has signed in to this account before.

Sign-in limits (workflow/staff/sign_in_limits.py) count such a browser's tries apart from everyone
else's, so a stranger guessing at an account never holds its owner up at their usual computer.
The cookie holds a random id and the account's email digest, signed with the app's secret; it
proves nothing but a past sign-in here, and lets no one in by itself.
"""

import secrets

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from views import cookies
from workflow.staff import sign_in_limits

KEPT_DAYS = 90


def _name() -> str:
    return "__Host-known-browser" if current_app.config["BEHIND_TLS"] else "known-browser"


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-browser")


def recognised(email: str) -> str | None:
    """The browser's id when its cookie is genuine, recent and for this very email, else None."""
    value = request.cookies.get(_name())
    if not value:
        return None
    try:
        held = _signer().loads(value, max_age=KEPT_DAYS * 86400)
    except BadSignature:
        return None
    if not isinstance(held, dict) or held.get("e") != sign_in_limits.email_digest(email):
        return None
    browser = held.get("b")
    return browser if isinstance(browser, str) and browser else None


def remember(response: Response, email: str) -> Response:
    """Give the browser a new id for the account it has just signed in to."""
    value = _signer().dumps({"e": sign_in_limits.email_digest(email), "b": secrets.token_hex(16)})
    return cookies.keep(response, _name(), value, KEPT_DAYS, "/", "Strict")
