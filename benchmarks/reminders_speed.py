"""The overdue-reminder job over 100,000 open referrals on PostgreSQL: run time and query count.

Not a test. Run from the repository root (PostgreSQL on 127.0.0.1:5432, trust auth):
    .venv/bin/python -m benchmarks.reminders_speed [--open 100000] [--closed 20000]

It creates a throwaway database, migrates it, loads open referrals whose steps began over the
last six weeks (so most are overdue) plus closed ones, 40 IDVAs, 3 coordinators and 2 managers,
then runs the real job (workflow.deadlines.reminders.send_reminders) four times, counting every
statement
with a SQLAlchemy `before_cursor_execute` listener:
  1. first run: a reminder for every overdue referral, and the digests
  2. the same instant again: nothing to queue (the exactly-once check at scale)
  3. one working day later: the escalations
  4. again: nothing
Targets: under 2 queries per message queued, a run with nothing to do in under 20 queries and
under 2 seconds, and under 1 ms per message queued.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from commands.db import upgrade
from tests.support.postgres import ADMIN_URL, _libpq, create_database, drop_database
from workflow.actors import Actor
from workflow.deadlines.reminders import ReminderSettings, send_reminders
from workflow.deadlines.steps import refresh_deadline
from workflow.deadlines.working_time import LONDON, add_working_days
from workflow.models import Outbox, Referral, User
from workflow.models.referral import Pathway
from workflow.models.staff import Role
from workflow.referrals.states import State
from workflow.staff.sign_in import create_user
from workflow.store.db import Database

# A Tuesday mid-morning: a working day, after the digest hour.
NOW = datetime(2026, 12, 8, 10, 30, tzinfo=LONDON).astimezone(UTC)
OPEN_STATES = [State.RECEIVED, State.CONSENT_CHECKED, State.ALLOCATED]


def _filler(table: sa.Table) -> dict[str, Any]:
    """Empty values for every NOT NULL column the bulk insert would otherwise leave out."""
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.nullable or column.primary_key or column.server_default is not None:
            continue
        python_type: Any = getattr(column.type, "python_type", str)
        try:
            python_type = column.type.python_type
        except NotImplementedError:
            python_type = str
        values[column.name] = {dict: {}, list: [], bool: False, int: 0}.get(python_type, "")
    return values


def _referral(n: int, rng: random.Random, idvas: list[int], closed: bool) -> dict[str, Any]:
    state = State.CLOSED if closed else rng.choice(OPEN_STATES)
    began = NOW - timedelta(days=rng.random() * 42, minutes=rng.randint(0, 1440))
    # A plain namespace: current_deadline reads attributes only, and a model costs 10x to build.
    referral: Any = SimpleNamespace(
        marac_criteria_met=False,
        reference=f"REF-2026-{n:06d}",
        pathway=Pathway.MARAC if rng.random() < 0.7 else Pathway.STALKING_IDVA,
        state=state,
        source="email",
        received_at=began - timedelta(days=rng.randint(0, 5)),
        state_entered_at=began,
        last_activity_at=began,
        risk_band=rng.choice(["standard", "medium", "high", None]),
        allocated_idva_id=rng.choice(idvas) if state in (State.ALLOCATED, State.CLOSED) else None,
        first_contact_at=began if state is State.ALLOCATED and rng.random() < 0.5 else None,
    )
    refresh_deadline(referral)
    return {
        "reference": referral.reference,
        "pathway": referral.pathway.value,
        "state": referral.state.value,
        "marac_criteria_met": False,
        "source": "email",
        "received_at": referral.received_at,
        "updated_at": began,
        "state_entered_at": referral.state_entered_at,
        "last_activity_at": referral.last_activity_at,
        "risk_band": referral.risk_band,
        "allocated_idva_id": referral.allocated_idva_id,
        "first_contact_at": referral.first_contact_at,
        "closed_at": began if closed else None,
        "due_at": referral.due_at,
        "due_kind": referral.due_kind,
    }


def load(database: Database, open_rows: int, closed_rows: int, seed: int = 6) -> int:
    """Load staff and referrals; return how many open referrals are overdue at NOW."""
    rng = random.Random(seed)
    system = Actor.system("benchmark")
    idvas = []
    with database.uow() as uow:
        for n in range(40):
            idvas.append(create_user(uow, system, f"idva{n}@x.org", Role.IDVA, "pw-" * 6, "I"))
        for n in range(3):
            create_user(uow, system, f"coord{n}@x.org", Role.COORDINATOR, "pw-" * 6, "C")
        for n in range(2):
            create_user(uow, system, f"manager{n}@x.org", Role.MANAGER, "pw-" * 6, "M")
        uow.commit()
        idva_ids = [u.id or 0 for u in idvas]
    table: sa.Table = Referral.__table__  # type: ignore[attr-defined]
    filler = _filler(table)
    overdue = 0
    assert isinstance(database.bind, sa.Engine)
    with database.bind.begin() as connection:
        batch = []
        for n in range(1, open_rows + closed_rows + 1):
            row = {**filler, **_referral(n, rng, idva_ids, closed=n > open_rows)}
            overdue += row["due_at"] is not None and row["due_at"] <= NOW
            batch.append(row)
            if len(batch) == 5000:
                connection.execute(sa.insert(table), batch)
                batch = []
        if batch:
            connection.execute(sa.insert(table), batch)
    import psycopg

    with psycopg.connect(_libpq(database.url), autocommit=True) as raw:
        raw.execute("VACUUM ANALYZE")
    return overdue


class QueryCounter:
    """Count the statements sent to the database."""

    def __init__(self, engine: sa.Engine) -> None:
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args: Any) -> None:
        self.count += 1


def run(database: Database, counter: QueryCounter, label: str, at: datetime) -> None:
    """Run the job once and print its time, queries and what it queued."""
    settings = ReminderSettings(base_url="https://desk.example.org")
    before, start = counter.count, time.perf_counter()
    report = send_reminders(database, at, settings)
    seconds = time.perf_counter() - start
    queries = counter.count - before
    queued = report.reminders + report.escalations + report.digests
    n = max(queued, 1)
    per = f"{queries / n:.3f} queries/message, {seconds * 1000 / n:.3f} ms/message"
    print(
        f"{label}: {seconds:.2f} s, {queries} queries; {report.reminders} reminders, "
        f"{report.escalations} escalations, {report.digests} digests"
        + (f"; {per}" if queued else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--closed", type=int, default=20_000)
    parser.add_argument("--admin-url", default=ADMIN_URL)
    args = parser.parse_args()
    url = create_database(args.admin_url)
    try:
        upgrade(url)
        database = Database(url)
        start = time.perf_counter()
        overdue = load(database, args.open, args.closed)
        print(
            f"loaded {args.open} open and {args.closed} closed referrals "
            f"({overdue} overdue at {NOW.isoformat()}) in {time.perf_counter() - start:.1f} s"
        )
        assert isinstance(database.bind, sa.Engine)
        counter = QueryCounter(database.bind)
        run(database, counter, "run 1 (reminders)", NOW)
        run(database, counter, "run 2 (same instant, nothing new)", NOW)
        later = add_working_days(NOW, 1) + timedelta(minutes=1)
        run(database, counter, "run 3 (a working day later: escalations)", later)
        run(database, counter, "run 4 (again, nothing new)", later)
        with database.uow() as uow:
            total = uow.session.execute(sa.select(sa.func.count()).select_from(Outbox)).scalar()
            keys = uow.session.execute(
                sa.select(sa.func.count(sa.distinct(Outbox.dedupe_key)))  # type: ignore[arg-type]
            ).scalar()
            users = uow.session.execute(sa.select(sa.func.count()).select_from(User)).scalar()
        print(f"outbox: {total} messages, {keys} distinct dedupe keys ({users} staff)")
        database.bind.dispose()
    finally:
        drop_database(args.admin_url, url)


if __name__ == "__main__":
    main()
