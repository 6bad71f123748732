"""Signing keys: the active one signs, retired ones stay published while tokens they signed live.

Rotation makes a new key active at once and retires the previous one; a retired key is
published until `retired_at + publication window` (the longest token lifetime plus a
margin for clock skew and for a token signed just as the rotation committed), after which
`prune` deletes it. Decrypted private keys are cached per process by kid; which kid is
active is read from the database on each signature, so every replica follows a rotation
at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.clock import utc_now
from worksync.identity.config import IdentitySettings
from worksync.identity.keys.crypto import ALGORITHM, generate_key, load_private_key
from worksync.identity.keys.repository import SigningKeyRepository
from worksync.identity.models import SigningKey

PUBLICATION_MARGIN = timedelta(minutes=1)


@dataclass(frozen=True)
class KeyStatus:
    kid: str
    created_at: datetime
    activated_at: datetime
    retired_at: datetime | None
    published: bool


class KeyService:
    def __init__(self, settings: IdentitySettings) -> None:
        self._secret = settings.key_encryption_secret.get_secret_value()
        longest_token = max(
            settings.access_token_ttl_seconds, settings.api_token_access_ttl_seconds
        )
        self.publication_window = timedelta(seconds=longest_token) + PUBLICATION_MARGIN
        self._private_keys: dict[str, rsa.RSAPrivateKey] = {}

    async def ensure_active_key(self, session: AsyncSession) -> str:
        """The active kid, creating a first key if there is none (safe across processes)."""
        repository = SigningKeyRepository(session)
        await repository.lock()
        kid = await repository.active_kid()
        if kid is None:
            kid = await self._add_new_key(repository, utc_now())
        return kid

    async def rotate(self, session: AsyncSession) -> str:
        """Activate a new key and retire the current one; returns the new kid."""
        repository = SigningKeyRepository(session)
        await repository.lock()
        now = utc_now()
        await repository.retire_active(now)
        return await self._add_new_key(repository, now)

    async def prune(self, session: AsyncSession) -> Sequence[str]:
        """Delete retired keys that can no longer verify any unexpired token."""
        repository = SigningKeyRepository(session)
        await repository.lock()
        return await repository.delete_retired_before(self._publication_cutoff())

    async def statuses(self, session: AsyncSession) -> list[KeyStatus]:
        cutoff = self._publication_cutoff()
        return [
            KeyStatus(
                kid=key.kid,
                created_at=key.created_at,
                activated_at=key.activated_at,
                retired_at=key.retired_at,
                published=key.retired_at is None or key.retired_at > cutoff,
            )
            for key in await SigningKeyRepository(session).all()
        ]

    async def published_jwks(self, session: AsyncSession) -> dict[str, Any]:
        keys = await SigningKeyRepository(session).published(self._publication_cutoff())
        return {"keys": [key.public_jwk for key in keys]}

    async def sign(self, session: AsyncSession, claims: dict[str, Any]) -> str:
        """A JWT over `claims`, signed by the active key and naming it in `kid`."""
        repository = SigningKeyRepository(session)
        kid = await repository.active_kid()
        if kid is None:
            raise RuntimeError("no active signing key; the API creates one at start-up")
        private_key = self._private_keys.get(kid)
        if private_key is None:
            pem = await repository.private_key_pem(kid)
            if pem is None:
                raise RuntimeError(f"signing key {kid} vanished")
            private_key = await asyncio.to_thread(load_private_key, pem, self._secret)
            self._private_keys[kid] = private_key
        return jwt.encode(claims, private_key, algorithm=ALGORITHM, headers={"kid": kid})

    def _publication_cutoff(self) -> datetime:
        return utc_now() - self.publication_window

    async def _add_new_key(self, repository: SigningKeyRepository, now: datetime) -> str:
        generated = await asyncio.to_thread(generate_key, self._secret)
        await repository.add(
            SigningKey(
                kid=generated.kid,
                private_key_pem=generated.private_key_pem,
                public_jwk=generated.public_jwk,
                activated_at=now,
            )
        )
        return generated.kid
