"""Opaque secrets (refresh, reset, verification and API tokens) and how they are stored.

They carry 256 bits of randomness, so a plain SHA-256 digest is enough to store them:
nobody can guess their way back from the digest, and lookups stay one index probe.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32


def new_opaque_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()
