"""The coordinator's queue: filter, search, most urgent first, a page at a time (CSV: download).

Everything is decided in SQL so the page stays fast at 100,000 referrals: names are matched
through the phonetic keys and flags through the flag rows of workflow.models.queue.
"""

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, func, select

from workflow.actors import Actor
from workflow.deadlines.working_time import london_date
from workflow.inbound import proposals
from workflow.meetings import follow_up
from workflow.meetings.calendar import HEARD_WITHIN_WORKING_DAYS
from workflow.models import Referral, ReferralFlag, User, VictimNameKey, utcnow
from workflow.models.referral import Pathway, Source
from workflow.models.staff import Role
from workflow.permissions import CASEWORKERS, IDVAS, require_role
from workflow.queue import timing, triage
from workflow.queue.keys import FLAG_LABELS, flags, name_codes
from workflow.referrals.reference import serial_ends, staff_finds
from workflow.referrals.states import OPEN_STATES, State
from workflow.store import audit
from workflow.store.db import UnitOfWork

PER_PAGE = 50
MAX_PAGE = 100_000  # far past any real queue; keeps the OFFSET inside the database's integers
BANDS = ("high", "medium", "standard", "none")
UNALLOCATED = 0  # the allocated-IDVA filter's value for "not allocated yet"

_REFERENCE = re.compile(r"\bREF-\d{4}-\d{1,6}(?:-[A-Z0-9]{4})?\b", re.IGNORECASE)
_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)
_DISTRICT = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\b", re.IGNORECASE)
_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")


@dataclass(frozen=True)
class Search:
    """What a free-text search asked for; every part given must match."""

    reference: str = ""
    name: str = ""
    date_of_birth: date | None = None
    postcode: str = ""
    district: str = ""  # the first half of a postcode alone, e.g. PE7
    number: str = ""  # a reference's serial number alone, e.g. 123 for REF-2026-000123

    def __bool__(self) -> bool:
        parts = (
            self.reference,
            self.name,
            self.date_of_birth,
            self.postcode,
            self.district,
            self.number,
        )
        return any(parts)


def parse_search(text: str) -> Search:
    """Split one search box into reference, date of birth, postcode and name."""
    reference = _REFERENCE.search(text)
    text = _REFERENCE.sub(" ", text)
    postcode = _POSTCODE.search(text)
    text = _POSTCODE.sub(" ", text)
    born = _DATE.search(text)
    text = _DATE.sub(" ", text)
    district = _DISTRICT.search(text)  # names have no digits, so this is never part of one
    text = _DISTRICT.sub(" ", text)
    number = re.search(r"\b\d{1,6}\b", text)
    text = re.sub(r"\d", " ", text)
    return Search(
        reference=reference.group(0).upper() if reference else "",
        name=" ".join(text.split()),
        date_of_birth=_date(born) if born else None,
        postcode=f"{postcode.group(1)} {postcode.group(2)}".upper() if postcode else "",
        district=district.group(0).upper() if district else "",
        number=f"{int(number.group(0)):06d}" if number else "",
    )


def _date(match: re.Match[str]) -> date | None:
    day, month, year = match.group(1, 2, 3) if match.group(1) else match.group(6, 5, 4)
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


@dataclass(frozen=True)
class QueueFilter:
    """The coordinator's choices; empty means "any". No state chosen means every open state."""

    state: State | None = None
    pathway: Pathway | None = None
    band: str = ""
    overdue: bool = False
    flag: str = ""
    agency: str = ""
    source: Source | None = None
    idva_id: int | None = None
    search: str = ""
    # MARAC_HEARD_WITHIN_WORKING_DAYS: a setting the page passes, not a choice on it.
    heard_within: int = HEARD_WITHIN_WORKING_DAYS

    def describe(self) -> dict[str, Any]:
        """Return the filter as JSON-ready values, for the audit trail."""
        chosen = {k: v for k, v in asdict(self).items() if v and k != "heard_within"}
        return {k: (v.value if hasattr(v, "value") else v) for k, v in chosen.items()}


# What a queue row shows, read as plain columns: hydrating whole referrals (addresses, narrative,
# every JSON field) for fifty rows cost more than the queries themselves.
QUEUE_COLUMNS = [
    col(Referral.id),
    col(Referral.reference),
    col(Referral.pathway),
    col(Referral.state),
    col(Referral.dash_score),
    col(Referral.risk_band),
    col(Referral.marac_criteria_met),
    col(Referral.received_at),
    col(Referral.allocated_idva_id),
    col(Referral.consent),
    col(Referral.needs_review),
    col(Referral.rule_outcomes),
    col(Referral.victim_name),
    col(Referral.victim_date_of_birth),
    col(Referral.due_at),
    col(Referral.due_kind),
    col(Referral.referrer_agency),
    col(Referral.meeting_date),
]


@dataclass
class QueueRow:
    """One referral as the queue shows it (`referral` has the QUEUE_COLUMNS as attributes)."""

    referral: Any
    flags: list[str]
    idva: str
    age_working_days: int
    due_at: datetime | None
    overdue: bool
    step: str = ""  # what is due, e.g. "consent check"
    late_by: str = ""  # e.g. "2 working days"
    risk: str = ""  # e.g. "DASH 18 (high)" or "S-DASH 7 of 11" (workflow.queue.triage)
    due_label: str = ""  # the due time in London, e.g. "5 Dec 14:30"


@dataclass
class QueuePage:
    """One page of the queue with the totals around it."""

    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    counts: dict[State, int] = field(default_factory=dict)
    idvas: dict[int, str] = field(default_factory=dict)  # every IDVA, for the filter


def filter_conditions(f: QueueFilter, now: datetime) -> list[sa.ColumnElement[bool]]:
    states = [f.state] if f.state else sorted(OPEN_STATES)
    where: list[sa.ColumnElement[bool]] = [col(Referral.state).in_(states)]
    if f.pathway:
        where.append(col(Referral.pathway) == f.pathway)
    if f.band == "none":
        where.append(col(Referral.risk_band).is_(None))
    elif f.band in BANDS:
        where.append(col(Referral.risk_band) == f.band)
    if f.overdue:
        where.append(timing.due_column() < now)
    if f.flag == follow_up.NOT_HEARD_IN_TIME:
        today = london_date(now)
        where.append(follow_up.not_heard_in_time_condition(today, f.heard_within))
    elif f.flag in FLAG_LABELS:
        flagged = select(ReferralFlag.referral_id).where(col(ReferralFlag.flag) == f.flag)
        where.append(col(Referral.id).in_(flagged))
    if f.agency.strip():
        where.append(func.lower(col(Referral.referrer_agency)).contains(f.agency.strip().lower()))
    if f.source:
        where.append(col(Referral.source) == f.source)
    if f.idva_id == UNALLOCATED:
        where.append(col(Referral.allocated_idva_id).is_(None))
    elif f.idva_id is not None:
        where.append(col(Referral.allocated_idva_id) == f.idva_id)
    if not f.search.strip():
        return where
    # A search with nothing to look for (only punctuation, say) finds nothing, not everything.
    return where + (_search_conditions(parse_search(f.search)) or [sa.false()])


def _search_conditions(search: Search) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if search.reference:
        where.append(staff_finds(search.reference))
    if search.date_of_birth:
        where.append(col(Referral.victim_date_of_birth) == search.date_of_birth)
    if search.postcode:
        where.append(col(Referral.victim_postcode) == search.postcode)
    if search.number:
        where.append(serial_ends(search.number))
    if search.district:
        where.append(col(Referral.victim_postcode).startswith(search.district + " "))
    codes = name_codes([search.name])
    if codes:
        # Every word searched must sound like a word of the victim's name or one of the aliases.
        named = (
            select(VictimNameKey.referral_id)
            .where(col(VictimNameKey.code).in_(codes))
            .group_by(col(VictimNameKey.referral_id))
            .having(func.count() == len(codes))
        )
        where.append(col(Referral.id).in_(named))
    return where


def urgency(now: datetime) -> list[Any]:
    """Return the default order: overdue high risk, high risk, other overdue, then the rest.

    Within each, the higher DASH score first, then the earliest due (the oldest when no due
    time is set), so nothing high-risk waits behind a pile of routine work.
    """
    due = timing.due_column()
    high = col(Referral.risk_band) == "high"
    overdue = sa.and_(due.is_not(None), due < now)
    rank = sa.case((sa.and_(overdue, high), 0), (high, 1), (overdue, 2), else_=3)
    return [
        rank,
        col(Referral.dash_score).desc().nulls_last(),
        sa.func.coalesce(due, col(Referral.received_at)),
        col(Referral.id),
    ]


def _require_reader(actor: Actor) -> None:
    require_role(actor, CASEWORKERS)


def queue_page(
    uow: UnitOfWork, actor: Actor, f: QueueFilter, page: int = 1, now: datetime | None = None
) -> QueuePage:
    """Return one page of the filtered queue, most urgent first; a search is audited."""
    _require_reader(actor)
    now = now or utcnow()
    where = filter_conditions(f, now)
    page = min(max(1, page), MAX_PAGE)
    numbered = _page_ids(uow, where, now, page)
    if not numbered and page > 1:  # past the last page: count, then show the last one
        total = uow.session.exec(select(func.count()).select_from(Referral).where(*where)).one()
        page = max(1, -(-total // PER_PAGE))
        numbered = _page_ids(uow, where, now, page)
    total = numbered[0][1] if numbered else 0
    pages = max(1, -(-total // PER_PAGE))
    ids = [rid for rid, _ in numbered]
    found = {r.id: r for r in row_columns(uow, col(Referral.id).in_(ids))} if ids else {}
    referrals = [found[i] for i in ids]
    if f.search:
        _audit_search(uow, actor, f, total)
    else:
        _audit_listing(uow, actor, "queue", [r.reference for r in referrals], f.describe())
    idvas = idva_labels(uow)
    rows = queue_rows(uow, referrals, now, idvas, f.heard_within)
    return QueuePage(rows, total, page, pages, counts_by_state(uow), idvas)


def _page_ids(
    uow: UnitOfWork, where: list[sa.ColumnElement[bool]], now: datetime, page: int
) -> list[tuple[int, int]]:
    # Ids first, from the queue index alone, each with the total (one round trip for both);
    # only the page's rows are then read in full.
    query = (
        sa.select(col(Referral.id), func.count().over())
        .where(*where)
        .order_by(*urgency(now))
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    )
    return [(rid, total) for rid, total in uow.session.execute(query)]


def _audit_search(uow: UnitOfWork, actor: Actor, f: QueueFilter, total: int) -> None:
    # Who looked for whom is part of the trail: a search by name reveals an interest in a victim.
    summary = f"searched the queue: {total} found"
    audit.record(uow.session, actor, "search", "queue", None, summary, after=f.describe())
    uow.commit()


def _audit_listing(
    uow: UnitOfWork, actor: Actor, page: str, references: list[str], filters: dict[str, Any]
) -> None:
    # A list that names victims is a look at each of them: which ones were shown is recorded.
    summary = f"viewed the {page}: {len(references)} referrals listed"
    after = {"references": references, "filter": filters}
    audit.record(uow.session, actor, "list", page, None, summary, after=after)
    uow.commit()


def counts_by_state(uow: UnitOfWork) -> dict[State, int]:
    """Return how many referrals are in each open state (closed ones are years of history)."""
    open_states = [state for state in State if state in OPEN_STATES]
    rows = uow.session.exec(
        select(Referral.state, func.count())
        .where(col(Referral.state).in_(open_states))
        .group_by(col(Referral.state))
    )
    found = {State(state): count for state, count in rows}
    return {state: found.get(state, 0) for state in open_states}


def row_columns(uow: UnitOfWork, *where: Any, order: list[Any] | None = None) -> list[Any]:
    query = sa.select(*QUEUE_COLUMNS).where(*where).order_by(*(order or []))
    return list(uow.session.execute(query))


def queue_rows(
    uow: UnitOfWork,
    referrals: list[Any],
    now: datetime,
    labels: dict[int, str] | None = None,
    heard_within: int = HEARD_WITHIN_WORKING_DAYS,
) -> list[QueueRow]:
    if labels is None:
        labels = idva_labels(uow, {r.allocated_idva_id for r in referrals if r.allocated_idva_id})
    stalking = [r.id for r in referrals if r.pathway is Pathway.STALKING_IDVA]
    screens = triage.screen_yes_counts(uow.session, stalking)
    waiting = proposals.waiting_counts(uow.session, [r.id for r in referrals])
    marac = [r.id for r in referrals if r.pathway is Pathway.MARAC]
    late = follow_up.not_heard_in_time_ids(uow.session, marac, london_date(now), heard_within)
    return [
        QueueRow(
            referral=r,
            flags=sorted(
                flags(r.needs_review, r.rule_outcomes, r.consent.value if r.consent else None)
                | ({proposals.WAITING_FLAG} if r.id in waiting else set())
                | ({follow_up.NOT_HEARD_IN_TIME} if r.id in late else set())
            ),
            idva=labels.get(r.allocated_idva_id or 0, ""),
            age_working_days=timing.working_age(r, now),
            due_at=timing.due_of(r),
            overdue=timing.is_overdue(r, now),
            step=timing.step_label(r),
            late_by=timing.lateness(r, now),
            risk=triage.risk_label(r, screens.get(r.id)),
            due_label=triage.london(timing.due_of(r)),
        )
        for r in referrals
    ]


def idva_labels(
    uow: UnitOfWork, ids: set[int] | None = None, active_only: bool = False
) -> dict[int, str]:
    """Return IDVA id -> name (or email); every IDVA when no ids are given."""
    query = select(User).where(col(User.role) == Role.IDVA)
    if active_only:
        query = query.where(col(User.active).is_(True))
    if ids is not None:
        if not ids:
            return {}
        query = query.where(col(User.id).in_(ids))
    return {u.id or 0: u.name or u.email for u in uow.session.exec(query.order_by(col(User.name)))}


def caseload(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime | None = None,
    heard_within: int = HEARD_WITHIN_WORKING_DAYS,
) -> list[QueueRow]:
    """Return the open referrals allocated to this IDVA, most urgent first; `heard_within` is
    MARAC_HEARD_WITHIN_WORKING_DAYS, for the not-heard-in-time flag as on the queue."""
    require_role(actor, IDVAS)
    now = now or utcnow()
    mine = (
        col(Referral.state).in_(sorted(OPEN_STATES)),
        col(Referral.allocated_idva_id) == actor.id,
    )
    rows = queue_rows(
        uow, row_columns(uow, *mine, order=urgency(now)), now, heard_within=heard_within
    )
    _audit_listing(uow, actor, "caseload", [row.referral.reference for row in rows], {})
    return rows
