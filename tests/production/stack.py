"""The production layout on one machine, from deploy/: nginx (TLS) in front of two gunicorns on
different ports (as two hosts would be), two `flask run-scheduler` processes, PostgreSQL, Dovecot
and the SMTP sink, all with APP_ENV=production. Each process logs to a file of its own, so a
test can read (and scan) every line the service wrote.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from tests.support.dovecot import DovecotServer
from tests.support.net import free_port
from tests.support.nginx import REPO, NginxServer
from tests.support.smtp import SmtpServer

BIN = Path(sys.executable).parent
T = TypeVar("T")

# Short cycles and leases, so a takeover happens within seconds (production: 60/300/30/90/300).
FAST = {
    "POLL_INTERVAL_SECONDS": "1",
    "REMINDER_INTERVAL_SECONDS": "2",
    "OUTBOX_INTERVAL_SECONDS": "1",
    "SCHEDULER_LEASE_SECONDS": "3",
    "IMAP_LEASE_SECONDS": "5",
}


def wait_until(what: str, check: Callable[[], T | None], timeout: float = 30.0) -> T:
    """Poll `check` until it returns something truthy; fail with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.2)


def unit_command(unit: str) -> list[str]:
    """The ExecStart of deploy/systemd/UNIT.service, with this checkout in place of /srv/referrals
    (and this virtualenv in place of its .venv)."""
    text = (REPO / "deploy" / "systemd" / f"{unit}.service").read_text()
    command = re.search(r"^ExecStart=(.+)$", text, re.MULTILINE)
    assert command, f"{unit}.service has no ExecStart"
    words = shlex.split(command.group(1))
    program = words[0].removeprefix("/srv/referrals/.venv/bin/")
    assert program != words[0], f"{unit}.service no longer runs from /srv/referrals/.venv"
    return [str(BIN / program), *words[1:]]


def environment_file() -> dict[str, str]:
    """The settings deploy/referrals.env.example sets (its commented lines are defaults)."""
    text = (REPO / "deploy" / "referrals.env.example").read_text()
    return dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", text, re.MULTILINE))


def _get(url: str) -> tuple[int, bytes]:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    try:
        with urllib.request.urlopen(url, context=context, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:  # refused, reset or timed out: not answering (yet)
        return 0, b""


def _answers(base_url: str) -> bool:
    return _get(base_url + "/healthz")[0] == 200


@dataclass
class Process:
    """One service process, its log file, and its process group (killed whole)."""

    name: str
    command: list[str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self, env: dict[str, str]) -> Process:
        with open(self.log, "ab") as out:
            self.popen = subprocess.Popen(
                self.command,
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                start_new_session=True,
            )
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Stop the whole process group at once, as a crash or a power cut would."""
        if self.running():
            os.killpg(self.pid, sig)
        if self.popen is not None:
            self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.running():
            os.killpg(self.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)  # type: ignore[union-attr]
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Stack:
    """Everything running; `env` is the environment file the services were given."""

    database_url: str
    logs: Path
    dovecot: DovecotServer = field(default_factory=DovecotServer)
    smtp: SmtpServer = field(default_factory=SmtpServer)
    web: list[Process] = field(default_factory=list)
    schedulers: list[Process] = field(default_factory=list)
    nginx: NginxServer | None = None
    env: dict[str, str] = field(default_factory=dict)

    def start(self) -> Stack:
        self.dovecot.start()
        self.smtp.start()
        ports = [free_port(), free_port()]
        self.nginx = NginxServer(upstreams=[f"127.0.0.1:{port}" for port in ports])
        self.env = self._environment(self.nginx.base_url)
        for n, port in enumerate(ports, start=1):
            web = Process(f"web-{n}", unit_command("referrals-web"), self.logs / f"web-{n}.log")
            self.web.append(web.start({**self.env, "GUNICORN_BIND": f"127.0.0.1:{port}"}))
        for n in (1, 2):
            command = unit_command("referrals-scheduler")
            process = Process(f"scheduler-{n}", command, self.logs / f"scheduler-{n}.log")
            self.schedulers.append(process.start(self.env))
        for port in ports:  # each worker imports the whole app first: seconds on a busy machine
            wait_until(f"gunicorn on {port}", lambda p=port: _answers(f"http://127.0.0.1:{p}"), 90)
        self.nginx.start()
        return self

    def _environment(self, base_url: str) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "HOME", "TZ")}
        return {
            **keep,
            **environment_file(),  # the operator's template, then this machine's values
            "SMTP_USERNAME": "",  # the sink takes mail without a login
            "SMTP_PASSWORD": "",
            "APP_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": self.database_url,
            "BASE_URL": base_url,
            "LOG_LEVEL": "DEBUG",  # the most a service can say: still no personal data
            "WEB_CONCURRENCY": "2",
            **self.dovecot.env(),
            **self.smtp.env(),
            **FAST,
        }

    @property
    def base_url(self) -> str:
        assert self.nginx is not None
        return self.nginx.base_url

    def get(self, path: str) -> tuple[int, bytes]:
        """GET through nginx over https (the test's own certificate is not checked)."""
        return _get(self.base_url + path)

    def scheduler_by_pid(self, pid: int) -> Process:
        return next(p for p in self.schedulers if p.pid == pid)

    def all_logs(self) -> str:
        """Every line every process wrote: web, schedulers, nginx (access and error)."""
        texts = [p.read_text(errors="replace") for p in sorted(self.logs.glob("*.log"))]
        return "".join(texts) + (self.nginx.log() if self.nginx else "")

    def stop(self) -> None:
        for process in [*self.schedulers, *self.web]:
            process.stop()
        if self.nginx is not None:
            self.nginx.stop()
        self.smtp.stop()
        self.dovecot.stop()
