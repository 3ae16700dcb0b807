"""The one way this service keeps a long-lived cookie: httponly, and secure behind TLS."""

from flask import Response, current_app


def keep(
    response: Response, name: str, value: str, days: int, path: str, samesite: str
) -> Response:
    """Set a cookie for `days` days on `path`, out of JavaScript's reach, sent only over TLS
    when the service is behind it (the BEHIND_TLS setting)."""
    response.set_cookie(
        name,
        value,
        max_age=days * 86400,
        path=path,
        httponly=True,
        secure=current_app.config["BEHIND_TLS"],
        samesite=samesite,
    )
    return response
