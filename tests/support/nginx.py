"""Debian's nginx running deploy/nginx/referrals.conf itself, on loopback ports, with TLS.

The site file is the one operators install; only its `EDIT` values (ports, names, certificate,
paths, upstream servers) are swapped for the test's. A substitution that finds nothing fails,
so the test cannot drift from the file.

with NginxServer(upstreams=["127.0.0.1:8001", "127.0.0.1:8002"]) as nginx:
    nginx.base_url  # https://localhost:PORT
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from tests.support.net import free_port, wait_for_port

NGINX = "/usr/sbin/nginx"
INSTALL_HINT = "apt-get install -y nginx-light"
REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "deploy" / "nginx" / "referrals.conf"

MAIN = """\
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/logs/error.log warn;
{user}
events {{ worker_connections 256; }}
http {{
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  client_body_temp_path {root}/tmp/body;
  proxy_temp_path {root}/tmp/proxy;
  fastcgi_temp_path {root}/tmp/fastcgi;
  uwsgi_temp_path {root}/tmp/uwsgi;
  scgi_temp_path {root}/tmp/scgi;
  include {root}/site.conf;
}}
"""


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """Write a self-signed certificate and key for localhost / 127.0.0.1; return their paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def _swap(text: str, old: str, new: str) -> str:
    if old not in text:
        raise AssertionError(f"deploy/nginx/referrals.conf no longer has {old!r}")
    return text.replace(old, new)


def render_site(
    root: Path, https_port: int, http_port: int, upstreams: list[str], cert: Path, key: Path
) -> str:
    """Return the deploy site with the test's values in place of its `EDIT` ones."""
    text = SITE.read_text()
    servers = "\n    ".join(f"server {u} max_fails=1 fail_timeout=10s;" for u in upstreams)
    for old, new in [
        ("server 127.0.0.1:8000 max_fails=1 fail_timeout=10s;  # EDIT", servers),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("server_name referrals.example.org;", "server_name localhost;"),
        ("/etc/ssl/referrals/fullchain.pem", str(cert)),
        ("/etc/ssl/referrals/privkey.pem", str(key)),
        ("/var/log/nginx/", f"{root}/logs/"),
        ("/srv/referrals/static/", f"{REPO}/static/"),
    ]:
        text = _swap(text, old, new)
    return text


class NginxServer:
    """nginx in the foreground with the deploy site, terminating TLS for `upstreams`."""

    host = "localhost"

    def __init__(self, upstreams: list[str]) -> None:
        if not Path(NGINX).exists():
            raise RuntimeError(f"nginx is not installed ({NGINX} missing): {INSTALL_HINT}")
        self.upstreams = upstreams
        self.root: Path | None = None
        # Chosen now, so the service's BASE_URL can name the address before nginx starts.
        self.https_port, self.http_port = free_port(), free_port()
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"https://{self.host}:{self.https_port}"

    def write_config(self) -> Path:
        """Lay out the prefix (certificate, logs, temp dirs) and write nginx.conf; return it."""
        self.root = Path(tempfile.mkdtemp(prefix="nginx-"))
        for sub in ("logs", "tmp"):
            (self.root / sub).mkdir()
        cert, key = make_certificate(self.root)
        site = render_site(self.root, self.https_port, self.http_port, self.upstreams, cert, key)
        (self.root / "site.conf").write_text(site)
        # As root, nginx's workers would become `nobody` and could not use the temp folder.
        user = "user root;" if os.getuid() == 0 else ""
        config = self.root / "nginx.conf"
        config.write_text(MAIN.format(root=self.root, user=user))
        return config

    def _command(self, config: Path) -> list[str]:
        return [NGINX, "-p", str(self.root), "-e", f"{self.root}/logs/error.log", "-c", str(config)]

    def check(self) -> str:
        """Run `nginx -t` on the configuration; return its output (raises if it is refused)."""
        config = self.write_config()
        done = subprocess.run(
            [*self._command(config), "-t"], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"nginx -t refused the deploy site:\n{done.stderr}")
        return done.stderr

    def start(self, timeout: float = 10.0) -> NginxServer:
        config = self.write_config()
        assert self.root is not None
        with open(self.root / "logs" / "stderr.log", "wb") as stderr:
            self._proc = subprocess.Popen(
                [*self._command(config), "-g", "daemon off;"],
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not wait_for_port("127.0.0.1", self.https_port, 0.2):
            if self._proc.poll() is not None or time.monotonic() > deadline:
                log = self.log()
                self.stop()
                raise RuntimeError(f"nginx did not start:\n{log}")
            time.sleep(0.05)
        return self

    def log(self) -> str:
        """nginx's error log, access log and stderr."""
        if self.root is None:
            return "(stopped)"
        return "".join(p.read_text(errors="replace") for p in sorted(self.root.glob("logs/*")))

    def stop(self) -> None:
        if self._proc is not None:
            if self._proc.poll() is None:
                os.killpg(self._proc.pid, signal.SIGTERM)
                try:
                    self._proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    os.killpg(self._proc.pid, signal.SIGKILL)
                    self._proc.wait()
            self._proc = None
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self) -> NginxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
