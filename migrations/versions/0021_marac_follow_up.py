"""marac follow-up: when a case's minutes were published to the invited agencies, and the reason
a MARAC referral was allocated "MARAC only", with no IDVA (issue 18)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 23:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('marac_listing', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('minutes_published_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'marac_only_reason',
                sqlmodel.sql.sqltypes.AutoString(length=2000),
                server_default='',
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_column('marac_only_reason')
    with op.batch_alter_table('marac_listing', schema=None) as batch_op:
        batch_op.drop_column('minutes_published_at')
