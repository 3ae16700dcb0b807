"""A MARAC sitting's agenda with 30 cases over 100,000 referrals on PostgreSQL, beside the bare SQL.

Not a test. Run from the repository root (PostgreSQL on 127.0.0.1:5432, trust auth):
    .venv/bin/python -m benchmarks.agenda_speed [--rows 100000] [--runs 40] [--admin-url URL]

It creates a throwaway database, migrates it, loads the referrals benchmarks/queue_speed.py loads,
adds a history of past sittings (25 cases each, heard, with research and actions), then lists 30
open MARAC referrals on today's sitting through the real use cases, with research from two
agencies, and invites an agency representative who has accepted the confidentiality statement.
It times three pages through the real app (signed in, rendered, each look audited): the
coordinator's sitting page (the agenda, attendance, invitations), the printed agenda, and the
case list the agency representative sees. The floor for each is the SQL that page runs, captured
from one request and replayed on a bare psycopg cursor. Target (issue 18): p95 under 150 ms.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import sqlalchemy as sa
from flask.testing import FlaskClient

from app import create_app
from benchmarks.queue_speed import PASSWORD, Captured, load, percentiles, timed
from commands.db import upgrade
from tests.support.postgres import ADMIN_URL, _libpq, create_database, drop_database
from workflow.actors import Actor
from workflow.deadlines.working_time import LONDON
from workflow.meetings import access, actions, sittings
from workflow.meetings import listing as listings
from workflow.meetings.calendar import SittingPattern
from workflow.meetings.models import AgencyResearch, MaracAction, MaracListing, MaracSitting
from workflow.models import Referral, User
from workflow.models.staff import Role
from workflow.staff.sign_in import create_user
from workflow.store.db import Database

CASES = 30
PAST_SITTINGS = 60
PER_PAST_SITTING = 25


def _history(database: Database) -> None:
    """Past sittings of closed MARAC referrals, heard, with research and an action each."""
    today = datetime.now(LONDON).date()
    with database.bind.begin() as connection:  # type: ignore[union-attr]
        closed = [
            row[0]
            for row in connection.execute(
                sa.select(Referral.id)  # type: ignore[call-overload]
                .where(Referral.state == "closed", Referral.pathway == "marac")
                .order_by(Referral.id)
                .limit(PAST_SITTINGS * PER_PAST_SITTING)
            )
        ]
        now = datetime.now(UTC)
        for n in range(PAST_SITTINGS):
            day = today - timedelta(days=14 * (n + 1))
            sitting_id = connection.execute(
                sa.insert(MaracSitting.__table__)  # type: ignore[attr-defined]
                .values(
                    sits_on=day, capacity=30, chair="", one_off=True, created_at=now, updated_at=now
                )
                .returning(sa.column("id"))
            ).scalar_one()
            ids = closed[n * PER_PAST_SITTING : (n + 1) * PER_PAST_SITTING]
            listed = (
                connection.execute(
                    sa.insert(MaracListing.__table__).returning(sa.column("id")),  # type: ignore[attr-defined]
                    [
                        {
                            "referral_id": rid,
                            "sitting_id": sitting_id,
                            "state": "done",
                            "risks": "Escalating",
                            "outcome": "Actions agreed",
                            "heard_on": day,
                            "minutes_published_at": now,
                            "listed_at": now,
                            "updated_at": now,
                        }
                        for rid in ids
                    ],
                )
                .scalars()
                .all()
            )
            connection.execute(
                sa.insert(AgencyResearch.__table__),  # type: ignore[attr-defined]
                [
                    {
                        "listing_id": lid,
                        "agency": agency,
                        "known": True,
                        "summary": "Known",
                        "author_label": "benchmark",
                        "created_at": now,
                    }
                    for lid in listed
                    for agency in ("Police", "Health")
                ],
            )
            connection.execute(
                sa.insert(MaracAction.__table__),  # type: ignore[attr-defined]
                [
                    {
                        "listing_id": lid,
                        "agency": "Police",
                        "description": "Flag the address",
                        "due_on": day + timedelta(days=14),
                        "state": "done",
                        "closed_reason": "",
                        "created_at": now,
                    }
                    for lid in listed
                ],
            )


def _sitting(database: Database) -> int:
    """Today's sitting with 30 open MARAC cases listed through the use cases, and research."""
    today = datetime.now(LONDON).date()
    pattern = SittingPattern()
    system = Actor.system("benchmark")
    with database.uow() as uow:
        user = create_user(uow, system, "agency@example.org", Role.AGENCY, PASSWORD, "Police rep")
        user.must_change_password = False
        uow.commit()
        agency = Actor.of(user)
    with database.uow() as uow:
        coordinator_user = uow.session.execute(
            sa.select(User).where(User.email == "coordinator@example.org")  # type: ignore[arg-type]
        ).scalar_one()
        coordinator = Actor.of(coordinator_user)
        candidates = (
            uow.session.execute(
                sa.select(Referral.id)  # type: ignore[call-overload]
                .where(
                    Referral.pathway == "marac",
                    Referral.state.in_(["consent_checked", "allocated"]),  # type: ignore[attr-defined]
                )
                .order_by(Referral.id)
                .limit(CASES)
            )
            .scalars()
            .all()
        )
    with database.uow() as uow:
        sitting = sittings.add_one_off(uow, coordinator, today, CASES, "DCI Ward", today)
    for referral_id in candidates:
        with database.uow() as uow:
            listing = listings.list_referral(
                uow, coordinator, referral_id, None, pattern, today, sitting.id
            )
        for name, known in (("Health", True), ("Housing", False)):
            with database.uow() as uow:
                actions.add_research(uow, coordinator, listing.id or 0, name, known, "Known")
    with database.uow() as uow:
        access.invite(uow, coordinator, sitting.id or 0, agency.label, "Police")
    with database.uow() as uow:
        access.accept_confidentiality(uow, agency, sitting.id or 0, pattern, today)
    print(f"sitting {sitting.sits_on}: {len(candidates)} cases listed")
    return sitting.id or 0


def _signed_in(app: Any, email: str) -> FlaskClient:
    client: FlaskClient = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    data = {"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
    client.post("/sign-in", data=data)
    return client


def run(url: str, rows: int, runs: int) -> None:
    database = Database(url)
    if rows:
        upgrade(url)
        started = time.perf_counter()
        load(database, rows)
        _history(database)
        print(
            f"loaded {rows:,} referrals and past sittings in {time.perf_counter() - started:.1f} s"
        )
    sitting_id = _sitting(database)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "benchmark"})
    app.extensions["database"] = database
    coordinator = _signed_in(app, "coordinator@example.org")
    agency = _signed_in(app, "agency@example.org")
    pages: dict[str, Callable[[], Any]] = {
        "sitting page (agenda)": lambda: coordinator.get(f"/marac/sittings/{sitting_id}"),
        "printed agenda": lambda: coordinator.get(f"/marac/sittings/{sitting_id}/print"),
        "agency's case list": lambda: agency.get(f"/marac/agency/sittings/{sitting_id}"),
    }
    engine = database.bind
    raw = psycopg.connect(_libpq(url), autocommit=True)
    heads = ("p50 ms", "p95 ms", "floor p50", "floor p95", "ratio p95")
    print(f"{'page':30} " + " ".join(f"{h:>10}" for h in heads))
    for name, request in pages.items():
        response = request()
        assert response.status_code == 200, (name, response.status_code)
        assert response.get_data(as_text=True).count("REF-") >= CASES, name
        capture = Captured()
        sa.event.listen(engine, "before_cursor_execute", capture)
        request()
        sa.event.remove(engine, "before_cursor_execute", capture)

        def floor(queries: list[tuple[str, Any]] = capture.statements) -> None:
            with raw.cursor() as cursor:
                for statement, parameters in queries:
                    cursor.execute(statement, parameters)
                    if cursor.description:
                        cursor.fetchall()

        p50, p95 = percentiles(timed(request, runs))
        f50, f95 = percentiles(timed(floor, runs))
        verdict = "ok" if p95 < 150 else "OVER 150 ms"
        times = f"{p50:10.1f} {p95:10.1f} {f50:10.1f} {f95:10.1f} {p95 / f95:9.1f}x"
        print(f"{name:30} {times}  {verdict}")
    raw.close()
    engine.dispose()  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--admin-url", default=ADMIN_URL)
    args = parser.parse_args()
    url = create_database(args.admin_url, f"agenda_bench_{int(time.time())}")
    try:
        run(url, args.rows, args.runs)
    finally:
        drop_database(args.admin_url, url)


if __name__ == "__main__":
    main()
