"""SQL of the signing keys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select, update

from worksync.common.repository import Repository
from worksync.identity.models import SigningKey


class SigningKeyRepository(Repository):
    async def lock(self) -> None:
        """Serialise key creation and removal across processes until the transaction ends."""
        await self.lock_key("identity.signing_keys")

    async def active_kid(self) -> str | None:
        return await self.session.scalar(
            select(SigningKey.kid).where(SigningKey.retired_at.is_(None))
        )

    async def private_key_pem(self, kid: str) -> bytes | None:
        return await self.session.scalar(
            select(SigningKey.private_key_pem).where(SigningKey.kid == kid)
        )

    async def published(self, retired_after: datetime) -> Sequence[SigningKey]:
        """The active key and those retired after `retired_after`, newest first."""
        return (
            await self.session.scalars(
                select(SigningKey)
                .where(or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > retired_after))
                .order_by(SigningKey.activated_at.desc())
            )
        ).all()

    async def all(self) -> Sequence[SigningKey]:
        return (
            await self.session.scalars(select(SigningKey).order_by(SigningKey.activated_at))
        ).all()

    async def retire_active(self, at: datetime) -> None:
        await self.session.execute(
            update(SigningKey).where(SigningKey.retired_at.is_(None)).values(retired_at=at)
        )

    async def delete_retired_before(self, cutoff: datetime) -> Sequence[str]:
        result = await self.session.execute(
            delete(SigningKey).where(SigningKey.retired_at < cutoff).returning(SigningKey.kid)
        )
        return result.scalars().all()
