"""Debian's Chromium driven by Playwright (sync API), axe-core checks, and a served Flask app.

with serve_app(app) as base_url, sync_playwright() as pw:
    browser = launch_chromium(pw)
    page = browser.new_page()
    page.goto(base_url + "/")
    check_axe(page)
    browser.close()
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, Playwright
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = "/usr/bin/chromium"
INSTALL_HINT = "apt-get install -y chromium chromium-driver"
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# For root in a closed network: without the background-networking flags
# Chromium keeps trying to reach Google's hosts.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_chromium(playwright: Playwright, **kwargs: Any) -> Browser:
    """Start /usr/bin/chromium (never a Playwright-downloaded browser)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"Chromium is not installed ({CHROMIUM} missing): {INSTALL_HINT}")
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, **kwargs
    )


def check_axe(page: Page, options: dict[str, Any] | None = None) -> None:
    """Run axe-core on the page as it is now; fail listing every violation and its elements.

    The service's CSP refuses inline and injected script tags (bypass_csp does not survive the
    process swap Cross-Origin-Opener-Policy causes), so axe is evaluated through the DevTools
    protocol, which the page's CSP does not govern.
    """
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} is missing: run scripts/setup (npm ci)")
    page.wait_for_load_state()
    page.evaluate("src => { if (!window.axe) { (0, eval)(src); } }", AXE_JS.read_text())
    results = page.evaluate("options => axe.run(document, options)", options or {})
    violations = results["violations"]
    if violations:
        lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
        for v in violations:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"]:
                lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}")
        raise AssertionError("\n".join(lines))


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@contextmanager
def serve_app(app: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve a WSGI app (e.g. a Flask app) on a free loopback port in a background thread;
    yields its base URL, e.g. "http://127.0.0.1:41234"."""
    server = make_server(host, 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="wsgi", daemon=True
    )
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
