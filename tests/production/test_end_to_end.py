"""Production, proven end to end, in Chromium over https (PostgreSQL only: it is the production
database, and pg_dump is half the backup rehearsal).

deploy/'s nginx site terminates TLS (a certificate made now) in front of two gunicorns on
different ports; two `flask run-scheduler` processes share the lease; Dovecot holds the
referrals mailbox; the SMTP sink takes the reminder; APP_ENV=production throughout. A referrer
sends both forms, a DASH arrives by mail, a coordinator sets up two-factor sign-in at first
sign-in (a code computed here, as an authenticator app would) and finds, checks and allocates,
the IDVA (set up the same way) sees the case, the reminder goes out; mid-way one gunicorn and
the active scheduler are killed and nothing is lost or done twice. No log line names a victim.
Then the database is backed up with pg_dump, restored into a new one, and the app started on
the copy finds everything.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlmodel import col, select

from commands.db import upgrade
from tests.browser.test_referral_forms import click, fill_page, save
from tests.factories import PASSWORD, make_user, totp_code
from tests.forms.answers import STALKING, marac
from tests.ingest.support import deliver, message, msgid, referral_form
from tests.mailbox.builders import DOCX_TYPE
from tests.production.backup import rehearse_restore
from tests.production.stack import Stack, wait_until
from tests.support.nginx import REPO
from tests.support.postgres import ADMIN_URL, create_database, drop_database
from workflow.models import InboundMessage, Referral, ReminderSent
from workflow.models.scheduling import SchedulerLease
from workflow.models.staff import Role
from workflow.store.db import Database

pytestmark = pytest.mark.browser

SERVICE = "Stalking, Harassment and MARAC Referrals"
ONLY_ON_POSTGRESQL = (
    "the production end-to-end test runs in the PostgreSQL pass (scripts/test, or "
    "pytest --db=postgresql): production runs on PostgreSQL and the backup uses pg_dump"
)
# Names no other fixture uses, so finding one in a log can only be a leak from this run.
VICTIMS = {
    "stalking": "Orla Quennell-Stalk",
    "marac": "Petra Vantongeren",
    "mail-1": "Wilhelmina Ostrander",
    "mail-2": "Rosalind Featherstonehaugh",
}


@dataclass
class Production:
    stack: Stack
    database: Database
    admin_url: str
    references: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


@pytest.fixture(scope="module")
def production(db_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Production]:
    if db_backend != "postgresql":
        pytest.skip(ONLY_ON_POSTGRESQL)
    admin_url = os.environ.get("TEST_PG_ADMIN_URL", ADMIN_URL)
    url = create_database(admin_url)
    database = Database(url)
    stack = Stack(url, tmp_path_factory.mktemp("production-logs"))
    try:
        upgrade(url)
        yield Production(stack.start(), database, admin_url)
    finally:
        stack.stop()
        database.bind.dispose()  # type: ignore[union-attr]
        drop_database(admin_url, url)


# --- In the browser -----------------------------------------------------------------------------


# Seven processes share the machine's two CPUs with the browser: allow a slow page.
PATIENCE_MS = 30_000


def _browser(chromium: Browser) -> BrowserContext:
    context = chromium.new_context(ignore_https_errors=True)  # the certificate made for this run
    context.set_default_timeout(PATIENCE_MS)
    return context


def _title(page: Page, start: str) -> None:
    expect(page).to_have_title(re.compile("^" + re.escape(start)), timeout=PATIENCE_MS)


def _send(page: Page, answers: dict[str, dict[str, object]], victim: str) -> str:
    click(page, page.get_by_role("button", name="Start now"))
    for slug, data in answers.items():
        fill_page(page, {**data, "victim_name": victim} if slug == "victim" else data)
        save(page)
    _title(page, "Check your answers")
    click(page, page.get_by_role("button", name="Send referral"))
    _title(page, "Referral sent")
    return page.locator("#reference").inner_text().strip()


def _sign_in(page: Page, base_url: str, email: str, landing: str) -> None:
    """A first sign-in in production: the password, then setting up two-factor sign-in (it is
    required there) with the key the page shows and a code computed as an authenticator app
    would, then the recovery codes, and on to the page the person came for."""
    page.goto(base_url + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    _title(page, "Set up two-factor sign-in")
    secret = page.locator("#secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your app").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    _title(page, "Save your recovery codes")
    expect(page.locator("#recovery-codes li")).to_have_count(10, timeout=PATIENCE_MS)
    page.get_by_role("button", name="I have saved my recovery codes").click()
    _title(page, landing)


def _find(page: Page, victim: str, reference: str) -> None:
    page.get_by_role("link", name="Queue", exact=True).click()
    _title(page, "Referral queue")
    page.get_by_label("Search by reference").fill(victim)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 referral found by the search")).to_be_visible(timeout=PATIENCE_MS)
    page.get_by_role("link", name=reference).click()
    _title(page, f"Referral {reference}")


def _check_consent_and_allocate(page: Page, reference: str, idva: str) -> None:
    page.get_by_role("link", name="Check consent", exact=True).click()
    _title(page, "Check consent")
    page.get_by_label("Yes, consent given").check()
    page.get_by_role("button", name="Record consent check").click()
    _title(page, f"Referral {reference}")
    expect(page.get_by_text("Consent check recorded.")).to_be_visible(timeout=PATIENCE_MS)
    page.get_by_role("link", name="Allocate", exact=True).click()
    _title(page, "Allocate")
    # Each IDVA is offered with their open caseload, e.g. "Ivy Idva (0 open referrals)".
    choice = page.locator("#idva option", has_text=idva).first.get_attribute("value")
    page.get_by_label("IDVA", exact=True).select_option(value=choice)
    today = datetime.now(ZoneInfo("Europe/London")).date()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Allocate").click()
    _title(page, f"Referral {reference}")
    expect(page.get_by_text(f"Allocated to {idva}")).to_be_visible(timeout=PATIENCE_MS)


# --- In the database and the logs -------------------------------------------------------------


def _referrals_named(database: Database, victim: str) -> list[Referral]:
    with database.uow() as uow:
        return list(uow.session.exec(select(Referral).where(Referral.victim_name == victim)))


def _lease_holder_pid(database: Database) -> int | None:
    with database.uow() as uow:
        lease = uow.session.get(SchedulerLease, "scheduler")
        return int(lease.holder.split(":")[1]) if lease else None


def _mailed_dash(n: int, victim: str) -> bytes:
    form = referral_form(victim)
    return message(n, attachments=[(f"MARAC referral {n}.docx", form, DOCX_TYPE)])


def _upstreams_that_served(stack: Stack, path: str) -> set[str]:
    assert stack.nginx is not None and stack.nginx.root is not None
    lines = (stack.nginx.root / "logs" / "referrals-access.log").read_text().splitlines()
    served = [json.loads(line) for line in lines]
    return {s["upstream"] for s in served if s["path"] == path and s["status"] == 200}


def _nginx_redirects_http_and_serves_static_files(stack: Stack) -> None:
    assert stack.nginx is not None
    plain = http.client.HTTPConnection("127.0.0.1", stack.nginx.http_port, timeout=10)
    plain.request("GET", "/sign-in", headers={"Host": "localhost"})
    moved = plain.getresponse()
    assert (moved.status, moved.getheader("Location")) == (301, "https://localhost/sign-in")
    plain.close()
    status, css = stack.get("/static/css/app.css")
    assert status == 200 and css == (REPO / "static" / "css" / "app.css").read_bytes()
    assert _upstreams_that_served(stack, "/static/css/app.css") == {""}  # nginx, from disk


# --- The tests --------------------------------------------------------------------------------


def test_production_end_to_end(production: Production, chromium: Browser) -> None:
    stack, database, timings = production.stack, production.database, production.timings
    base = stack.base_url
    begun = time.monotonic()

    def lap(name: str) -> None:
        timings[name] = round(time.monotonic() - begun, 1)

    wait_until("/readyz to answer 200 through nginx", lambda: stack.get("/readyz")[0] == 200, 60)
    assert stack.get("/healthz")[0] == 200
    _nginx_redirects_http_and_serves_static_files(stack)
    lap("ready")
    make_user(database, Role.COORDINATOR, name="Cara Coordinator")
    make_user(database, Role.IDVA, name="Ivy Idva")

    # A referrer sends both forms over https (each POST with Origin, none with a Referer).
    referrer = _browser(chromium)
    page = referrer.new_page()
    page.goto(base + "/refer/stalking")
    stalking = _send(page, STALKING, VICTIMS["stalking"])
    page.goto(base + "/refer/marac")
    maraca = _send(page, marac(17), VICTIMS["marac"])
    referrer.close()
    production.references.update(stalking=stalking, marac=maraca)
    lap("two public referrals sent")

    deliver(stack.dovecot, _mailed_dash(1, VICTIMS["mail-1"]))
    wait_until(
        "the mailed DASH to be read", lambda: _referrals_named(database, VICTIMS["mail-1"]), 60
    )
    lap("mailed DASH ingested")

    desk = _browser(chromium)
    page = desk.new_page()
    _sign_in(page, base, "coordinator@example.org", "Referral queue")
    _find(page, VICTIMS["stalking"], stalking)
    referral_path = re.sub(r"^https://[^/]+", "", page.url)
    for _ in range(8):  # nginx takes turns: the one session is good on both gunicorns
        if len(_upstreams_that_served(stack, referral_path)) == 2:
            break
        page.reload()
        _title(page, f"Referral {stalking}")
    assert len(_upstreams_that_served(stack, referral_path)) == 2
    lap("coordinator signed in, session on both gunicorns")

    # Mid-way: one gunicorn and the scheduler that holds the lease die, as in a crash.
    active_pid = wait_until("a scheduler to hold the lease", lambda: _lease_holder_pid(database))
    active = stack.scheduler_by_pid(active_pid)
    waiting = next(p for p in stack.schedulers if p is not active)
    stack.web[0].kill()
    active.kill()
    deliver(stack.dovecot, _mailed_dash(2, VICTIMS["mail-2"]))
    lap("killed web-1 and the active scheduler")

    _find(page, VICTIMS["marac"], maraca)  # the same session, on the surviving gunicorn
    _check_consent_and_allocate(page, maraca, "Ivy Idva")
    lap("consent checked and allocated")
    wait_until(
        "the waiting scheduler to take over and read the second DASH",
        lambda: _referrals_named(database, VICTIMS["mail-2"]),
        timeout=60,
    )
    assert _lease_holder_pid(database) == waiting.pid
    lap("second DASH ingested by the other scheduler")

    caseload = _browser(chromium)
    idva_page = caseload.new_page()
    _sign_in(idva_page, base, "idva@example.org", "My caseload")
    idva_page.get_by_role("link", name=maraca).click()
    _title(idva_page, f"Referral {maraca}")
    expect(idva_page.get_by_text(VICTIMS["marac"]).first).to_be_visible(timeout=PATIENCE_MS)
    caseload.close()
    desk.close()
    lap("IDVA sees the case")

    # The allocated referral's first contact falls overdue: the reminder job mails the IDVA.
    with database.uow() as uow:
        uow.session.execute(
            sa.update(Referral)
            .where(col(Referral.reference) == maraca)
            .values(due_at=sa.func.now() - sa.text("interval '1 hour'"))
        )
        uow.commit()

    def reminders() -> list[str]:
        subjects = [m.message["Subject"] for m in stack.smtp.messages]
        return [s for s in subjects if s.endswith(f"for referral {maraca}")]

    wait_until("the reminder for the overdue referral", reminders, 60)
    time.sleep(3)  # more reminder and outbox cycles: still one
    assert len(reminders()) == 1
    lap("reminder mailed")

    # Nothing lost, nothing done twice.
    for victim in VICTIMS.values():
        assert len(_referrals_named(database, victim)) == 1, victim
    with database.uow() as uow:
        ids = list(uow.session.exec(select(InboundMessage.message_id)))
        sent = list(uow.session.exec(select(ReminderSent)))
    assert sorted(ids) == sorted([msgid(1), msgid(2)])
    assert len(sent) == 1
    mails = [(m.message["Subject"], tuple(m.rcpt_tos)) for m in stack.smtp.messages]
    assert len(mails) == len(set(mails)), mails  # no mail sent twice across the takeover
    assert stack.get("/readyz")[0] == 200  # one gunicorn and one scheduler are enough

    # The logs: one JSON object per line, and not one victim's name.
    logs = stack.all_logs()
    for victim in VICTIMS.values():
        # Whole words only: "Petra" is in "/refer/marac/perpetrator".
        for part in (victim, *re.split(r"[ -]", victim)):
            assert not re.search(rf"\b{re.escape(part)}\b", logs, re.I), f"{part!r} is in the logs"
    for process in [*stack.web, *stack.schedulers]:
        for line in process.log.read_text().splitlines():
            assert json.loads(line)["event"], f"{process.name}: {line}"
    lap("logs scanned")
    print(f"\nproduction end-to-end timings (s): {timings}")


def test_a_backup_restores_every_referral_message_and_audit_row(
    production: Production, tmp_path_factory: pytest.TempPathFactory
) -> None:
    report = rehearse_restore(
        production.stack.database_url, production.admin_url, tmp_path_factory.mktemp("backup")
    )
    assert report.original == report.restored
    assert report.original.referrals >= 4 and report.original.audit_rows > 0
    print(f"\nbackup rehearsal: {report}")
