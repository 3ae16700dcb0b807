"""One JSON line per event on stderr, for the web (gunicorn) and the scheduler alike.

What is logged is events and counts, never a person: messages say what happened to which
referral id or job, and the access log keeps the method, the path without its query string (a
queue search would put a name there), the status and the time taken. No Referer, no user agent.
"""

import json
import logging
from datetime import UTC, datetime
from logging.config import dictConfig
from typing import Any

ACCESS_LOGGER = "gunicorn.access"
# gunicorn's access atoms kept in the access log line, and their names there.
ACCESS_FIELDS = {"m": "method", "U": "path", "s": "status", "B": "bytes", "M": "duration_ms"}


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if record.name == ACCESS_LOGGER and isinstance(record.args, dict):
            line.update(_access(record.args))
        else:
            line["event"] = record.getMessage()
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def _access(atoms: dict[str, Any]) -> dict[str, Any]:
    fields = {name: atoms.get(atom) for atom, name in ACCESS_FIELDS.items()}
    fields["status"] = int(fields["status"]) if str(fields["status"]).isdigit() else None
    return {"event": "request", **fields}


def config_dict(level: str = "INFO") -> dict[str, Any]:
    """Return the logging configuration: every logger to stderr as JSON lines."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": handler},
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            **{
                name: {"level": "INFO", "handlers": ["stderr"], "propagate": False}
                for name in ("gunicorn.error", ACCESS_LOGGER)
            },
            # Alembic announces each of its plugins when /readyz first reads the migrations;
            # APScheduler says "Running job" every cycle. Below WARNING, SQLAlchemy would log
            # result rows and IMAPClient the protocol, both full of victims' details.
            **{
                name: {"level": "WARNING"}
                for name in ("alembic", "apscheduler", "sqlalchemy", "imapclient")
            },
        },
    }


def configure(level: str = "INFO") -> None:
    """Send this process's logs to stderr as JSON lines."""
    dictConfig(config_dict(level))
