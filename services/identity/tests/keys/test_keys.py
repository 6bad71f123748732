"""Signing keys: JWKS, rotation, pruning, the CLI, and the first key made once."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import httpx
import jwt
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.db import create_engine, create_sessionmaker
from worksync.common.testing.migrate import upgrade_to_head
from worksync.identity.config import IdentitySettings
from worksync.identity.keys.__main__ import run_command
from worksync.identity.keys.service import KeyService
from worksync.identity.models import SigningKey
from worksync.identity.testing import Accounts

JWKS = "/.well-known/jwks.json"
ME = "/api/v1/auth/me"


def _kid(token: str) -> str:
    kid: str = jwt.get_unverified_header(token)["kid"]
    return kid


async def _published_kids(client: httpx.AsyncClient) -> list[str]:
    return [key["kid"] for key in (await client.get(JWKS)).json()["keys"]]


async def _cli(command: str, settings: IdentitySettings) -> str:
    out = io.StringIO()
    await run_command(command, settings, out)
    return out.getvalue()


async def test_the_jwks_publishes_public_keys_only(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.create()
    response = await client.get(JWKS)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    keys = response.json()["keys"]
    active = next(key for key in keys if key["kid"] == _kid(account.access_token))
    assert (active["kty"], active["alg"], active["use"]) == ("RSA", "RS256", "sig")
    assert not {"d", "p", "q", "dp", "dq", "qi"} & active.keys()
    public_key = jwt.PyJWK(active).key
    assert jwt.decode(account.access_token, public_key, algorithms=["RS256"], audience="worksync")


async def test_rotation_keeps_old_tokens_valid_and_prune_drops_expired_keys(
    client: httpx.AsyncClient,
    accounts: Accounts,
    settings: IdentitySettings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    before = await accounts.create()
    old_kid = _kid(before.access_token)

    output = await _cli("rotate", settings)
    new_kid = output.split()[-1]
    assert new_kid != old_kid

    assert (await client.get(ME, headers=before.headers)).status_code == 200
    assert set(await _published_kids(client)) >= {old_kid, new_kid}
    after = await accounts.create()
    assert _kid(after.access_token) == new_kid
    assert (await client.get(ME, headers=after.headers)).status_code == 200

    listing = await _cli("list", settings)
    assert f"{new_kid}  activated" in listing
    assert any(
        old_kid in line and "retired" in line and "  published" in line
        for line in listing.splitlines()
    )

    assert old_kid not in await _cli("prune", settings), "still verifies unexpired tokens"
    async with sessionmaker.begin() as session:
        await session.execute(
            update(SigningKey)
            .where(SigningKey.kid == old_kid)
            .values(
                activated_at=func.now() - timedelta(days=2),
                retired_at=func.now() - timedelta(days=1),
            )
        )
    assert old_kid not in await _published_kids(client)
    assert old_kid in await _cli("prune", settings)
    async with sessionmaker() as session:
        assert await session.get(SigningKey, old_kid) is None
    assert new_kid in await _published_kids(client)


async def test_private_keys_are_stored_encrypted(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        pems = (await session.scalars(select(SigningKey.private_key_pem))).all()
    assert pems
    assert all(pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----") for pem in pems)


async def test_processes_starting_together_make_one_first_key(
    worksync_fresh_database_url: str, alembic_ini: Path, settings: IdentitySettings
) -> None:
    await asyncio.to_thread(upgrade_to_head, alembic_ini, worksync_fresh_database_url)
    engine = create_engine(worksync_fresh_database_url, pool_size=4)
    sessionmaker = create_sessionmaker(engine)

    async def start_one() -> str:
        async with sessionmaker.begin() as session:
            return await KeyService(settings).ensure_active_key(session)

    try:
        kids = await asyncio.gather(*(start_one() for _ in range(4)))
        async with sessionmaker() as session:
            stored = await session.scalar(select(func.count()).select_from(SigningKey))
    finally:
        await engine.dispose()
    assert len(set(kids)) == 1
    assert stored == 1


async def test_the_cli_runs_as_a_module(database_url: str) -> None:
    environment = {**os.environ, "IDENTITY_DATABASE_URL": database_url, "WORKSYNC_LOG_JSON": "0"}
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "worksync.identity.keys", "list"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "active" in result.stdout
