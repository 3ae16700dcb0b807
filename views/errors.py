"""Error pages in the service's own words."""

from typing import Any

from flask import Flask, render_template

from workflow.errors import NotFound, PermissionDenied

PAGES = {
    400: ("Sorry, there is a problem with your request", "Go back and try again."),
    403: ("You do not have permission to see this page", "Ask a manager if you need access."),
    404: ("Page not found", "Check the address, or go back to the start."),
    413: ("The file is too big", "Upload a file smaller than the limit shown on the page."),
    429: ("Too many requests", "Wait a few minutes and try again."),
    500: (
        "Sorry, there is a problem with the service",
        "Try again later. Nothing you sent is lost.",
    ),
}


def init_app(app: Flask) -> None:
    """Render every known error code with the service's frame, once for every blueprint.

    A use case that finds no such row, or refuses the actor's role or someone else's referral
    (workflow/permissions.py), is the same 404 or 403 page on every blueprint: views let those
    errors rise and handle only the refusals they word on their own page.
    """
    for code in PAGES:
        app.register_error_handler(code, _handler(code))
    app.register_error_handler(NotFound, _handler(404))
    app.register_error_handler(PermissionDenied, _handler(403))


def _handler(code: int) -> Any:
    def handle(_error: Exception) -> Any:
        heading, message = PAGES[code]
        return render_template("errors/error.html", heading=heading, message=message), code

    return handle
