"""message.request_key and message.failed: a chat message's idempotency key, and the record of an
answer that failed after its tool calls ran (so a retry does not run them again)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("message", sa.Column("request_key", sa.String(length=100), nullable=True))
    op.add_column("message", sa.Column("failed", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ix_message_request_key", "message", ["request_key"])


def downgrade() -> None:
    op.drop_index("ix_message_request_key", table_name="message")
    with op.batch_alter_table("message") as batch:  # SQLite drops a column by rebuilding the table
        batch.drop_column("failed")
        batch.drop_column("request_key")
