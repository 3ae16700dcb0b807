"""axe-core on every page: the app's own URL map is walked, for every role that may see each page.

A GET route is either visited here (with realistic data, for each role its guard allows) or listed
in SKIPPED with the reason; a new page that is neither fails the test, so it cannot be missed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask, url_for
from playwright.sync_api import Browser, BrowserContext, Page
from sqlmodel import col, select

from app import create_app
from tests.factories import (
    PASSWORD,
    SYSTEM,
    actor_for,
    make_referral,
    make_user,
    new_referral,
    record_first_contact,
)
from tests.queue.builders import add_message
from tests.support.browser import check_axe, serve_app
from workflow.actors import Actor
from workflow.deadlines.working_time import LONDON
from workflow.inbound import proposals
from workflow.meetings import access, actions, sittings
from workflow.meetings import listing as listings
from workflow.meetings.calendar import SittingPattern
from workflow.models import Outbox, Referral, User, utcnow
from workflow.models.mail import Disposition, OutboxStatus
from workflow.models.referral import Consent, Instrument, Outcome, Pathway
from workflow.models.staff import Role
from workflow.policy import CAMBS
from workflow.record import review
from workflow.referrals import casework, notes
from workflow.referrals.casework import ConsentDecision
from workflow.referrals.receiving import NewAssessment, receive_referral
from workflow.store import lease, outbox
from workflow.store.db import Database
from workflow.web_referrals import referrer_confirmation

pytestmark = pytest.mark.browser
CAMBS_SITTINGS = SittingPattern()  # the settings' defaults

ANONYMOUS = "anonymous"
# Every rule still runs; only the passes are not listed node by node, which nearly halves the time.
AXE_OPTIONS = {"resultTypes": ["violations"]}
ROLES = (
    Role.COORDINATOR.value,
    Role.MANAGER.value,
    Role.IDVA.value,
    Role.ADMIN.value,
    Role.AGENCY.value,
)
# Pages any signed-in member of staff may use (views/security.py guards them by login alone).
ANY_STAFF = frozenset(
    {
        "staff.home",
        "auth.change_password",
        "auth.sessions_page",
        "two_factor.status",
        "two_factor.set_up",
    }
)
SKIPPED = {
    "static": "our CSS, JavaScript and images: files, not pages",
    "assets": "GOV.UK Frontend fonts and images: files, not pages",
    "health.healthz": "a load balancer's probe in fixed plain words, not a page: "
    "tests/web/test_health.py",
    "health.readyz": "a load balancer's probe in fixed plain words: tests/web/test_health.py",
    "auth.set_up": "needs a live one-time link mailed by a reset (and answers 404 without one): "
    "tests/web/test_accounts.py checks its page and its expiry",
    "two_factor.code": "the code step needs a right password a moment before: "
    "tests/browser/test_two_factor.py signs in through it and runs axe on it and its error",
    "staff.attachment_download": "sent as a download (Content-Disposition: attachment), never "
    "rendered; tests/queue/test_referral_page.py checks the headers",
    "staff.message_download": "the original .eml, sent as a download and never rendered",
    "referral_forms.page": "a public form page needs a draft in progress: "
    "tests/browser/test_referral_forms.py walks every page and error state with axe",
    "referral_forms.check": "check your answers of a draft: tests/browser/test_referral_forms.py",
    "referral_forms.done": "the confirmation after sending: tests/browser/test_referral_forms.py",
    "referral_forms.stopped": "the stop pages of the public forms: "
    "tests/browser/test_referral_forms.py",
}


@dataclass
class Desk:
    """The realistic data the pages show: who is who, and the ids each page is asked about."""

    emails: dict[str, str]
    referrals: dict[str, int]
    messages: dict[str, int]
    idva_referrals: list[int] = field(default_factory=list)
    user_ids: dict[str, int] = field(default_factory=dict)
    proposals: dict[str, int] = field(default_factory=dict)
    confirmation_tokens: list[str] = field(default_factory=list)
    meetings: dict[str, int] = field(default_factory=dict)


def _sdash(yes: int) -> dict[str, dict[str, Any]]:
    return {str(n): {"answer": "yes" if n <= yes else "no"} for n in range(1, 12)}


def _stalking(db: Database) -> Referral:
    new = new_referral(
        Pathway.STALKING_IDVA,
        dash_yes=12,
        victim_name="Priya Shah",
        reason_for_referral="Followed to work daily; unwanted gifts left at the door.",
    )
    new.assessments.append(NewAssessment(Instrument.S_DASH_11, _sdash(7)))
    with db.uow() as uow:
        return receive_referral(uow, SYSTEM, new, CAMBS)


def _dash(yes: int) -> dict[str, dict[str, Any]]:
    return {str(n): {"answer": "yes" if n <= yes else "no"} for n in range(1, 25)}


def _propose(db: Database, referral_id: int | None, message_id: int | None, yes: int) -> int:
    """A mailed DASH kept as a proposal; the one from a stranger needs its sender checked."""
    with db.uow() as uow:
        referral = uow.session.get(Referral, referral_id)
        assert referral is not None and message_id is not None
        checklist = NewAssessment(Instrument.SAFELIVES_DASH_24, _dash(yes))
        sender = "someone.unknown@gmail.com" if yes < 5 else "holly.martin@cambs.pnn.police.uk"
        proposals.propose(
            uow.session, SYSTEM, referral, message_id, sender, [checklist], [], yes >= 5
        )
        uow.commit()
    with db.uow() as uow:
        return max(p.id for p in proposals.waiting(uow.session, referral_id or 0))


def _seed(db: Database) -> Desk:
    users = {role: make_user(db, Role(role), f"{role}@desk.example.org") for role in ROLES}
    coordinator, idva = actor_for(users["coordinator"]), users["idva"]
    # A new MARAC referral read from a scanned form, two values still to check.
    fresh = make_referral(db, dash_yes=17, needs_review=["dash.answers.7", "victim.postcode"])
    message = add_message(
        db,
        fresh.id,
        attachments=[
            ("MARAC referral.pdf", "application/pdf", b"%PDF-1.7 scanned"),
            ("DASH.docx", "application/vnd.openxmlformats-officedocument", b"PK\x03\x04"),
        ],
        extraction={"needs_review": ["dash.answers.7", "victim.postcode"]},
    )
    # The same victim again within a year: a repeat MARAC, allocated, no contact made yet.
    repeat = make_referral(db, dash_yes=15, referrer_email="rob.carter@nhs.net")
    with db.uow() as uow:
        casework.check_consent(uow, coordinator, repeat.id, None, ConsentDecision(Consent.GIVEN))
    with db.uow() as uow:
        casework.allocate(uow, coordinator, repeat.id, None, idva.id or 0)
    # A stalking referral with an S-DASH, consent checked and allocated, with notes and contact.
    stalking = _stalking(db)
    with db.uow() as uow:
        casework.check_consent(uow, coordinator, stalking.id, None, ConsentDecision(Consent.GIVEN))
    with db.uow() as uow:
        casework.allocate(uow, coordinator, stalking.id, None, idva.id or 0)
    with db.uow() as uow:
        notes.add_note(uow, actor_for(idva), stalking.id, "Spoke to her; safe to text.", CAMBS)
    with db.uow() as uow:
        record_first_contact(uow, actor_for(idva), stalking.id, None)
    with db.uow() as uow:
        review.correct_field(
            uow, coordinator, stalking.id, None, "police_incidents_12m", "2", "Police log", CAMBS
        )
    # A closed referral, and one from an address not on the professional list.
    closed = make_referral(db, dash_yes=4, victim_name="Tom Reed")
    with db.uow() as uow:
        casework.close(uow, coordinator, closed.id, None, Outcome.NOT_ELIGIBLE, "Below threshold")
    unverified = make_referral(
        db,
        dash_yes=11,
        victim_name="Ana Silva",
        referrer_email="worried.friend@gmail.com",
        details={"referrer_unconfirmed": referrer_confirmation.WEB_FORM_REASON},
    )
    overdue = make_referral(
        db, dash_yes=20, victim_name="Kim Lowe", received_at=utcnow() - timedelta(days=9)
    )
    quarantined = add_message(
        db,
        None,
        Disposition.QUARANTINE,
        reason="An attachment could not be read: broken.docx is not a Word document.",
        extraction={"unreadable_parts": ["broken.docx"]},
        attachments=[("broken.docx", "application/octet-stream", b"not a zip")],
    )
    self_referral = add_message(db, None, Disposition.REJECT_SELF_REFERRAL)
    # Mailed updates waiting: one from the referrer, one from a stranger, one already rejected.
    waiting = _propose(db, fresh.id, message.id, 12)
    stranger = _propose(db, repeat.id, add_message(db, repeat.id, Disposition.UPDATE).id, 0)
    rejected = _propose(db, fresh.id, message.id, 2)
    with db.uow() as uow:
        stored = uow.session.get(Referral, fresh.id)
        assert stored is not None
        proposals.reject(uow, coordinator, fresh.id or 0, stored.version, rejected, "Not sent")
    # A web-form referrer's confirmation link: one waiting, one already used.
    with db.uow() as uow:
        stored = uow.session.get(Referral, unverified.id)
        assert stored is not None
        tokens = [referrer_confirmation.issue(uow.session, stored, "a@x.org") for _ in "ab"]
        uow.commit()
    with db.uow() as uow:
        referrer_confirmation.confirm(uow, tokens[1], CAMBS)
    with db.uow() as uow:
        failed = outbox.enqueue(
            uow.session,
            kind="allocation",
            to=["left.the.service@desk.example.org"],
            subject=f"Referral {stalking.reference} has been allocated to you",
            body_text="Sign in to read it.",
            referral_id=stalking.id,
        )
        assert isinstance(failed, Outbox)
        failed.status, failed.last_error = OutboxStatus.FAILED, "550 5.1.1 No such user"
        lease.job_started(uow.session, "send-reminders", "test", utcnow())
        lease.job_finished(uow.session, "send-reminders", utcnow(), {"reminders": 2})
        uow.commit()
    meetings = _marac(db, coordinator, repeat.id or 0, users["agency"].email)
    return Desk(
        meetings=meetings,
        emails={role: user.email for role, user in users.items()},
        user_ids={role: user.id or 0 for role, user in users.items()},
        referrals={
            "fresh": fresh.id or 0,
            "repeat": repeat.id or 0,
            "stalking": stalking.id or 0,
            "closed": closed.id or 0,
            "unverified": unverified.id or 0,
            "overdue": overdue.id or 0,
        },
        messages={
            "referral": message.id or 0,
            "quarantined": quarantined.id or 0,
            "self": self_referral.id or 0,
        },
        idva_referrals=[stalking.id or 0, repeat.id or 0],
        proposals={"waiting": waiting, "stranger": stranger, "rejected": rejected},
        confirmation_tokens=tokens,
    )


def _marac(db: Database, coordinator: Actor, heard_id: int, agency: str) -> dict[str, int]:
    """A sitting today: one case heard with an action, one listed, one adjourned."""
    today = datetime.now(LONDON).date()
    with db.uow() as uow:
        sitting = sittings.add_one_off(uow, coordinator, today, 5, "DCI Ward", today)
    found = {"sitting": sitting.id or 0}
    for name in ("heard", "listed", "adjourned"):
        if name == "heard":
            referral_id = heard_id
        else:
            referral_id = make_referral(db, dash_yes=19, victim_name=f"Lee {name.title()}").id or 0
            with db.uow() as uow:
                casework.check_consent(
                    uow, coordinator, referral_id, None, ConsentDecision(Consent.GIVEN)
                )
        with db.uow() as uow:
            listing = listings.list_referral(
                uow, coordinator, referral_id, None, CAMBS_SITTINGS, today, sitting.id
            )
        found[name], found[f"{name}_referral"] = listing.id or 0, referral_id
    with db.uow() as uow:
        actions.add_research(uow, coordinator, found["heard"], "Health", True, "Known: A&E")
    with db.uow() as uow:
        actions.record_hearing(
            uow, coordinator, found["heard"], None, "Escalating", "Agreed", today
        )
    with db.uow() as uow:
        new = actions.NewAction("Police", "Flag the address", today - timedelta(days=0))
        actions.add_action(uow, coordinator, found["heard"], None, new)
    with db.uow() as uow:
        listings.adjourn(
            uow,
            coordinator,
            found["adjourned"],
            None,
            "Police late",
            CAMBS_SITTINGS,
            today,
            relist=False,
        )
    # The agency representative: invited to today's sitting (statement accepted) and to
    # tomorrow's (the statement still to accept).
    with db.uow() as uow:
        later = sittings.add_one_off(uow, coordinator, today + timedelta(days=1), 5, "", today)
    found["later"] = later.id or 0
    for sitting_id in (found["sitting"], found["later"]):
        with db.uow() as uow:
            access.invite(uow, coordinator, sitting_id, agency, "Cambridgeshire Constabulary")
    with db.uow() as uow:
        rep = uow.session.exec(select(User).where(col(User.email) == agency)).one()
        access.accept_confidentiality(uow, actor_for(rep), found["sitting"], CAMBS_SITTINGS, today)
    return found


def _referrals(desk: Desk, role: str) -> list[dict[str, Any]]:
    ids = desk.idva_referrals if role == Role.IDVA.value else list(desk.referrals.values())
    return [{"referral_id": i} for i in ids]


def _open(desk: Desk, role: str) -> list[dict[str, Any]]:
    # Forms that act on an open referral: the new one, and the allocated one.
    return [{"referral_id": desk.referrals["fresh"]}, {"referral_id": desk.referrals["stalking"]}]


def _allocated(desk: Desk, role: str) -> list[dict[str, Any]]:
    # Contact pages: one allocated referral with first contact made, one without.
    return [{"referral_id": i} for i in desk.idva_referrals]


# Endpoint -> the URL values to visit it with, for a role.
Variants = Callable[[Desk, str], list[dict[str, Any]]]
VARIANTS: dict[str, Variants] = {
    "staff.queue": lambda d, r: [
        {},
        {"state": "received"},
        {"overdue": "1"},
        {"flag": "needs_review"},
        {"state": "closed"},
        {"pathway": "stalking_idva", "band": "high"},  # nothing found
        {"page": 99},
    ],
    "staff.referral": _referrals,
    "staff.referral_print": _referrals,
    "staff.caseload": lambda d, r: [{}],
    "staff.needs_a_person": lambda d, r: [{}],
    "staff.dealt_with": lambda d, r: [
        {"message_id": d.messages["quarantined"]},
        {"message_id": d.messages["self"]},
    ],
    "staff.home": lambda d, r: [{}],
    "intake.upload": lambda d, r: [{}],
    "intake.message": lambda d, r: [{"message_id": m} for m in d.messages.values()],
    "casework.consent": _open,
    "contact.record": _allocated,
    "contact.confirm_channel": _allocated,
    "contact.withdraw": _allocated,
    "casework.allocate": _open,
    "casework.close": _open,
    "casework.reopen": lambda d, r: [
        {"referral_id": d.referrals["closed"]},
        {"referral_id": d.referrals["fresh"]},  # open: says it cannot be reopened
    ],
    "casework.duplicate": _open,
    "casework.proposal": lambda d, r: [
        {"referral_id": d.referrals["fresh"], "proposal_id": d.proposals["waiting"]},
        {"referral_id": d.referrals["repeat"], "proposal_id": d.proposals["stranger"]},
        {"referral_id": d.referrals["fresh"], "proposal_id": d.proposals["rejected"]},
    ],
    "casework.note": lambda d, r: _referrals(d, r)[:1] if r == "idva" else _open(d, r),
    "casework.correct": lambda d, r: [
        {"referral_id": d.referrals["fresh"], "path": "dash.answers.7"},
        {"referral_id": d.referrals["fresh"], "path": "victim.postcode"},
        {"referral_id": d.referrals["fresh"], "path": "victim.date_of_birth"},
        {"referral_id": d.referrals["stalking"], "path": "stalking_screen.answers.3"},
    ],
    "agency.sittings": lambda d, r: [{}],
    "agency.agenda": lambda d, r: [
        {"sitting_id": d.meetings["sitting"]},
        {"sitting_id": d.meetings["later"]},
    ],
    "meetings.sittings_page": lambda d, r: [{}],
    "meetings.new_sitting": lambda d, r: [{}],
    "meetings.sitting": lambda d, r: [{"sitting_id": d.meetings["sitting"]}],
    "meetings.print_agenda": lambda d, r: [{"sitting_id": d.meetings["sitting"]}],
    "meetings.list_case": lambda d, r: [{"referral_id": d.meetings["adjourned_referral"]}],
    "meetings.case": lambda d, r: [
        {"listing_id": d.meetings[name]} for name in ("heard", "listed", "adjourned")
    ],
    "meetings.adjourn": lambda d, r: [{"listing_id": d.meetings["listed"]}],
    "meetings.relist": lambda d, r: [{"listing_id": d.meetings["adjourned"]}],
    "admin.users": lambda d, r: [{}],
    "admin.new_user": lambda d, r: [{}],
    "admin.account": lambda d, r: [{"user_id": d.user_ids["idva"]}],
    "accounts.overview": lambda d, r: [{}],
    "admin.referrer_domains_page": lambda d, r: [{}],
    "auth.change_password": lambda d, r: [{}],
    "auth.sessions_page": lambda d, r: [{}],
    "two_factor.status": lambda d, r: [{}],
    "two_factor.set_up": lambda d, r: [{}],
    "auth.login": lambda d, r: [{}],
    "referral_forms.index": lambda d, r: [{}],
    "referrer_confirmation.confirm": lambda d, r: [{"token": d.confirmation_tokens[0]}],
    "referral_forms.start": lambda d, r: [{"kind": "marac"}, {"kind": "stalking"}],
}


@dataclass(frozen=True)
class ErrorPage:
    """A page that must refuse, and how its refusal looks."""

    role: str
    path: Callable[[Desk], str]
    status: int


ERRORS = (
    ErrorPage(ANONYMOUS, lambda d: "/no-such-page", 404),
    ErrorPage(ANONYMOUS, lambda d: f"/confirm-referrer/{d.confirmation_tokens[1]}", 410),
    ErrorPage("coordinator", lambda d: "/referrals/999999", 404),
    ErrorPage("coordinator", lambda d: "/intake/messages/999999", 404),
    ErrorPage("coordinator", lambda d: f"/referrals/{d.referrals['fresh']}/correct/no.such", 404),
    ErrorPage("idva", lambda d: "/queue", 403),
    ErrorPage("idva", lambda d: f"/referrals/{d.referrals['fresh']}", 403),
    ErrorPage("admin", lambda d: f"/referrals/{d.referrals['fresh']}", 403),
    ErrorPage("manager", lambda d: "/admin/users", 403),
)


def _roles(app: Flask, endpoint: str) -> tuple[str, ...]:
    view = app.view_functions[endpoint]
    if getattr(view, "is_public", False):
        return (ANONYMOUS,)
    if endpoint in ANY_STAFF:
        return ROLES
    return tuple(getattr(view, "allowed_roles", ()))


def _get_endpoints(app: Flask) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}


@pytest.fixture
def live(committed_database: Database) -> Iterator[tuple[Flask, str, Desk]]:
    app: Flask = create_app(
        {
            "DATABASE_URL": committed_database.url,
            "SECRET_KEY": "browser-test-secret-key",
            "BASE_URL": "http://desk.example",
        }
    )
    app.extensions["database"] = committed_database
    desk = _seed(committed_database)
    with serve_app(app) as base_url:
        yield app, base_url, desk


def _signed_in(chromium: Browser, base_url: str, email: str | None) -> BrowserContext:
    context = chromium.new_context()
    if email is not None:
        page = context.new_page()
        page.goto(base_url + "/sign-in")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert "/sign-in" not in page.url, f"{email} could not sign in"
        page.close()
    return context


def _visit(page: Page, url: str, status: int, failures: list[str]) -> None:
    response = page.goto(url)
    if response is None or response.status != status:
        got = response.status if response else "no response"
        failures.append(f"{url}: expected {status}, got {got}")
        return
    if "/sign-in" in page.url and "/sign-in" not in url:
        failures.append(f"{url}: sent to sign in")
        return
    try:
        check_axe(page, AXE_OPTIONS)
    except AssertionError as violation:
        failures.append(str(violation))


def _urls(app: Flask, endpoint: str, values: list[dict[str, Any]]) -> list[str]:
    with app.test_request_context():
        return [url_for(endpoint, **v) for v in values]


def test_every_staff_page_has_no_axe_violations_for_every_role_that_may_see_it(
    live: tuple[Flask, str, Desk], chromium: Browser
) -> None:
    app, base_url, desk = live
    endpoints = _get_endpoints(app)
    stale = set(SKIPPED) - endpoints
    assert not stale, f"SKIPPED names routes that no longer exist: {sorted(stale)}"
    unplanned = endpoints - set(SKIPPED) - set(VARIANTS)
    assert not unplanned, f"GET routes neither visited nor skipped with a reason: {unplanned}"

    plan: dict[str, list[str]] = {}  # role -> the URLs it visits
    for endpoint in sorted(endpoints - set(SKIPPED)):
        roles = _roles(app, endpoint)
        assert roles, f"{endpoint} declares no role that may see it"
        for role in roles:
            urls = _urls(app, endpoint, VARIANTS[endpoint](desk, role))
            assert urls, f"{endpoint} has nothing to visit as {role}"
            plan.setdefault(role, []).extend(urls)

    failures: list[str] = []
    visited = 0
    for role in (ANONYMOUS, *ROLES):
        context = _signed_in(chromium, base_url, None if role == ANONYMOUS else desk.emails[role])
        try:
            page = context.new_page()
            for url in plan.get(role, []):
                _visit(page, base_url + url, 200, failures)
                visited += 1
            for error in (e for e in ERRORS if e.role == role):
                _visit(page, base_url + error.path(desk), error.status, failures)
                visited += 1
        finally:
            context.close()
    assert not failures, "\n".join(failures)
    assert visited >= 60  # every role's pages, not a walk that quietly visited nothing
