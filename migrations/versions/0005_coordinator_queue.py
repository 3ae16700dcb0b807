"""coordinator queue: notes, and the name and flag index tables the queue filters by

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_label", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["referral_id"], ["referral.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_referral_id"), ["referral_id"], unique=False)

    op.create_table(
        "referral_flag",
        sa.Column("flag", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["referral_id"], ["referral.id"]),
        sa.PrimaryKeyConstraint("flag", "referral_id"),
    )
    with op.batch_alter_table("referral_flag", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_flag_referral_id"), ["referral_id"], unique=False
        )

    op.create_table(
        "victim_name_key",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["referral_id"], ["referral.id"]),
        sa.PrimaryKeyConstraint("code", "referral_id"),
    )
    with op.batch_alter_table("victim_name_key", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_victim_name_key_referral_id"), ["referral_id"], unique=False
        )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(
            "ix_referral_queue",
            [
                "state",
                "pathway",
                "risk_band",
                "allocated_idva_id",
                "dash_score",
                "due_at",
                "received_at",
                "id",
            ],
            unique=False,
        )
    _backfill()


def _backfill() -> None:
    """Index the referrals that exist already, with the same functions the app uses."""
    from workflow.queue.keys import flags, name_codes

    referral = sa.table(
        "referral",
        sa.column("id", sa.Integer),
        sa.column("victim_name", sa.String),
        sa.column("victim_aliases", sa.JSON),
        sa.column("needs_review", sa.JSON),
        sa.column("rule_outcomes", sa.JSON),
        sa.column("consent", sa.String),
    )
    keys = sa.table("victim_name_key", sa.column("code"), sa.column("referral_id"))
    marks = sa.table("referral_flag", sa.column("flag"), sa.column("referral_id"))
    connection = op.get_bind()
    for row in connection.execute(sa.select(referral)):
        codes = name_codes([row.victim_name or "", *(row.victim_aliases or [])])
        found = flags(row.needs_review or [], row.rule_outcomes or [], row.consent)
        if codes:
            connection.execute(sa.insert(keys), [{"code": c, "referral_id": row.id} for c in codes])
        if found:
            connection.execute(
                sa.insert(marks), [{"flag": f, "referral_id": row.id} for f in found]
            )


def downgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_queue")
    with op.batch_alter_table("victim_name_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_victim_name_key_referral_id"))
    op.drop_table("victim_name_key")
    with op.batch_alter_table("referral_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_flag_referral_id"))
    op.drop_table("referral_flag")
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_referral_id"))
    op.drop_table("note")
