"""What a view needs from the application: a unit of work and the acting staff member."""

from flask import current_app, request
from flask_login import current_user

import config
from workflow.actors import Actor
from workflow.models.staff import Role
from workflow.policy import Policy
from workflow.store.db import Database, UnitOfWork


def database() -> Database:
    """Return the application's database."""
    db: Database = current_app.extensions["database"]
    return db


def uow() -> UnitOfWork:
    """Start a unit of work for this request."""
    return database().uow()


def actor() -> Actor:
    """Return the signed-in staff member as a workflow actor."""
    return Actor(int(current_user.id), current_user.email, Role(current_user.role))


def policy() -> Policy:
    """Return the local policy in force: the app's POLICY setting, else the Cambs defaults."""
    return config.policy(current_app.config)


def client_address() -> str:
    """Return the client's address as the WSGI server saw it (a proxy must set ProxyFix)."""
    return request.remote_addr or "unknown"


def whole_number(text: str | None, default: int, maximum: int) -> int:
    """A count typed into a query string or form: ASCII digits only, at most `maximum`.

    `str.isdigit()` is true for "²" and for other scripts' digits, which int() then refuses or
    reads, and a thousand-digit number overflows the database: anything but plain digits is the
    default, and a number above `maximum` is `maximum`.
    """
    text = (text or "").strip()
    if not text or not text.isascii() or not text.isdigit():
        return default
    return min(int(text[:12]), maximum)
