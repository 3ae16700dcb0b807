"""The coordinator's queue page at 100,000 referrals on PostgreSQL, beside the bare SQL floor.

Not a test. Run from the repository root (PostgreSQL on 127.0.0.1:5432, trust auth):
    .venv/bin/python -m benchmarks.queue_speed [--rows 100000] [--runs 60] [--admin-url URL]

It creates a throwaway database, migrates it, loads realistic referrals (six years of them, most
closed, about one in ten open, with names, aliases, DASH answers, rule outcomes, flags and
allocations), then times three queue pages through the real app (signed in, rendered):
the default view, a filter, and a misspelt victim-name search. The floor for each is the SQL that
page runs, captured from one request and replayed on a bare psycopg cursor: the ratio is what
the ORM, Flask and the templates add. Target: page p95 under 150 ms and under 5x the floor.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
import sqlalchemy as sa
from flask.testing import FlaskClient

from app import create_app
from commands.db import upgrade
from tests.support.postgres import ADMIN_URL, _libpq, create_database, drop_database
from workflow.actors import Actor
from workflow.models import Referral, ReferralFlag, User, VictimNameKey
from workflow.models.staff import Role
from workflow.policy import CAMBS
from workflow.queue.keys import flags, name_codes
from workflow.rules.evaluate import MARAC_CRITERIA, ReferralFacts, evaluate
from workflow.rules.outcome import Result
from workflow.rules.risk import dash_band
from workflow.staff.sign_in import create_user
from workflow.store.db import Database

FIRST = str.split(
    "Jade Amy Sarah Emma Laura Rachel Hannah Chloe Sophie Megan Lauren Charlotte Gemma Kelly "
    "Natalie Rebecca Leanne Kirsty Stacey Danielle Aisha Fatima Zainab Priya Anita Agnieszka "
    "Katarzyna Ioana Elena Maria Ana Olivia Amelia Isla Ava Mia Grace Lily Ella Freya Evie Ruby "
    "Daisy Poppy Jessica Holly Abigail Katie Lucy Zoe Bethany Jasmine Paige Courtney Shannon "
    "Michael James David Daniel Mohammed Adam Ryan Liam Thomas Joshua Luke Connor Jack Harry"
)
SURNAMES = str.split(
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
    "Walker White Roberts Green Hall Wood Jackson Clarke Allen Hughes Price Turner Hill Moore "
    "Cooper Ward Morris King Watson Harris Baker Young Lewis Martin Patel Khan Ali Hussain "
    "Begum Kowalski Nowak Popescu Silva Santos Murphy Kelly Byrne Walsh OBrien Campbell "
    "Stewart Anderson Scott Reid Ross Fraser Bell Mitchell Palmer Parker Bennett Cook Morgan"
)
DISTRICTS = [
    *(f"CB{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 21, 22, 23, 24, 25)),
    *(f"PE{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 15, 16, 19, 26, 27, 28, 29, 30)),
]
AGENCIES = [
    ("Cambridgeshire Constabulary", "cambs.pnn.police.uk"),
    ("Cambridge University Hospitals", "nhs.net"),
    ("Peterborough City Council", "peterborough.gov.uk"),
    ("Cambridgeshire County Council", "cambridgeshire.gov.uk"),
    ("Probation Service", "justice.gov.uk"),
    ("Refuge", "refuge.org.uk"),
    ("Cambridge Women's Aid", "cambridgewa.org.uk"),
]
STATES = ["received", "consent_checked", "allocated"]
OUTCOMES = ["support_completed", "heard_at_marac", "no_consent", "unable_to_contact"]
NOW = datetime.now(UTC)
# Passes the password rules (workflow/staff/passwords.py), which refuse repeats like "pppp…".
PASSWORD = "lantern copper meadow whistle"


def _referral(n: int, rng: random.Random, idvas: list[int]) -> dict[str, Any]:
    received = NOW - timedelta(days=rng.random() ** 1.5 * 6 * 365, minutes=rng.randint(0, 1440))
    pathway = "marac" if rng.random() < 0.7 else "stalking_idva"
    score = None if pathway == "stalking_idva" and rng.random() < 0.5 else rng.randint(0, 24)
    agency, domain = rng.choice(AGENCIES)
    email = f"officer{rng.randint(1, 400)}@{domain if rng.random() > 0.04 else 'gmail.com'}"
    inward = f"{rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTUW')}"
    postcode = f"{rng.choice(DISTRICTS)} {inward}"
    born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 58))
    open_ = (NOW - received).days < 45 or rng.random() < 0.02
    state = rng.choice(STATES) if open_ else "closed"
    facts = ReferralFacts(
        pathway=pathway,
        referral_date=received.date(),
        victim_date_of_birth=born,
        victim_postcode=postcode,
        referrer_email=email,
        dash_score=score,
        professional_judgement=rng.random() < 0.1,
        professional_judgement_reason="Escalating threats",
        police_incidents_12m=rng.randint(0, 6),
        last_incident=received.date() - timedelta(days=rng.randint(0, 60)),
        last_marac_referral=received.date() - timedelta(days=200) if rng.random() < 0.08 else None,
    )
    outcomes = evaluate(facts, CAMBS)
    name = f"{rng.choice(FIRST)} {rng.choice(SURNAMES)}"
    aliases = [f"{rng.choice(FIRST)} {rng.choice(SURNAMES)}"] if rng.random() < 0.1 else []
    needs_review = [f"dash.answers.{rng.randint(1, 24)}"] if open_ and rng.random() < 0.15 else []
    consent = "given" if state != "received" and rng.random() < 0.8 else None
    return {
        "id": n,
        "reference": f"REF-{received.year}-{n:06d}",
        "pathway": pathway,
        "state": state,
        "source": rng.choice(["email", "email", "web_form", "upload"]),
        "referrer_name": f"{rng.choice(FIRST)} {rng.choice(SURNAMES)}",
        "referrer_role": "Officer",
        "referrer_agency": agency,
        "referrer_phone": "01223 000000",
        "referrer_email": email,
        "victim_name": name,
        "victim_aliases": aliases,
        "victim_date_of_birth": born,
        "victim_gender": "Female",
        "victim_address": f"{rng.randint(1, 200)} High Street",
        "victim_postcode": postcode,
        "victim_phone": "07700 900000",
        "safe_contact": {"call": True, "text": rng.random() < 0.5, "voicemail": False},
        "victim_details": {},
        "perpetrators": [{"name": f"{rng.choice(FIRST)} {rng.choice(SURNAMES)}"}],
        "children": [],
        "children_in_household": rng.randint(0, 3),
        "consent": consent,
        "consent_not_sought_reason": "",
        "lawful_basis": "",
        "professional_judgement": facts.professional_judgement,
        "professional_judgement_reason": "",
        "police_incidents_12m": facts.police_incidents_12m,
        "last_incident": facts.last_incident,
        "crime_reference": f"CF{rng.randint(100000, 999999)}",
        "reason_for_referral": "Repeated threats and following; victim very frightened. " * 3,
        "details": {},
        "dash_score": score,
        "risk_band": dash_band(score, CAMBS).value if score is not None else None,
        "marac_criteria_met": any(
            o.rule in MARAC_CRITERIA and o.result is Result.MET for o in outcomes
        ),
        "rule_outcomes": [o.as_json() for o in outcomes],
        "needs_review": needs_review,
        "allocated_idva_id": rng.choice(idvas) if state == "allocated" else None,
        "outcome": rng.choice(OUTCOMES) if state == "closed" else None,
        "received_at": received,
        "updated_at": received,
        "closed_at": received + timedelta(days=30) if state == "closed" else None,
        "version": 1,
    }


def load(database: Database, rows: int, seed: int = 5) -> list[int]:
    """Insert `rows` referrals with their name keys and flags; return the IDVA ids."""
    rng = random.Random(seed)
    idvas = []
    with database.uow() as uow:
        system = Actor.system("benchmark")
        for n in range(20):
            user = create_user(
                uow, system, f"idva{n}@example.org", Role.IDVA, PASSWORD, f"IDVA {n}"
            )
            idvas.append(user.id or 0)
        create_user(uow, system, "coordinator@example.org", Role.COORDINATOR, PASSWORD)
        uow.session.execute(sa.update(User).values(must_change_password=False))
        uow.commit()
    referral = Referral.__table__  # type: ignore[attr-defined]
    with database.bind.begin() as connection:  # type: ignore[union-attr]
        for start in range(1, rows + 1, 5000):
            batch = [_referral(n, rng, idvas) for n in range(start, min(start + 5000, rows + 1))]
            if "due_at" in referral.c:  # the reminders work keeps a due time per open step
                for r in batch:
                    open_ = r["state"] != "closed"
                    r["due_at"] = r["received_at"] + timedelta(days=3) if open_ else None
                    r["due_kind"] = r["state"] if open_ else ""
            connection.execute(sa.insert(referral), batch)
            keys, marks = [], []
            for r in batch:
                keys += [
                    {"referral_id": r["id"], "code": c}
                    for c in name_codes([r["victim_name"], *r["victim_aliases"]])
                ]
                marks += [
                    {"referral_id": r["id"], "flag": f}
                    for f in flags(r["needs_review"], r["rule_outcomes"], r["consent"])
                ]
            connection.execute(sa.insert(VictimNameKey.__table__), keys)  # type: ignore[attr-defined]
            connection.execute(sa.insert(ReferralFlag.__table__), marks)  # type: ignore[attr-defined]
        connection.exec_driver_sql(f"SELECT setval('referral_id_seq', {rows})")
    with psycopg.connect(_libpq(database.url), autocommit=True) as raw:
        raw.execute("VACUUM ANALYZE")
    return idvas


def _explain(raw: psycopg.Connection[Any], queries: list[tuple[str, Any]]) -> None:
    for statement, parameters in queries:
        with raw.cursor() as cursor:
            samples = []
            for _ in range(10):
                start = time.perf_counter()
                cursor.execute(statement, parameters)
                cursor.fetchall() if cursor.description else None
                samples.append(time.perf_counter() - start)
        print(
            f"    {statistics.median(samples) * 1000:6.2f} ms  {' '.join(statement.split())[:150]}"
        )


def _profile(request: Callable[[], Any]) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(10):
        request()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)


class Captured:
    """The SQL statements one request ran, with their parameters, for replaying bare."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        self.statements.append((statement, parameters))


def percentiles(samples: list[float]) -> tuple[float, float]:
    """Return p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def timed(work: Callable[[], object], runs: int) -> list[float]:
    for _ in range(3):
        work()  # warm caches and the plan cache
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--explain", action="store_true", help="time each statement of a page")
    parser.add_argument("--profile", action="store_true", help="profile the Python of each page")
    parser.add_argument("--reuse", help="time an already loaded database at this URL instead")
    args = parser.parse_args()
    if args.reuse:
        run(args.reuse, 0, args.runs, args.explain, args.profile)
        return

    url = create_database(args.admin_url, f"queue_bench_{int(time.time())}")
    try:
        run(url, args.rows, args.runs, args.explain, args.profile)
    finally:
        drop_database(args.admin_url, url)


def _sign_in(client: FlaskClient) -> str:
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    data = {"email": "coordinator@example.org", "password": PASSWORD}
    client.post("/sign-in", data={**data, "csrf_token": token.group(1)})
    return client.get("/queue").get_data(as_text=True)


def run(url: str, rows: int, runs: int, explain: bool = False, profile: bool = False) -> None:
    database = Database(url)
    if rows:
        upgrade(url)
        started = time.perf_counter()
        load(database, rows)
        print(f"loaded {rows:,} referrals in {time.perf_counter() - started:.1f} s")
    with database.bind.connect() as c:  # type: ignore[union-attr]
        open_count = c.exec_driver_sql(
            "SELECT count(*) FROM referral WHERE state <> 'closed'"
        ).scalar()
    print(f"open referrals: {open_count:,}")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "benchmark"})
    app.extensions["database"] = database
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', _sign_in(client))
    assert token
    pages: dict[str, Callable[[], Any]] = {
        "default view": lambda: client.get("/queue"),
        "filter (MARAC, high risk, unallocated)": lambda: client.get(
            "/queue?pathway=marac&band=high&idva=0"
        ),
        "name search 'Jayde Alen'": lambda: client.post(
            "/queue/search", data={"q": "Jayde Alen", "csrf_token": token.group(1)}
        ),
    }
    engine = database.bind
    raw = psycopg.connect(_libpq(url), autocommit=True)
    heads = ("p50 ms", "p95 ms", "floor p50", "floor p95", "ratio p95")
    print(f"{'page':42} " + " ".join(f"{h:>10}" for h in heads))
    for name, request in pages.items():
        response = request()
        assert response.status_code == 200, (name, response.status_code)
        capture = Captured()
        sa.event.listen(engine, "before_cursor_execute", capture)
        request()
        sa.event.remove(engine, "before_cursor_execute", capture)
        queries = capture.statements

        def floor(queries: list[tuple[str, Any]] = queries) -> None:
            with raw.cursor() as cursor:
                for statement, parameters in queries:
                    cursor.execute(statement, parameters)
                    if cursor.description:
                        cursor.fetchall()

        if explain:
            _explain(raw, queries)
        if profile:
            _profile(request)
        p50, p95 = percentiles(timed(request, runs))
        f50, f95 = percentiles(timed(floor, runs))
        print(f"{name:42} {p50:10.1f} {p95:10.1f} {f50:10.1f} {f95:10.1f} {p95 / f95:9.1f}x")
    raw.close()
    engine.dispose()  # type: ignore[union-attr]


if __name__ == "__main__":
    main()
