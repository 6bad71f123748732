"""What every benchmark arranges first: a signed-in owner, and waiting for an event's effect."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import httpx

PASSWORD = "correct horse battery staple"
WAIT_LIMIT_SECONDS = 60.0


def owner_headers(client: httpx.Client) -> dict[str, str]:
    """Register and log in a new user through the gateway; their Authorization header."""
    email = f"bench-owner-{uuid.uuid4().hex[:8]}@example.com"
    body = {"email": email, "password": PASSWORD, "display_name": "Bench Owner"}
    client.post("/api/v1/auth/register", json=body).raise_for_status()
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    login.raise_for_status()
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def wait_for(condition: Callable[[], bool]) -> None:
    """Poll until `condition` holds (an event reached another service), within a bound."""
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the system did not catch up")
        time.sleep(0.1)


async def member_headers(client: httpx.AsyncClient, identity_url: str) -> dict[str, str]:
    """Register and log in a new user straight at identity (no gateway): their
    Authorization header."""
    email = f"bench-member-{uuid.uuid4().hex[:12]}@example.com"
    body = {"email": email, "password": PASSWORD, "display_name": "Bench Member"}
    (await client.post(f"{identity_url}/api/v1/auth/register", json=body)).raise_for_status()
    login = await client.post(
        f"{identity_url}/api/v1/auth/login", json={"email": email, "password": PASSWORD}
    )
    login.raise_for_status()
    return {"Authorization": f"Bearer {login.json()['access_token']}"}
