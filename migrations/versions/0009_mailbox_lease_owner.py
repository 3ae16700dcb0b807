"""mailbox lease owner: the host:pid holding the poll lease, so a crashed cycle's lease is taken
over at once instead of after it runs out

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mailbox_status", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "lease_owner",
                sqlmodel.sql.sqltypes.AutoString(length=300),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("mailbox_status", schema=None) as batch_op:
        batch_op.drop_column("lease_owner")
