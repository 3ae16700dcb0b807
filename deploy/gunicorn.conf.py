"""gunicorn settings for the referral desk's web processes (`gunicorn -c deploy/gunicorn.conf.py`).

Run from the repository root (systemd's WorkingDirectory). The settings themselves come from
the environment file (referrals.env.example); these are only the web server's.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # our `logs` and `mailbox` before anything installed

import logs  # noqa: E402  (needs the path above)

wsgi_app = "app:create_app()"
chdir = str(ROOT)
# nginx reaches this address; on a second host, its private address.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
timeout = 60  # nginx's proxy_read_timeout: a worker stuck longer is replaced
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then; the jitter keeps them from all going at once
max_requests_jitter = 200
# Only nginx on this host may say which scheme and client a request came with.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips
# Logs: JSON lines on stderr (journald keeps them), access lines without query strings.
logconfig_dict = logs.config_dict(os.environ.get("LOG_LEVEL", "INFO").upper())
umask = 0o077
# No `gunicornc` control socket: unused, and two gunicorns on one host would share its path.
control_socket_disable = True
