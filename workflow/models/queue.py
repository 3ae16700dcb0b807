"""Search keys kept beside each referral so the queue filters in SQL at 100,000 referrals.

Both tables are derived from the referral row on every insert and update, whoever writes it
(intake, corrections, a command), by the mapper events below, so they cannot drift from it.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Field, SQLModel, col

from workflow.models.referral import Referral
from workflow.queue.keys import flags, name_codes


class VictimNameKey(SQLModel, table=True):
    """One phonetic code per word of the victim's name and aliases."""

    __tablename__ = "victim_name_key"

    # code first: the primary key then serves "which referrals have this code" on its own.
    code: str = Field(max_length=16, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", primary_key=True, index=True)


class ReferralFlag(SQLModel, table=True):
    """A flag the coordinator filters by (workflow.queue.keys.FLAG_LABELS)."""

    __tablename__ = "referral_flag"

    flag: str = Field(max_length=32, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", primary_key=True, index=True)


def index_rows(referral: Referral) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the name-key and flag rows for a referral."""
    rid = referral.id
    codes = name_codes([referral.victim_name, *referral.victim_aliases])
    consent = referral.consent.value if referral.consent else None
    marks = flags(referral.needs_review, referral.rule_outcomes, consent)
    return (
        [{"referral_id": rid, "code": c} for c in sorted(codes)],
        [{"referral_id": rid, "flag": f} for f in sorted(marks)],
    )


# Flags another module keeps (workflow.inbound.proposals), which the referral's own values cannot
# tell.
KEPT_ELSEWHERE = ("proposed_update",)


def _reindex(
    _mapper: Any, connection: sa.Connection, referral: Referral, new: bool = False
) -> None:
    # Intake flushes a new referral more than once in one transaction: rows this transaction
    # already wrote for the same values are not written again (each rewrite took two or three
    # statements), and a row just inserted has none to delete. The name keys and the flags are
    # told apart: the rules change the flags of a new referral, seldom its name.
    rows = index_rows(referral)
    info, transaction = sa.inspect(referral).info, connection.get_transaction()
    written = info.get("index_rows")
    before = written[1] if written is not None and written[0] is transaction else (None, None)
    keys, marks = rows
    # Rows are deleted only when some may be there: not after an insert or when this
    # transaction wrote none.
    if keys != before[0]:
        if not new and before[0] != []:
            mine = col(VictimNameKey.referral_id) == referral.id
            connection.execute(sa.delete(VictimNameKey).where(mine))
        if keys:
            connection.execute(sa.insert(VictimNameKey), keys)
    if marks != before[1]:
        if not new and before[1] != []:
            connection.execute(
                sa.delete(ReferralFlag).where(
                    ReferralFlag.referral_id == referral.id,  # type: ignore[arg-type]
                    ReferralFlag.flag.not_in(KEPT_ELSEWHERE),  # type: ignore[attr-defined]
                )
            )
        if marks:
            connection.execute(sa.insert(ReferralFlag), marks)
    info["index_rows"] = (transaction, rows)  # the transaction itself: its id could be reused


def _index_new(mapper: Any, connection: sa.Connection, referral: Referral) -> None:
    _reindex(mapper, connection, referral, new=True)


def _clear(_mapper: Any, connection: sa.Connection, referral: Referral) -> None:
    for table in (VictimNameKey, ReferralFlag):
        connection.execute(sa.delete(table).where(table.referral_id == referral.id))  # type: ignore[arg-type]


# The queue's filters and its urgency order read only these columns, so PostgreSQL can count and
# sort the open referrals from this index without touching the wide rows.
_columns = Referral.__table__.c  # type: ignore[attr-defined]
QUEUE_INDEX = sa.Index(
    "ix_referral_queue",
    _columns.state,
    _columns.pathway,
    _columns.risk_band,
    _columns.allocated_idva_id,
    _columns.dash_score,
    _columns.due_at,
    _columns.received_at,
    _columns.id,
)

event.listen(Referral, "after_insert", _index_new)
event.listen(Referral, "after_update", _reindex)
event.listen(Referral, "before_delete", _clear)
