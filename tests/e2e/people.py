"""Who the end-to-end scenarios act as: users registered and signed in through the gateway."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import httpx

PASSWORD = "correct horse battery staple"


class Person:
    def __init__(self, client: httpx.Client, name: str) -> None:
        self.email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
        registered = client.post(
            "/api/v1/auth/register",
            json={"email": self.email, "password": PASSWORD, "display_name": name.title()},
        )
        assert registered.status_code == 201, registered.text
        self.id: str = registered.json()["id"]
        login = client.post("/api/v1/auth/login", json={"email": self.email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        self.headers = {"Authorization": f"Bearer {login.json()['access_token']}"}


def eventually(check: Callable[[], bool], *, seconds: float = 30.0) -> None:
    """Wait (bounded) for something that an event carries from one service to another."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the event never arrived"
        time.sleep(0.2)
