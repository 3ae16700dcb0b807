"""Refuse a state-changing request that a browser says came from another site.

Behind the TLS proxy Flask-WTF's strict-SSL check wanted a Referer on every POST, which a
`no-referrer` policy never sends, so every form failed. The CSRF token stays on every form; this
check takes the strict Referer test's place, using what browsers send on every POST: `Origin`,
else `Sec-Fetch-Site`, else a same-origin `Referer` (the policy is `same-origin`). A client that
sends none of them (a script, the test client) still needs the CSRF token.
"""

from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request

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
