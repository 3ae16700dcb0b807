"""contact log: how and when first contact was made, failed attempts, safe channels confirmed;
first contacts recorded before it are carried over with their channel unrecorded

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contact_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "made",
                "failed",
                "channel_confirmed",
                name="contactkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("withdrawn_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("withdrawn_by", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column(
            "withdrawn_reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contact_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_log_referral_id"), ["referral_id"], unique=False
        )
    op.execute(
        "INSERT INTO contact_log (referral_id, kind, at, channel, note, actor_label, recorded_at,"
        " withdrawn_by, withdrawn_reason)"
        " SELECT id, 'made', first_contact_at, '', 'Recorded before the contact log:"
        " the channel was not asked.', 'migration 0011', first_contact_at, '', ''"
        " FROM referral WHERE first_contact_at IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("contact_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_log_referral_id"))

    op.drop_table("contact_log")
