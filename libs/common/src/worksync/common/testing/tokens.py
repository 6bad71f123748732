"""Minting access tokens in tests, signed by a throwaway key that the app under test trusts."""

from __future__ import annotations

import json
import time
from typing import Any
from uuid import UUID

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from worksync.common.auth import JwksCache, TokenVerifier
from worksync.common.ids import new_id


class TokenMinter:
    def __init__(self, *, issuer: str = "worksync-identity", audience: str = "worksync") -> None:
        self.issuer = issuer
        self.audience = audience
        self.kid = f"test-{new_id().hex[:12]}"
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key()))
        public.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [public]}

    def verifier(self) -> TokenVerifier:
        """A verifier that trusts this minter's key without any HTTP call."""
        jwks = self.jwks()

        async def source() -> dict[str, Any]:
            return jwks

        cache = JwksCache(source, max_age_seconds=float("inf"))
        return TokenVerifier(cache, issuer=self.issuer, audience=self.audience)

    def mint(
        self,
        user_id: UUID | None = None,
        *,
        email: str = "user@example.com",
        name: str = "Test User",
        email_verified: bool = True,
        ttl_seconds: int = 900,
        **overrides: Any,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": str(user_id or new_id()),
            "email": email,
            "name": name,
            "email_verified": email_verified,
            "iat": now,
            "exp": now + ttl_seconds,
            "jti": new_id().hex,
        }
        claims.update(overrides)
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})
