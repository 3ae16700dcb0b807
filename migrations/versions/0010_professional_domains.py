"""professional domains: the referrer-domain list moves from code into a table an admin keeps

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The list the service starts with (frozen here: a migration must not follow later code). The
# statutory agencies as before, schools (sch.uk) and colleges and universities (ac.uk), then local
# charities and housing providers that refer: an administrator edits these in the app.
SEED = (
    ("police.uk", "Police forces"),
    ("pnn.police.uk", "Police (PNN)"),
    ("nhs.net", "NHS mail"),
    ("nhs.uk", "NHS organisations"),
    ("gov.uk", "Central and local government"),
    ("cambridgeshire.gov.uk", "Cambridgeshire County Council"),
    ("peterborough.gov.uk", "Peterborough City Council"),
    ("cambridge.gov.uk", "Cambridge City Council"),
    ("huntingdonshire.gov.uk", "Huntingdonshire District Council"),
    ("fenland.gov.uk", "Fenland District Council"),
    ("eastcambs.gov.uk", "East Cambridgeshire District Council"),
    ("scambs.gov.uk", "South Cambridgeshire District Council"),
    ("justice.gov.uk", "Courts, prisons and probation"),
    ("probation.gov.uk", "Probation Service"),
    ("cjsm.net", "Criminal Justice Secure Mail"),
    ("sch.uk", "Schools"),
    ("ac.uk", "Colleges and universities"),
    ("cambridgewomensaid.org.uk", "Cambridge Women's Aid (local charity)"),
    ("refuge.org.uk", "Refuge (charity)"),
    ("victimsupport.org.uk", "Victim Support (charity)"),
    ("crosskeyshomes.co.uk", "Cross Keys Homes (housing provider)"),
    ("sanctuary-housing.co.uk", "Sanctuary Housing (housing provider)"),
)


def upgrade() -> None:
    table = op.create_table(
        "professional_domain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("agency", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("added_by", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("domain"),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        table,
        [{"domain": d, "agency": a, "added_by": "", "added_at": now} for d, a in SEED],
    )


def downgrade() -> None:
    op.drop_table("professional_domain")
