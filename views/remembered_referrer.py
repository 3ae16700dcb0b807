"""The referrer's own details, remembered on their device for their next referral, only if they
ask: a long-lived cookie holding nothing but the referrer page's answers (never the victim's)."""

import base64
import binascii
import json
from typing import Any

from flask import Response, request

from forms.referral.shared_pages import ReferrerForm
from views import cookies

COOKIE = "referrer-details"
BOX = "remember_referrer"
DAYS = 365
FIELDS = tuple(name for name in ReferrerForm.__dict__ if name.startswith("referrer_"))
MOST = 300  # characters kept per answer: a cookie is small, and these are short


def remembered() -> dict[str, list[str]]:
    """Return the referrer page's answers this device remembers, or {}.

    The cookie is the browser's own: read defensively, keep only the referrer's fields.
    """
    raw = request.cookies.get(COOKIE, "")
    try:
        stored = json.loads(base64.urlsafe_b64decode(raw.encode()).decode()) if raw else {}
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return {}
    if not isinstance(stored, dict):
        return {}
    return {k: [str(v)[:MOST]] for k, v in stored.items() if k in FIELDS and isinstance(v, str)}


def keep_or_forget(response: Response, form: Any, offered: bool) -> Response:
    """After the referrer page is saved: remember its answers if the box was ticked, else forget."""
    if not offered or not request.form.get(BOX):
        response.delete_cookie(COOKIE, path="/refer/")
        return response
    mine = {name: str(form[name].data or "") for name in FIELDS}
    value = base64.urlsafe_b64encode(json.dumps(mine).encode()).decode()
    return cookies.keep(response, COOKIE, value, DAYS, "/refer/", "Lax")
