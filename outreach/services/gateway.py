"""Message gateways: how an automatic message leaves the app. One adapter ships, `http`: a JSON POST signed with
HMAC-SHA256, so that any SMS or WhatsApp provider (or an Android phone running an SMS-gateway app) can sit behind
a small receiver.

Contract (README, "Messages to workers"): POST to MESSAGE_GATEWAY_URL with the body
{"id", "to" (E.164), "text", "event", "registration" (the registration number)} and the header
`X-Outreach-Signature: sha256=<hex HMAC-SHA256 of the raw body keyed with MESSAGE_GATEWAY_SECRET>`. Any 2xx
answer means sent; anything else (a redirect too), or no answer within the timeout (10 s), is tried again later.
"""
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

SIGNATURE_HEADER = "X-Outreach-Signature"


@dataclass(frozen=True)
class Outgoing:
    id: int
    to: str
    text: str
    event: str
    registration: str


@dataclass(frozen=True)
class Result:
    ok: bool
    error: str | None = None


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signed(secret: str, body: bytes, header: str | None) -> bool:
    """Whether a request's signature header is the body's, in constant time (the reply webhook)."""
    return (bool(secret) and isinstance(header, str) and header.isascii()  # compare_digest refuses other str
            and hmac.compare_digest(signature(secret, body), header.strip()))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not a 2xx: the message is not taken as sent, and never POSTed on to another address."""

    def redirect_request(self, *args, **kwargs):
        return None


class HttpGateway:
    def __init__(self, url: str, secret: str, timeout: float = 10):
        self.url, self.secret, self.timeout = url, secret, timeout
        self.opener = urllib.request.build_opener(NoRedirect)

    def body(self, message: Outgoing) -> bytes:
        return json.dumps({"id": message.id, "to": message.to, "text": message.text, "event": message.event,
                           "registration": message.registration}, ensure_ascii=False).encode("utf-8")

    def send(self, message: Outgoing) -> Result:
        body = self.body(message)
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", SIGNATURE_HEADER: signature(self.secret, body)})
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            return Result(False, f"HTTP {error.code}")
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            return Result(False, f"{type(reason).__name__}: {reason}"[:200])
        return Result(True) if 200 <= status < 300 else Result(False, f"HTTP {status}")


ADAPTERS = {"http": HttpGateway}


def from_config(cfg) -> HttpGateway | None:
    """The configured gateway, or None when no MESSAGE_GATEWAY_URL is set (nothing is sent automatically)."""
    if not cfg.get("MESSAGE_GATEWAY_URL"):
        return None
    name = cfg.get("MESSAGE_GATEWAY", "http")
    if name not in ADAPTERS:
        raise RuntimeError(f"MESSAGE_GATEWAY must be one of {', '.join(ADAPTERS)}, not {name!r}")
    return ADAPTERS[name](cfg["MESSAGE_GATEWAY_URL"], cfg.get("MESSAGE_GATEWAY_SECRET", ""),
                          cfg.get("MESSAGE_GATEWAY_TIMEOUT", 10))
