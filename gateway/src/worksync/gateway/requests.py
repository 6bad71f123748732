"""One pass over the request headers: what the gateway needs, and what it forwards."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from random import getrandbits

# A client's own request id is kept when it is short and plain; anything else is replaced,
# so ids are safe to log and to echo.
_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:+=/-]{1,128}")


def new_request_id() -> str:
    # Unique, not secret: the PRNG avoids a getrandom() system call per request.
    return f"{getrandbits(128):032x}"


@dataclass(slots=True)
class IncomingHeaders:
    # Forwarded as they came.
    forward: list[tuple[bytes, bytes]] = field(default_factory=list)
    authorization: bytes | None = None
    request_id: str | None = None
    origin: bytes | None = None
    preflight_method: bytes | None = None
    preflight_headers: bytes | None = None
    forwarded_for: bytes | None = None
    host: bytes | None = None
    content_length: int | None = None
    chunked: bool = False
    # Set when a header is malformed in a way that must be refused (400).
    invalid: str | None = None


def parse_headers(
    raw_headers: Iterable[tuple[bytes, bytes]], dropped: frozenset[bytes]
) -> IncomingHeaders:
    """`dropped` names are not forwarded; the few the gateway reads are picked out here.
    Names arrive lower-cased (ASGI)."""
    incoming = IncomingHeaders()
    forward = incoming.forward
    connection_options: list[bytes] = []
    for name, value in raw_headers:
        if name in dropped:
            if name == b"authorization":
                incoming.authorization = value
            elif name == b"host":
                incoming.host = value
            elif name == b"content-length":
                if not value.isdigit() or (
                    incoming.content_length is not None and incoming.content_length != int(value)
                ):
                    incoming.invalid = "The Content-Length header is not valid"
                else:
                    incoming.content_length = int(value)
            elif name == b"transfer-encoding":
                incoming.chunked = True
            elif name == b"x-request-id":
                if _REQUEST_ID.fullmatch(value):
                    incoming.request_id = value.decode()
            elif name == b"x-forwarded-for":
                previous = incoming.forwarded_for
                incoming.forwarded_for = value if previous is None else previous + b", " + value
            elif name == b"connection":
                connection_options += (
                    option.strip().lower() for option in value.split(b",") if option.strip()
                )
            continue
        if name == b"origin":
            incoming.origin = value
        elif name == b"access-control-request-method":
            incoming.preflight_method = value
        elif name == b"access-control-request-headers":
            incoming.preflight_headers = value
        forward.append((name, value))
    if incoming.chunked and incoming.content_length is not None:
        incoming.invalid = "Content-Length and Transfer-Encoding must not both be sent"
    if connection_options:
        # Headers named in Connection are hop-by-hop for this one request (RFC 9110 §7.6.1).
        named = set(connection_options) - {b"keep-alive", b"close"}
        if named:
            incoming.forward = [(n, v) for n, v in forward if n not in named]
    return incoming
