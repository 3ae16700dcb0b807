"""Settings from the environment (docs/contract.md), with safe development defaults."""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from workflow.meetings.calendar import (
    HEARD_WITHIN_WORKING_DAYS,
    MINUTES_WORKING_DAYS,
    sitting_pattern,
)
from workflow.policy import CAMBS, Policy

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"


class ConfigurationError(RuntimeError):
    """The service refuses to start with an unsafe or incomplete configuration."""


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _development_secret(instance: Path) -> str:
    """Keep a generated key in instance/ so development sessions survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the settings: environment first, then `overrides` (tests, commands)."""
    env = os.environ
    production = env.get("APP_ENV", "development") == "production"
    settings: dict[str, Any] = {
        "PRODUCTION": production,
        "SECRET_KEY": env.get("SECRET_KEY"),
        "DATABASE_URL": env.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'referrals.sqlite3'}"),
        # Migrations run as the tables' owner (this URL, default DATABASE_URL); with
        # DATABASE_APP_ROLE set, `flask db upgrade` then grants that role (the one DATABASE_URL
        # signs in as) row access only: it cannot alter tables, drop the audit trail's triggers,
        # or change, delete or truncate audit rows (workflow/store/db_roles.py).
        "MIGRATION_DATABASE_URL": env.get("MIGRATION_DATABASE_URL", ""),
        "DATABASE_APP_ROLE": env.get("DATABASE_APP_ROLE", ""),
        "IMAP_HOST": env.get("IMAP_HOST"),
        "IMAP_PORT": _env_int("IMAP_PORT", 0) or None,
        "IMAP_USERNAME": env.get("IMAP_USERNAME"),
        "IMAP_PASSWORD": env.get("IMAP_PASSWORD"),
        "IMAP_SECURITY": env.get("IMAP_SECURITY", "ssl"),
        "IMAP_FOLDER": env.get("IMAP_FOLDER", "INBOX"),
        "IMAP_PROCESSED_FOLDER": env.get("IMAP_PROCESSED_FOLDER", "Processed"),
        "IMAP_QUARANTINE_FOLDER": env.get("IMAP_QUARANTINE_FOLDER", "Quarantine"),
        "SMTP_HOST": env.get("SMTP_HOST"),
        "SMTP_PORT": _env_int("SMTP_PORT", 0) or None,
        "SMTP_USERNAME": env.get("SMTP_USERNAME"),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD"),
        "SMTP_SECURITY": env.get("SMTP_SECURITY", "starttls"),
        "MAIL_FROM": env.get("MAIL_FROM", "referrals@localhost"),
        "POLL_INTERVAL_SECONDS": _env_int("POLL_INTERVAL_SECONDS", 60),
        "REMINDER_INTERVAL_SECONDS": _env_int("REMINDER_INTERVAL_SECONDS", 300),
        "OUTBOX_INTERVAL_SECONDS": _env_int("OUTBOX_INTERVAL_SECONDS", 30),
        # Reminders before allocation go here (comma-separated); unset: each active coordinator.
        "COORDINATORS_EMAIL": env.get("COORDINATORS_EMAIL", ""),
        # Tuning the mail jobs; read where they are used (mailbox/poller.py, mailbox/outbound.py).
        "IMAP_TIMEOUT_SECONDS": _env_int("IMAP_TIMEOUT_SECONDS", 30),
        "IMAP_BACKOFF_SECONDS": _env_int("IMAP_BACKOFF_SECONDS", 30),
        "IMAP_BATCH": _env_int("IMAP_BATCH", 50),
        "SMTP_BACKOFF_SECONDS": _env_int("SMTP_BACKOFF_SECONDS", 60),
        # How long a dead scheduler (or polling cycle) blocks the next one: a live holder renews
        # its lease every third of this, and another process takes over once it has expired.
        "SCHEDULER_LEASE_SECONDS": _env_int("SCHEDULER_LEASE_SECONDS", 90),
        "IMAP_LEASE_SECONDS": _env_int("IMAP_LEASE_SECONDS", 300),
        "MAX_ATTACHMENT_BYTES": _env_int("MAX_ATTACHMENT_BYTES", 25 * 1024 * 1024),
        # A message larger than this (RFC822.SIZE) is moved to quarantine unfetched (poller.py).
        "IMAP_MAX_MESSAGE_BYTES": _env_int("IMAP_MAX_MESSAGE_BYTES", 50 * 1024 * 1024),
        # Reading one message takes at most this long (in a child process), else it is
        # quarantined; 0 reads in the calling process with no limit (mailbox/ingest.py).
        "PARSE_TIMEOUT_SECONDS": _env_int("PARSE_TIMEOUT_SECONDS", 60),
        # The reading child's address-space limit (mailbox/worker.py): a bomb fails there alone.
        "READER_MEMORY_BYTES": _env_int("READER_MEMORY_BYTES", 2 * 1024**3),
        # clamd's socket (a path, or host:port) for a virus scan on arrival (mailbox/clamav.py).
        "CLAMD_SOCKET": env.get("CLAMD_SOCKET", ""),
        # The authserv-id of the server that receives the referrals mailbox's mail: only its
        # Authentication-Results header is believed (workflow/inbound/sender_authentication.py), and
        # mail it did not authenticate (SPF, DKIM or DMARC aligned with From:) is an unknown sender.
        "TRUSTED_AUTHSERV_ID": env.get("TRUSTED_AUTHSERV_ID", "").strip(),
        # The public referral forms (views/referral_forms.py): how long an unused draft is kept,
        # and how many referrals one client address may start and send in an hour.
        # A draft's key is a browser cookie that lasts no longer than the draft; on a computer
        # the referrer says is shared, only until the browser closes, and the draft itself
        # lasts REFERRAL_SHARED_DRAFT_MINUTES unused.
        "REFERRAL_DRAFT_HOURS": _env_int("REFERRAL_DRAFT_HOURS", 24),
        "REFERRAL_SHARED_DRAFT_MINUTES": _env_int("REFERRAL_SHARED_DRAFT_MINUTES", 30),
        "REFERRAL_STARTS_PER_HOUR": _env_int("REFERRAL_STARTS_PER_HOUR", 60),
        "REFERRAL_SENDS_PER_HOUR": _env_int("REFERRAL_SENDS_PER_HOUR", 30),
        # The referrals mailbox referrers may send a form to instead (the leaflet's address),
        # shown on the form start pages; unset: not shown.
        "REFERRALS_MAILBOX_ADDRESS": env.get("REFERRALS_MAILBOX_ADDRESS", "").strip(),
        # MARAC sittings (workflow/meetings/calendar.py): the recurring pattern is a setting
        # because the Cambs pattern in docs/domain.md is still to be confirmed. Sittings fall on
        # MARAC_SITTING_WEEKDAY every MARAC_SITTING_EVERY_WEEKS weeks in step with
        # MARAC_SITTING_FIRST_DATE (one known sitting); bank holidays are skipped.
        "MARAC_SITTING_WEEKDAY": env.get("MARAC_SITTING_WEEKDAY", "tuesday"),
        "MARAC_SITTING_EVERY_WEEKS": _env_int("MARAC_SITTING_EVERY_WEEKS", 2),
        "MARAC_SITTING_FIRST_DATE": env.get("MARAC_SITTING_FIRST_DATE", "2026-01-06"),
        "MARAC_SITTING_CAPACITY": _env_int("MARAC_SITTING_CAPACITY", 15),
        "MARAC_SITTING_CHAIR": env.get("MARAC_SITTING_CHAIR", "").strip(),
        # Agency representatives see a sitting's agenda from this many working days before it
        # until this many days after it.
        "MARAC_AGENDA_RELEASE_WORKING_DAYS": _env_int("MARAC_AGENDA_RELEASE_WORKING_DAYS", 5),
        "MARAC_AGENCY_ACCESS_DAYS_AFTER": _env_int("MARAC_AGENCY_ACCESS_DAYS_AFTER", 7),
        # After a hearing the minutes and action plan reach the invited agencies within this
        # many working days, else the reminder job tells the coordinator (docs/domain.md).
        "MARAC_MINUTES_WORKING_DAYS": _env_int("MARAC_MINUTES_WORKING_DAYS", MINUTES_WORKING_DAYS),
        # A MARAC referral not heard this many working days after it was received is flagged
        # in the queue (workflow/meetings/follow_up.py).
        "MARAC_HEARD_WITHIN_WORKING_DAYS": _env_int(
            "MARAC_HEARD_WITHIN_WORKING_DAYS", HEARD_WITHIN_WORKING_DAYS
        ),
        "BASE_URL": env.get("BASE_URL", "http://127.0.0.1:5000"),
        "SESSION_IDLE_MINUTES": _env_int("SESSION_IDLE_MINUTES", 15),
        "SESSION_ABSOLUTE_HOURS": _env_int("SESSION_ABSOLUTE_HOURS", 10),
        # Staff sign in with a second factor (workflow/staff/two_factor.py); one setting for the
        # whole service. Off, staff may still set it up for themselves.
        "REQUIRE_TWO_FACTOR": env.get("REQUIRE_TWO_FACTOR", "1" if production else "0") == "1",
        "BEHIND_TLS": env.get("BEHIND_TLS", "1" if production else "0") == "1",
        # Proxies in front of the app whose X-Forwarded-For/-Proto are trusted (app.py). Behind
        # nginx every client is 127.0.0.1 to gunicorn, so without this the sign-in and referral
        # limits would count the whole county as one address. 0: no proxy, headers ignored.
        "PROXY_HOPS": _env_int("PROXY_HOPS", 1 if production else 0),
        "DEBUG": env.get("FLASK_DEBUG") == "1",
        # The scheduler's and gunicorn's log level (logs.py); DEBUG shows idle cycles too.
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO").upper(),
    }
    settings.update(overrides or {})
    _check(settings)
    return settings


def policy(settings: Mapping[str, Any]) -> Policy:
    """Return the local policy in force: the POLICY setting (a `Policy`, set by whoever builds
    the app), else the Cambs defaults (docs/domain.md). The one place that look-up is written."""
    configured: Policy | None = settings.get("POLICY")
    return configured or CAMBS


def _check(settings: dict[str, Any]) -> None:
    if settings["PRODUCTION"]:
        if not settings["SECRET_KEY"]:
            raise ConfigurationError("SECRET_KEY must be set in production.")
        if settings["DEBUG"]:
            raise ConfigurationError("Debug mode must be off in production.")
    elif not settings["SECRET_KEY"]:
        settings["SECRET_KEY"] = _development_secret(INSTANCE)
    try:
        sitting_pattern(settings)
    except ValueError as error:
        raise ConfigurationError(f"MARAC sittings: {error}") from None
    if settings["IMAP_SECURITY"] not in ("ssl", "starttls", "none"):
        raise ConfigurationError("IMAP_SECURITY must be ssl, starttls or none.")
    if settings["IMAP_SECURITY"] == "none" and settings["IMAP_HOST"] not in (
        None,
        "127.0.0.1",
        "localhost",
        "::1",
    ):
        raise ConfigurationError("IMAP_SECURITY=none is allowed only for a loopback host.")
