"""receipts for every registration

Registrations saved before receipts existed (revision 0003) got their first receipt the first time someone
opened it, which made a read path write and commit. This gives each of them its receipt now, issued by its
officer at its registration time, so that reading a receipt never writes. No schema change.

The token derivation is written out here (as outreach/domain/tokens.py does it today) so that this revision
keeps meaning the same thing whatever later code does. It needs the app's key: run through `flask db upgrade`.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 14:00:00

"""
import hashlib
import hmac
import secrets
import base64

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def receipt_key() -> bytes:
    from flask import current_app
    key = current_app.config.get("RECEIPT_KEY")
    if key:
        return key.encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"outreach receipt tokens", hashlib.sha256).digest()


def token_hash(key: bytes, salt: str) -> str:
    token = base64.urlsafe_b64encode(hmac.new(key, bytes.fromhex(salt), hashlib.sha256).digest()[:24]).decode().rstrip("=")
    return hashlib.sha256(token.encode()).hexdigest()


def upgrade():
    bind = op.get_bind()
    missing = bind.execute(sa.text(
        "SELECT r.id, r.officer_id, r.created_at FROM registrations r "
        "WHERE NOT EXISTS (SELECT 1 FROM receipts c WHERE c.registration_id = r.id AND c.replaced_at IS NULL)")).all()
    if not missing:
        return
    key = receipt_key()
    receipts = sa.table("receipts", sa.column("registration_id"), sa.column("salt"), sa.column("token_hash"),
                        sa.column("issued_by"), sa.column("issued_at"))
    rows = []
    for registration_id, officer_id, created_at in missing:
        salt = secrets.token_hex(16)
        rows.append({"registration_id": registration_id, "salt": salt, "token_hash": token_hash(key, salt),
                     "issued_by": officer_id, "issued_at": created_at})
    op.bulk_insert(receipts, rows)


def downgrade():
    pass  # the receipts stay valid: an earlier code reads them as it reads any other
