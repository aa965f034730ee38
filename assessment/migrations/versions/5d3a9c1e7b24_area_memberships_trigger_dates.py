"""memberships limited to an area; expected dates of context triggers

Revision ID: 5d3a9c1e7b24
Revises: a3c91f0d7b24
Create Date: 2026-11-22 02:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d3a9c1e7b24"
down_revision: str | None = "a3c91f0d7b24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("area", sa.String(length=200), nullable=True))
    with op.batch_alter_table("trigger_flags", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expected_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("trigger_flags", schema=None) as batch_op:
        batch_op.drop_column("expected_on")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_column("area")
