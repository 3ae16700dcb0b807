"""Logs are one JSON object per line, and the access log keeps no query string nor Referer."""

import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

import logs

SEARCH = "/queue?q=Jane+Victim-Name"


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """These tests configure logging for the process: put it back for the tests after them."""
    names = ["", "scheduler", "gunicorn.error", logs.ACCESS_LOGGER]
    names += ["alembic", "apscheduler", "sqlalchemy", "imapclient"]
    saved = {n: (logging.getLogger(n).handlers[:], logging.getLogger(n).level) for n in names}
    propagate = {n: logging.getLogger(n).propagate for n in names}
    yield
    for name, (handlers, level) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers, logger.level, logger.propagate = handlers, level, propagate[name]


def _lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_an_event_is_one_json_line(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure("INFO")
    logging.getLogger("scheduler").info("%s finished: %s", "send-outbox", {"sent": 2})
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("scheduler").exception("send-outbox failed")
    first, second = _lines(capsys.readouterr().err)
    assert first["event"] == "send-outbox finished: {'sent': 2}"
    assert (first["level"], first["logger"]) == ("info", "scheduler")
    assert "RuntimeError: boom" in str(second["exception"])


def test_libraries_that_would_log_personal_data_stay_at_warning_even_at_debug() -> None:
    logs.configure("DEBUG")
    for name in ("sqlalchemy.engine.Engine", "imapclient.imaplib", "apscheduler.scheduler"):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO), name


def test_gunicorns_access_log_drops_the_query_string_and_referer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = Config()
    config.set("logconfig_dict", logs.config_dict("INFO"))
    logger = Logger(config)
    path, query = SEARCH.split("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": SEARCH,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://referrals.example.org{SEARCH}",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=42))
    err = capsys.readouterr()
    [line] = _lines(err.err)
    assert line == {
        **line,
        "event": "request",
        "method": "GET",
        "path": "/queue",
        "status": 200,
        "bytes": 512,
        "duration_ms": 42,
    }
    assert "Victim" not in err.err + err.out
