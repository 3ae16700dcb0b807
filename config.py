"""Settings from the environment (docs/contract.md), with safe development defaults.

`Settings` is the one typed list of them, each default written once; `load()` builds it from the
environment and hands the application a plain mapping of the same names in capitals. Code given
only some settings (a command, a test) falls back on `DEFAULTS`, never on a number of its own.
"""

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from mailbox.safety import DEFAULT_MAX_ATTACHMENT_BYTES
from mailbox.worker import DEFAULT_MEMORY_BYTES
from workflow.meetings.calendar import (
    HEARD_WITHIN_WORKING_DAYS,
    MINUTES_WORKING_DAYS,
    sitting_pattern,
)
from workflow.policy import CAMBS, Policy

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"
_STRIP = {"strip": True}  # surrounding spaces pasted into an environment file mean nothing


class ConfigurationError(RuntimeError):
    """The service refuses to start with an unsafe or incomplete configuration."""


@dataclass(frozen=True)
class Settings:
    """Every setting, typed, with its default; the environment variable is the name in capitals."""

    production: bool = False  # APP_ENV=production
    secret_key: str | None = None
    database_url: str = f"sqlite:///{INSTANCE / 'referrals.sqlite3'}"
    # Migrations run as the tables' owner (this URL, default DATABASE_URL); with
    # DATABASE_APP_ROLE set, `flask db upgrade` then grants that role (the one DATABASE_URL
    # signs in as) row access only: it cannot alter tables, drop the audit trail's triggers,
    # or change, delete or truncate audit rows (workflow/store/db_roles.py).
    migration_database_url: str = ""
    database_app_role: str = ""
    imap_host: str | None = None
    imap_port: int | None = None
    imap_username: str | None = None
    imap_password: str | None = None
    imap_security: str = "ssl"
    imap_folder: str = "INBOX"
    imap_processed_folder: str = "Processed"
    imap_quarantine_folder: str = "Quarantine"
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_security: str = "starttls"
    mail_from: str = "referrals@localhost"
    poll_interval_seconds: int = 60
    reminder_interval_seconds: int = 300
    outbox_interval_seconds: int = 30
    # Reminders before allocation go here (comma-separated); unset: each active coordinator.
    coordinators_email: str = ""
    # Tuning the mail jobs; read where they are used (mailbox/poller.py, mailbox/outbound.py).
    imap_timeout_seconds: int = 30
    imap_backoff_seconds: int = 30
    imap_batch: int = 50
    smtp_backoff_seconds: int = 60
    # How long a dead scheduler (or polling cycle) blocks the next one: a live holder renews
    # its lease every third of this, and another process takes over once it has expired.
    scheduler_lease_seconds: int = 90
    imap_lease_seconds: int = 300
    # The readers' own limits, kept beside them (their child process imports nothing else).
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES
    # A message larger than this (RFC822.SIZE) is moved to quarantine unfetched (poller.py).
    imap_max_message_bytes: int = 50 * 1024 * 1024
    # Reading one message takes at most this long (in a child process), else it is
    # quarantined; 0 reads in the calling process with no limit (mailbox/ingest.py).
    parse_timeout_seconds: int = 60
    # The reading child's address-space limit (mailbox/worker.py): a bomb fails there alone.
    reader_memory_bytes: int = DEFAULT_MEMORY_BYTES
    # clamd's socket (a path, or host:port) for a virus scan on arrival (mailbox/clamav.py).
    clamd_socket: str = ""
    # The authserv-id of the server that receives the referrals mailbox's mail: only its
    # Authentication-Results header is believed (workflow/inbound/sender_authentication.py), and
    # mail it did not authenticate (SPF, DKIM or DMARC aligned with From:) is an unknown sender.
    trusted_authserv_id: str = field(default="", metadata=_STRIP)
    # The public referral forms (views/referral_forms.py): how long an unused draft is kept,
    # and how many referrals one client address may start and send in an hour.
    # A draft's key is a browser cookie that lasts no longer than the draft; on a computer
    # the referrer says is shared, only until the browser closes, and the draft itself
    # lasts REFERRAL_SHARED_DRAFT_MINUTES unused.
    referral_draft_hours: int = 24
    referral_shared_draft_minutes: int = 30
    referral_starts_per_hour: int = 60
    referral_sends_per_hour: int = 30
    # The referrals mailbox referrers may send a form to instead (the leaflet's address),
    # shown on the form start pages; unset: not shown.
    referrals_mailbox_address: str = field(default="", metadata=_STRIP)
    # MARAC sittings (workflow/meetings/calendar.py): the recurring pattern is a setting
    # because the Cambs pattern in docs/domain.md is still to be confirmed. Sittings fall on
    # MARAC_SITTING_WEEKDAY every MARAC_SITTING_EVERY_WEEKS weeks in step with
    # MARAC_SITTING_FIRST_DATE (one known sitting); bank holidays are skipped.
    marac_sitting_weekday: str = "tuesday"
    marac_sitting_every_weeks: int = 2
    marac_sitting_first_date: str = "2026-01-06"
    marac_sitting_capacity: int = 15
    marac_sitting_chair: str = field(default="", metadata=_STRIP)
    # Agency representatives see a sitting's agenda from this many working days before it
    # until this many days after it.
    marac_agenda_release_working_days: int = 5
    marac_agency_access_days_after: int = 7
    # After a hearing the minutes and action plan reach the invited agencies within this
    # many working days, else the reminder job tells the coordinator (docs/domain.md).
    marac_minutes_working_days: int = MINUTES_WORKING_DAYS
    # A MARAC referral not heard this many working days after it was received is flagged
    # in the queue (workflow/meetings/follow_up.py).
    marac_heard_within_working_days: int = HEARD_WITHIN_WORKING_DAYS
    base_url: str = "http://127.0.0.1:5000"
    session_idle_minutes: int = 15
    session_absolute_hours: int = 10
    # Staff sign in with a second factor (workflow/staff/two_factor.py); one setting for the
    # whole service. Off, staff may still set it up for themselves. Default: on in production.
    require_two_factor: bool = False
    behind_tls: bool = False  # default: on in production
    # Proxies in front of the app whose X-Forwarded-For/-Proto are trusted (app.py). Behind
    # nginx every client is 127.0.0.1 to gunicorn, so without this the sign-in and referral
    # limits would count the whole county as one address. 0: no proxy, headers ignored.
    # Default: 1 in production.
    proxy_hops: int = 0
    debug: bool = False  # FLASK_DEBUG=1
    # The scheduler's and gunicorn's log level (logs.py); DEBUG shows idle cycles too.
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "Settings":
        """Read every setting from `env`; an unset one keeps its default."""
        production = env.get("APP_ENV", "development") == "production"
        read = {f.name: _read(env, f.name.upper(), f.default, f.metadata) for f in fields(cls)}
        return cls(
            **{
                **read,
                "production": production,
                "require_two_factor": env.get("REQUIRE_TWO_FACTOR", _flag(production)) == "1",
                "behind_tls": env.get("BEHIND_TLS", _flag(production)) == "1",
                "proxy_hops": _env_int(env, "PROXY_HOPS", 1 if production else 0),
                "debug": env.get("FLASK_DEBUG") == "1",
                "log_level": str(read["log_level"]).upper(),
            }
        )

    def as_config(self) -> dict[str, Any]:
        """Return the settings as the application's config holds them: names in capitals."""
        return {f.name.upper(): getattr(self, f.name) for f in fields(self)}


DEFAULTS = Settings()


def _flag(on: bool) -> str:
    return "1" if on else "0"


def _env_int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name)
    return int(value) if value else default


def _read(env: Mapping[str, str], name: str, default: Any, metadata: Mapping[str, Any]) -> Any:
    if isinstance(default, bool):
        return default  # the flags' defaults depend on APP_ENV: Settings.from_env reads them
    if name.endswith("_PORT"):  # unset or 0: the security's usual port
        return _env_int(env, name, 0) or None
    if isinstance(default, int):
        return _env_int(env, name, default)
    value = env.get(name, default)
    return value.strip() if value is not None and metadata.get("strip") else value


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
    settings = Settings.from_env(os.environ).as_config()
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
