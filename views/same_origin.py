"""Refuse a state-changing request that a browser says came from another site.

Behind the TLS proxy Flask-WTF's strict-SSL check wanted a Referer on every POST, which a
`no-referrer` policy never sends, so every form failed. The CSRF token stays on every form; this
check takes the strict Referer test's place, using what browsers send on every POST: `Origin`,
else `Sec-Fetch-Site`, else a same-origin `Referer` (the policy is `same-origin`). A client that
sends none of them (a script, the test client) still needs the CSRF token.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, render_template, request

F = TypeVar("F", bound=Callable[..., Any])

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SAME_SITE_FETCH = frozenset({"same-origin", "none"})  # "none": typed or bookmarked by the user


def init_app(app: Flask) -> None:
    """Check the origin of every unsafe request before its view runs."""
    app.before_request(_refuse_cross_origin)


def _refuse_cross_origin() -> None:
    if request.method not in SAFE_METHODS and not is_same_origin():
        abort(400)


def is_same_origin() -> bool:
    """Tell whether the current request's browser headers allow it as same-origin."""
    # The address the request came to, and the one staff are told to use (BASE_URL), in case
    # a proxy passes on a Host of its own.
    own = {_origin_of(request.host_url), _origin_of(current_app.config["BASE_URL"])}
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin.lower() in own
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in SAME_SITE_FETCH
    referer = request.headers.get("Referer")
    if referer is not None:
        return _origin_of(referer) in own
    return True


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def is_own_navigation() -> bool:
    """Tell whether a GET was asked for from this site or by the person themselves.

    `Sec-Fetch-Site` is set by the browser and cannot be forged by a page: same-origin (a link or
    form here) or none (typed, bookmarked, opened from a desktop mail program). A browser too old
    to send it is let through. Anything else — a link, image or frame on another site — is not.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    return fetch_site is None or fetch_site in SAME_SITE_FETCH


def own_navigation_only(view: F) -> F:
    """Open an audited page ("viewed", "downloaded") only on the person's own navigation.

    Another site could otherwise make a signed-in browser load a case (a link, an image) and
    plant a "viewed" entry in the trail under that person's name. Such a request gets a page with
    a link to the same address instead: following it is a same-origin navigation.
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return offer_link_if_from_elsewhere() or view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def offer_link_if_from_elsewhere() -> Any:
    """The "open this page from the service" page for another site's GET, else None.

    Signed-out requests pass, to be sent to sign-in: signing in is the person's own act, and the
    page they come back to is then a same-origin navigation.
    """
    from flask_login import current_user

    if request.method != "GET" or not current_user.is_authenticated or is_own_navigation():
        return None
    return render_template("staff/open_from_elsewhere.html", target=request.path)
