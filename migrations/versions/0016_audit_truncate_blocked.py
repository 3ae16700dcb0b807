"""audit truncate blocked: a statement-level trigger refuses TRUNCATE on audit_event (PostgreSQL)

The row triggers of 0001 refuse UPDATE and DELETE, but TRUNCATE fires no row trigger, so one
statement could empty the trail. SQLite has no TRUNCATE (its DELETE without WHERE fires the row
trigger), so nothing changes there.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
