"""Status-page tokens of receipts.

Each issue of a receipt gets a random salt (128 bits from `secrets`); its token is
HMAC-SHA256(RECEIPT_KEY, salt), cut to 192 bits and base64url-encoded (32 characters). The database
keeps the salt and the SHA-256 of the token, never the token: a leaked database alone neither holds nor
can derive working links (that needs the key, which lives in the environment), while the receipt page can
always re-derive the token to print it again. Look-ups hash the presented token and find it by an index.
Changing RECEIPT_KEY (or SECRET_KEY when RECEIPT_KEY is unset) invalidates every printed QR code.
"""
import base64
import hashlib
import hmac
import re
import secrets

TOKEN_BYTES = 24


def new_salt() -> str:
    return secrets.token_hex(16)


def derive_token(key: bytes, salt: str) -> str:
    digest = hmac.new(key, bytes.fromhex(salt), hashlib.sha256).digest()[:TOKEN_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")  # base64url of TOKEN_BYTES


def looks_like_token(token: str) -> bool:
    return TOKEN.fullmatch(token) is not None
