"""A real Dovecot IMAP server for tests, on a free loopback port, with its own config and maildir.

with DovecotServer() as imap:
    client = IMAPClient(imap.host, port=imap.port, ssl=False)
    client.login(imap.user, imap.password)
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from tests.support.net import free_port

DOVECOT = "/usr/sbin/dovecot"
INSTALL_HINT = "apt-get install -y dovecot-imapd"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
{first_valid_uid}
mail_location = maildir:{root}/mail/%n
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = {root}/users
}}
userdb {{
  driver = passwd-file
  args = {root}/users
  default_fields = uid={uid} gid={gid} home={root}/home/%n
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


def _greets(host: str, port: int) -> bool:
    """True once the server answers with its IMAP greeting (listening and auth ready)."""
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            return sock.recv(100).startswith(b"* OK")
    except OSError:
        return False


def _unprivileged(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise RuntimeError(f"running Dovecot as root needs a `{name}` user") from None


class DovecotServer:
    """Start with start() (or `with`), stop with stop(). One user: `referrals` / `secret`."""

    host = "127.0.0.1"

    def __init__(self, user: str = "referrals", password: str = "secret") -> None:
        if not Path(DOVECOT).exists():
            raise RuntimeError(f"Dovecot is not installed ({DOVECOT} missing): {INSTALL_HINT}")
        self.user = user
        self.password = password
        self.port = 0
        self.root: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10.0) -> DovecotServer:
        self.root = Path(tempfile.mkdtemp(prefix="dovecot-"))
        self.root.chmod(0o755)  # as root, Dovecot's login and mail processes are other users
        for sub in ("run", "state", "mail", "home"):
            (self.root / sub).mkdir()
        (self.root / "users").write_text(f"{self.user}:{{PLAIN}}{self.password}::::::\n")
        me = pwd.getpwuid(os.getuid())
        login, mail = me, me
        if me.pw_uid == 0:  # Dovecot runs neither imap-login nor imap as root
            login, mail = _unprivileged("dovenull"), _unprivileged("nobody")
            for sub in ("mail", "home"):
                os.chown(self.root / sub, mail.pw_uid, mail.pw_gid)
        self.port = free_port()
        config = self.root / "dovecot.conf"
        config.write_text(
            CONFIG.format(
                root=self.root,
                port=self.port,
                login_user=login.pw_name,
                internal_user=me.pw_name,
                internal_group=grp.getgrgid(me.pw_gid).gr_name,
                uid=mail.pw_uid,
                gid=mail.pw_gid,
                first_valid_uid="first_valid_uid = 0" if mail.pw_uid < 500 else "",
            )
        )
        self._launch(config, timeout)
        return self

    def _launch(self, config: Path, timeout: float) -> None:
        assert self.root is not None
        with open(self.root / "stderr.log", "ab") as stderr:
            self._proc = subprocess.Popen(
                [DOVECOT, "-F", "-c", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not _greets(self.host, self.port):
            if self._proc.poll() is not None or time.monotonic() > deadline:
                log = self.log()
                self.stop()
                raise RuntimeError(f"Dovecot did not start on port {self.port}:\n{log}")
            time.sleep(0.02)

    def crash(self) -> None:
        """Kill the server (master and children at once), keeping its mail for restart()."""
        if self._proc is not None and self._proc.poll() is None:
            os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait()

    def restart(self, timeout: float = 10.0) -> None:
        """Start the crashed server again on the same port with the same mail."""
        assert self.root is not None
        self._launch(self.root / "dovecot.conf", timeout)

    def env(self) -> dict[str, str]:
        """Settings (docs/contract.md) that point the service at this server."""
        return {
            "IMAP_HOST": self.host,
            "IMAP_PORT": str(self.port),
            "IMAP_USERNAME": self.user,
            "IMAP_PASSWORD": self.password,
            "IMAP_SECURITY": "none",
        }

    def log(self) -> str:
        """What Dovecot wrote to its log and to stderr (config errors land there)."""
        if self.root is None:
            return "(stopped)"
        paths = [self.root / "stderr.log", self.root / "dovecot.log"]
        return "".join(p.read_text(errors="replace") for p in paths if p.exists())

    def stop(self) -> None:
        if self._proc is not None:
            # SIGTERM makes Dovecot wait about a second for its children; the mail is thrown
            # away anyway, so kill the whole process group (master and children) at once.
            if self._proc.poll() is None:
                os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait()
            self._proc = None
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self) -> DovecotServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
