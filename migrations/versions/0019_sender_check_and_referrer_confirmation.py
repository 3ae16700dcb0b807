"""sender check and referrer confirmation: the receiving server's SPF/DKIM/DMARC verdict kept on
each message; a one-time link (its hash kept) by which a web-form referrer confirms their address

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('referrer_confirmation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('referrer_confirmation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrer_confirmation_referral_id'), ['referral_id'], unique=False)

    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sender_check', sa.JSON(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.drop_column('sender_check')

    with op.batch_alter_table('referrer_confirmation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrer_confirmation_referral_id'))

    op.drop_table('referrer_confirmation')
