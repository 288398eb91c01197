"""dashboard snapshots

The dashboard's counts per scope, shared by every app server and refreshed by a job (services/dashboard.py);
a new table only: nothing to carry forward (the first view of each scope counts, as before).

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-26 18:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dashboard_snapshots',
    sa.Column('scope', sa.String(length=12), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_dashboard_snapshots'))
    )


def downgrade():
    op.drop_table('dashboard_snapshots')
