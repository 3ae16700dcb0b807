"""Security that applies to every response: headers, session lifetime, roles."""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response, abort, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from views import same_origin
from views.deps import actor
from workflow import permissions
from workflow.models.referral import Referral
from workflow.models.staff import Role

F = TypeVar("F", bound=Callable[..., Any])

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# A download (an attachment as received, the CSV) is someone else's bytes: should a browser ever
# render one, it runs in a sandbox with no script, no forms and nothing it may load.
DOWNLOAD_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"


def init_app(app: Flask) -> None:
    """Install the hooks that every request passes through."""
    app.before_request(_expire_session)
    app.after_request(_headers)
    same_origin.init_app(app)


def _headers(response: Response) -> Response:
    from flask import current_app

    attachment = response.headers.get("Content-Disposition", "").startswith("attachment")
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP if attachment else CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    # Same-origin pages may see where a request came from (the proxy's HTTPS checks need it);
    # other sites never learn a referral's address.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if current_app.config["BEHIND_TLS"]:
        response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if not request.path.startswith(("/static/", "/assets/")):
        # Pages may hold personal data: never keep them in a browser or proxy cache.
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response


def _expire_session() -> Any:
    from flask import current_app

    if not current_user.is_authenticated:
        return None
    now = time.time()
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    seen, started = session.get("seen_at", now), session.get("signed_in_at", now)
    if now - seen > idle or now - started > absolute:
        logout_user()
        session.clear()
        flash("You were signed out because you had not used the service for a while.")
        return redirect(url_for("auth.login", next=request.path))
    if session.get("password_stamp") != current_user.password_stamp:
        # The password changed in another session (or by a reset): this one ends with it.
        logout_user()
        session.clear()
        flash("You were signed out because your password was changed.")
        return redirect(url_for("auth.login"))
    session["seen_at"] = now
    if current_user.must_change_password and request.endpoint not in _PASSWORD_EXEMPT:
        return redirect(url_for("auth.change_password"))
    required = current_app.config["REQUIRE_TWO_FACTOR"]
    if required and not current_user.two_factor and request.endpoint not in _ENROLMENT_EXEMPT:
        return redirect(url_for("two_factor.set_up"))
    return None


_PASSWORD_EXEMPT = {"auth.change_password", "auth.logout", "static", "assets"}
# When the service requires a second factor, an account without one reaches only its set-up.
_ENROLMENT_EXEMPT = _PASSWORD_EXEMPT | {"two_factor.set_up"}


def _names(groups: tuple[frozenset[Role], ...]) -> tuple[str, ...]:
    return tuple(sorted(str(role) for group in groups for role in group))


def role_required(*groups: frozenset[Role]) -> Callable[[F], F]:
    """Let only signed-in staff with a role in one of `groups` (workflow/permissions.py) reach
    the view; others get 403."""
    roles = _names(groups)

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.path))
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def role_in(*groups: frozenset[Role]) -> bool:
    """Say whether the signed-in person's role is in one of `groups` (workflow/permissions.py):
    what a template shows, as `role_required` is what a view lets through."""
    return bool(current_user.is_authenticated) and current_user.role in _names(groups)


def may_act_on(referral: Referral) -> bool:
    """Say whether the signed-in person may act on this referral (an IDVA: their own only)."""
    return bool(current_user.is_authenticated) and permissions.may_read(actor(), referral)


def public(view: F) -> F:
    """Mark a view as open to anyone (the referral forms); the route × role test relies on it."""
    view.is_public = True  # type: ignore[attr-defined]
    return view
