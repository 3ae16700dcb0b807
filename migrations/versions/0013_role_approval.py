"""role approval: a case-reading role waits for a second administrator or manager

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = sa.Enum(
    "coordinator", "idva", "manager", "admin", name="role", native_enum=False, length=32
)


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pending_role", ROLE, nullable=True))
        batch_op.add_column(
            sa.Column(
                "pending_role_by", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "pending_role_new_account",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("pending_role_new_account")
        batch_op.drop_column("pending_role_by")
        batch_op.drop_column("pending_role")
