"""Referral form submissions per second under concurrent load, beside a minimal page.

Not a test. Run from the repository root with PostgreSQL on 127.0.0.1:5432:
    .venv/bin/python -m benchmarks.form_submit_speed [--clients 8] [--rounds 5]
        [--workers 4] [--threads 1]
Starts gunicorn over a throwaway PostgreSQL database, with the production settings
(deploy/gunicorn.conf.py: WEB_CONCURRENCY sync workers, 4 by default, its logging) unless
--workers or --threads say otherwise. Each client is a referrer, with their own session and
their own email address, filling in the MARAC form (17 pages: the DASH, and the stalking
questions its Q8 Yes calls for). Every round all clients fill in a draft at once, then all press
Send at once; the send phase gives submissions per second. The baseline is the referral landing
page (a template, no database) on the same server and load.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from commands.db import upgrade
from tests.forms.answers import marac
from tests.support.postgres import ADMIN_URL, create_database, drop_database

ROOT = Path(__file__).resolve().parents[1]
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_SUBMIT = re.compile(r'name="submit_token" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Time a POST on its own: its redirect is reported, not followed."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Referrer:
    """One browser: a cookie jar, and timings of what it sent."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.csrf = ""

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return str(response.read().decode())

    def post(self, path: str, data: dict[str, Any]) -> str:
        """Post a form; return where the server redirects to ("" when it shows a page)."""
        body = urllib.parse.urlencode({**data, "csrf_token": self.csrf}, doseq=True).encode()
        try:
            with self.opener.open(self.base + path, body, timeout=60) as response:
                response.read()
                return ""
        except urllib.error.HTTPError as redirect:
            if redirect.code != 302:
                raise
            return str(redirect.headers["Location"])

    def fill(self, pages: dict[str, dict[str, Any]], timings: list[float]) -> str:
        """Start a MARAC draft, save every page, and return the check page's submit token."""
        found = _CSRF.search(self.get("/refer/marac"))
        self.csrf = found.group(1) if found else ""
        self.post("/refer/marac/start", {})
        for slug, data in pages.items():
            started = time.perf_counter()
            landed = self.post(f"/refer/marac/{slug}", data)
            timings.append(time.perf_counter() - started)
            if not landed:
                raise RuntimeError(f"page {slug} was refused")
        found = _SUBMIT.search(self.get("/refer/marac/check"))
        if not found:
            raise RuntimeError("no submit token on the check page")
        return found.group(1)

    def send(self, submit_token: str, timings: list[float]) -> None:
        started = time.perf_counter()
        landed = self.post("/refer/marac/check", {"submit_token": submit_token})
        timings.append(time.perf_counter() - started)
        if not landed.endswith("/done"):
            raise RuntimeError(f"send landed on {landed}")


def together(clients: list[Referrer], work: Callable[[int, Referrer], None]) -> float:
    """Run work(i, client) on every client at once; return the wall time until all finish."""
    errors: list[BaseException] = []

    def run(i: int, client: Referrer) -> None:
        try:
            work(i, client)
        except BaseException as error:  # reported after the phase
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


def _as_referrer(pages: dict[str, dict[str, Any]], i: int) -> dict[str, dict[str, Any]]:
    """The pages as referrer i fills them in: eight referrers are eight people, each with their
    own address (one shared address would make every send wait on one acknowledgement limit)."""
    return {
        slug: {**data, "referrer_email": f"referrer.{i}@cambs.pnn.police.uk"}
        if "referrer_email" in data
        else data
        for slug, data in pages.items()
    }


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def line(name: str, count: int, seconds: float, timings: list[float], unit: str) -> str:
    return (
        f"{name:<34} {count / seconds:8.1f} {unit:<14} p50 {percentile(timings, 50):7.1f} ms  "
        f"p99 {percentile(timings, 99):7.1f} ms  (n={len(timings)})"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(url: str, port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    limits = "{'REFERRAL_STARTS_PER_HOUR': 10**9, 'REFERRAL_SENDS_PER_HOUR': 10**9}"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "benchmark-only-secret"}
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        f"--config={ROOT / 'deploy' / 'gunicorn.conf.py'}",
        f"--workers={workers}",
        f"--threads={threads}",
        f"--bind=127.0.0.1:{port}",
        f"app:create_app({limits.replace('10**9', '1000000000')})",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/refer/", timeout=1).read()
            return server
        except OSError:
            time.sleep(0.05)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def server_cpu(server: subprocess.Popen[bytes]) -> float:
    """Return the CPU seconds (user and system) the gunicorn workers have used so far.

    The machine may be shared, so wall times move with other people's load; the CPU a send
    costs the server does not. Linux only (/proc); 0.0 where it cannot be read.
    """
    total = 0
    try:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    except OSError:
        return 0.0
    return total / os.sysconf("SC_CLK_TCK")


def load() -> str:
    """The machine's load averages, printed beside the times they colour."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def benchmark(url: str, clients_n: int, rounds: int, workers: int, threads: int) -> None:
    port = free_port()
    server = start_gunicorn(url, port, workers, threads)
    try:
        base = f"http://127.0.0.1:{port}"
        clients = [Referrer(base) for _ in range(clients_n)]
        minimal: list[float] = []

        def browse(_i: int, client: Referrer) -> None:
            for _ in range(rounds * 15):
                started = time.perf_counter()
                client.get("/refer/")
                minimal.append(time.perf_counter() - started)

        minimal_wall = together(clients, browse)
        saves: list[float] = []
        sends: list[float] = []
        save_wall = send_wall = save_cpu = send_cpu = 0.0
        bursts: list[float] = []
        load_before = load()
        tokens = [""] * clients_n
        for round_no in range(rounds):
            pages = marac(yes=14 + round_no % 4)

            def fill(i: int, client: Referrer, pages: dict[str, Any] = pages) -> None:
                tokens[i] = client.fill(_as_referrer(pages, i), saves)

            def send(i: int, client: Referrer) -> None:
                client.send(tokens[i], sends)

            cpu = server_cpu(server)
            save_wall += together(clients, fill)
            save_cpu += server_cpu(server) - cpu
            cpu = server_cpu(server)
            bursts.append(together(clients, send))
            send_cpu += server_cpu(server) - cpu
        send_wall = sum(bursts)
    finally:
        server.terminate()
        server.wait(timeout=30)
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        stored = connection.execute(sa.text("select count(*) from referral")).scalar_one()
    engine.dispose()
    print(
        f"form_submit_speed: gunicorn {workers} workers x {threads} threads, PostgreSQL, "
        f"{clients_n} concurrent referrers, {rounds} rounds (MARAC form, {len(marac())} pages"
        " with the DASH and the stalking questions); "
        "times are round trips without following redirects"
    )
    print(line("minimal page GET /refer/", len(minimal), minimal_wall, minimal, "req/s"))
    print(line("page save POST /refer/marac/<page>", len(saves), save_wall, saves, "req/s"))
    print(line("send POST /refer/marac/check", len(sends), send_wall, sends, "submissions/s"))
    print(
        f"server CPU (gunicorn workers, user+system): per page save "
        f"{save_cpu / len(saves) * 1000:.1f} ms, per send {send_cpu / len(sends) * 1000:.1f} ms; "
        f"a burst of {clients_n} simultaneous sends took "
        f"{', '.join(f'{b:.2f}' for b in bursts)} s; "
        f"load average before {load_before}, after {load()}"
    )
    base_p50 = percentile(minimal, 50)
    print(
        f"ratio to the minimal page (p50): page save {percentile(saves, 50) / base_p50:.1f}x, "
        f"send {percentile(sends, 50) / base_p50:.1f}x; "
        f"referrals stored {stored} of {clients_n * rounds} sent (exactly once: "
        f"{'yes' if stored == clients_n * rounds else 'NO'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "4")))
    parser.add_argument("--threads", type=int, default=1)  # production's sync workers
    parser.add_argument("--admin-url", default=os.environ.get("TEST_PG_ADMIN_URL", ADMIN_URL))
    args = parser.parse_args()
    url = create_database(args.admin_url)
    try:
        upgrade(url)
        benchmark(url, args.clients, args.rounds, args.workers, args.threads)
    finally:
        drop_database(args.admin_url, url)


if __name__ == "__main__":
    sys.exit(main())
