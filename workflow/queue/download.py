"""The queue as a CSV download: the rows the page shows (victim columns only after a search),
or every answer of each referral too (workflow/queue/answer_columns.py). Every download is audited.
To add a column: CSV_COLUMNS and csv_values, in the same place.
"""

import csv
import io
from datetime import datetime
from typing import Any

from workflow.actors import Actor
from workflow.models import utcnow
from workflow.permissions import CASEWORKERS, require_role
from workflow.queue.answer_columns import answer_table
from workflow.queue.keys import FLAG_LABELS
from workflow.queue.listing import (
    QueueFilter,
    QueueRow,
    filter_conditions,
    queue_rows,
    row_columns,
    urgency,
)
from workflow.store import audit
from workflow.store.db import UnitOfWork

CSV_COLUMNS = (
    "reference",
    "pathway",
    "state",
    "dash_score",
    "risk_band",
    "marac_criteria_met",
    "received",
    "working_days_old",
    "due",
    "overdue",
    "flags",
    "allocated_idva",
    "referred_by",
    "risk",  # as the page words it: "DASH 18 (high)", "S-DASH 7 of 11"
    "marac_date",
)
SEARCH_COLUMNS = ("victim_name", "victim_date_of_birth")


def export_csv(
    uow: UnitOfWork,
    actor: Actor,
    f: QueueFilter,
    now: datetime | None = None,
    every_answer: bool = False,
) -> tuple[str, int]:
    """Return the whole filtered queue as CSV and audit it: what the page shows, or, asked
    for, every answer of each referral too (workflow.queue.answer_columns)."""
    require_role(actor, CASEWORKERS)
    now = now or utcnow()
    found = row_columns(uow, *filter_conditions(f, now), order=urgency(now))
    rows = queue_rows(uow, found, now, heard_within=f.heard_within)
    ids = [row.referral.id for row in rows]
    extra, answers = answer_table(uow.session, ids) if every_answer else ([], {})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS + (SEARCH_COLUMNS if f.search else ()) + tuple(extra))
    for row in rows:
        values = csv_values(row, bool(f.search)) + answers.get(row.referral.id, [])
        writer.writerow([_cell(v) for v in values])
    references = [row.referral.reference for row in rows]
    audit.record(
        uow.session,
        actor,
        "export",
        "queue",
        None,
        f"CSV of {len(rows)} referrals{' with every answer' if every_answer else ''}",
        after={"filter": f.describe(), "references": references, "every_answer": every_answer},
    )
    uow.commit()
    return out.getvalue(), len(rows)


def csv_values(row: QueueRow, with_victim: bool) -> list[Any]:
    """Return one CSV line's values; victim columns only when a search showed them."""
    r = row.referral
    values: list[Any] = [
        r.reference,
        r.pathway.value,
        r.state.value,
        r.dash_score,
        r.risk_band,
        "yes" if r.marac_criteria_met else "no",
        r.received_at.isoformat(timespec="minutes"),
        row.age_working_days,
        row.due_at.isoformat(timespec="minutes") if row.due_at else "",
        "yes" if row.overdue else "no",
        "; ".join(FLAG_LABELS[f] for f in row.flags),
        row.idva,
        r.referrer_agency,
        row.risk,
        r.meeting_date.isoformat() if r.meeting_date else "",
    ]
    if with_victim:
        values += [r.victim_name, r.victim_date_of_birth]
    return values


def _cell(value: Any) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets: keep it text.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
