"""The application factory: configuration, extensions, blueprints and commands. No rules here."""

from pathlib import Path
from typing import Any

from flask import Flask, send_from_directory
from flask_wtf.csrf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

import commands
import config
import views
from workflow.store.db import Database

ROOT = Path(__file__).resolve().parent


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the web application; nothing connects or is created at import time."""
    settings = config.load(overrides)
    app = Flask(__name__, instance_path=str(config.INSTANCE), static_folder=str(ROOT / "static"))
    app.config.update(settings)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings["BEHIND_TLS"],
        SESSION_COOKIE_NAME="__Host-session" if settings["BEHIND_TLS"] else "session",
        REMEMBER_COOKIE_DURATION=0,
        MAX_CONTENT_LENGTH=settings["MAX_ATTACHMENT_BYTES"] + 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the session's own lifetime bounds the token
        # Its Referer test broke every POST behind the proxy; views/same_origin.py replaces it.
        WTF_CSRF_SSL_STRICT=False,
    )
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(ROOT / "templates"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    if settings["PROXY_HOPS"]:
        # The client's own address for the rate limits, and https as the proxy saw it.
        hops = settings["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.extensions["database"] = Database(settings["DATABASE_URL"])
    CSRFProtect(app)
    WTFormsHelpers(app)
    views.init_app(app)
    commands.init_app(app)
    # The GOV.UK Frontend CSS asks for its fonts and images under /assets/.
    app.add_url_rule("/assets/<path:filename>", "assets", _assets)
    return app


def _assets(filename: str) -> Any:
    return send_from_directory(ROOT / "static" / "assets", filename)
