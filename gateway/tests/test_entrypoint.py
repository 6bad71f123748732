"""`python -m worksync.gateway` as a real process: uvloop, httptools, settings from env."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid

import httpx

from worksync.common.testing.tokens import TokenMinter

from .fakes import FakeUpstream, closed_port
from .serving import INTERNAL_SECRET

STARTUP_POLLS = 300
STARTUP_POLL_SECONDS = 0.05


async def test_the_gateway_process_serves(identity: FakeUpstream, minter: TokenMinter) -> None:
    port = closed_port()
    env = {
        **os.environ,
        "GATEWAY_HOST": "127.0.0.1",
        "GATEWAY_PORT": str(port),
        "GATEWAY_IDENTITY_URL": identity.url,
        "GATEWAY_INTERNAL_SECRET": INTERNAL_SECRET,
        "GATEWAY_JWT_ISSUER": minter.issuer,
        "GATEWAY_JWT_AUDIENCE": minter.audience,
        "GATEWAY_ACCESS_LOG": "true",
        "GATEWAY_LOG_LEVEL": "WARNING",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "worksync.gateway", env=env, stdout=asyncio.subprocess.DEVNULL
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(STARTUP_POLLS):
                try:
                    if (await client.get("/livez")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.returncode is None, "the gateway exited"
                await asyncio.sleep(STARTUP_POLL_SECONDS)
            token = minter.mint()
            response = await client.get(
                "/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}
            )
            assert response.status_code == 200
            assert response.json()["headers"]["authorization"] == f"Bearer {token}"
            api_token = f"wsp_{uuid.uuid4().hex}"
            identity.api_tokens[api_token] = uuid.uuid4()
            response = await client.get(
                "/api/v1/users/me", headers={"Authorization": f"Bearer {api_token}"}
            )
            assert response.status_code == 200
            assert (await client.get("/readyz")).json()["checks"] == {"identity": "ok"}
        # Served with the edge limits: an oversized header is refused.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /livez HTTP/1.1\r\nhost: x\r\nx-big: " + b"a" * 65536 + b"\r\n\r\n")
        answer = await asyncio.wait_for(reader.read(), 10)
        writer.close()
        assert answer.startswith(b"HTTP/1.1 431 ")
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    # uvicorn shuts down gracefully, then re-raises the signal as its exit status.
    assert process.returncode in (0, -signal.SIGTERM)
