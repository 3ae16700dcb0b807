"""Thin blueprints: parse the request, call a workflow use case, redirect or render."""

from flask import Flask

from views import (
    accounts,
    admin,
    auth,
    casework,
    contact,
    errors,
    health,
    intake,
    referral_forms,
    security,
    staff,
    two_factor,
)

SERVICE_NAME = "Stalking, Harassment and MARAC Referrals"
PARTNERSHIP_NAME = "Cambridgeshire & Peterborough Domestic Abuse and Sexual Violence Partnership"


def init_app(app: Flask) -> None:
    """Register the security hooks, error pages and every blueprint."""
    security.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    app.context_processor(
        lambda: {"service_name": SERVICE_NAME, "partnership_name": PARTNERSHIP_NAME}
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
        intake.bp,
    ):
        app.register_blueprint(blueprint)
    app.register_blueprint(health.bp)
