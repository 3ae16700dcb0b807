"""`/healthz` (the process answers) and `/readyz` (it can serve), for a load balancer or monitor.

No sign-in, no session, no personal data: the answers are fixed words (workflow/store/readiness.py).
"""

from datetime import timedelta
from functools import cache
from typing import Any

from flask import Blueprint, current_app

from commands.db import migration_heads
from views import deps
from views.security import public
from workflow.models import utcnow
from workflow.store import readiness

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@public
def healthz() -> Any:
    return {"status": "ok"}


@bp.get("/readyz")
@public
def readyz() -> Any:
    with deps.uow() as uow:
        answer = readiness.check(uow.session, utcnow(), _heads(), _poll_stale_after())
    body = {"status": "ready" if answer.ready else "not ready", "checks": answer.checks}
    return body, 200 if answer.ready else 503


@cache
def _heads() -> set[str]:
    return migration_heads()


def _poll_stale_after() -> timedelta | None:
    config = current_app.config
    if not config.get("IMAP_HOST"):
        return None
    # Three missed cycles (or five minutes, whichever is longer) before a monitor should care.
    seconds = max(3 * config["POLL_INTERVAL_SECONDS"] + config["IMAP_TIMEOUT_SECONDS"], 300)
    return timedelta(seconds=seconds)
