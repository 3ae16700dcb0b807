"""Thin blueprints: parse the request, call a workflow use case, redirect or render."""

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from views import (
    accounts,
    admin,
    agency,
    auth,
    casework,
    contact,
    errors,
    health,
    intake,
    meetings,
    referral_forms,
    referrer_confirmation,
    security,
    staff,
    two_factor,
)
from workflow import permissions
from workflow.assessment.checklists import DASH_QUESTIONS

SERVICE_NAME = "Stalking, Harassment and MARAC Referrals"
PARTNERSHIP_NAME = "Cambridgeshire & Peterborough Domestic Abuse and Sexual Violence Partnership"


class DatabaseId(IntegerConverter):
    """`<int:...>` in a path: ASCII digits within the database's integer range, else a 404.

    Werkzeug's own reads any script's digits and any size, and an id past the integer range
    made the database refuse the query: a 500 instead of "not found".
    """

    regex = r"[0-9]{1,10}"

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Register the security hooks, error pages and every blueprint."""
    app.url_map.converters["int"] = DatabaseId
    security.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    app.context_processor(
        lambda: {
            "service_name": SERVICE_NAME,
            "partnership_name": PARTNERSHIP_NAME,
            "dash_questions": DASH_QUESTIONS,
            # Role checks in templates read the same groups as the views' guards.
            "permissions": permissions,
            "role_in": security.role_in,
            "may_act_on": security.may_act_on,
        }
    )
    for blueprint in (
        auth.bp,
        two_factor.bp,
        staff.bp,
        casework.bp,
        contact.bp,
        admin.bp,
        accounts.bp,
        referral_forms.bp,
        referrer_confirmation.bp,
        intake.bp,
        meetings.bp,
        agency.bp,
    ):
        app.register_blueprint(blueprint)
    app.register_blueprint(health.bp)
