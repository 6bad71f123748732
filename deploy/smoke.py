"""Smoke check of a running WorkSync, through its gateway (the chart's `helm test` runs it).

Registers a user, logs in, creates a workspace, a project and an issue, logs time on the
issue and reads it back: from time tracking at once, and from the issue once the event has
travelled through the broker to work-items (so the workers and RabbitMQ are checked too).

    SMOKE_BASE_URL=http://worksync-gateway python smoke.py

Exits 0 when every step answered as expected, 1 with the failing step otherwise.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

PASSWORD = "smoke check " + uuid.uuid4().hex
LOGGED_MINUTES = 30


class SmokeFailed(Exception):
    """A step answered something other than what a working system answers."""


def expect(response: httpx.Response, status: int, step: str) -> Any:
    if response.status_code != status:
        raise SmokeFailed(f"{step}: HTTP {response.status_code} {response.text[:500]}")
    return response.json()


def wait_for(step: str, check: Callable[[], bool], timeout_seconds: float) -> None:
    """Ask `check()` until it is true: events reach other services a moment later."""
    deadline = time.monotonic() + timeout_seconds
    while not check():
        if time.monotonic() > deadline:
            raise SmokeFailed(f"{step}: not seen within {timeout_seconds:.0f} s")
        time.sleep(1)


def run(client: httpx.Client, event_timeout_seconds: float) -> None:
    suffix = uuid.uuid4().hex[:10]
    email = f"smoke-{suffix}@example.com"
    expect(
        client.post(
            "/api/v1/auth/register",
            json={"email": email, "password": PASSWORD, "display_name": "Smoke Check"},
        ),
        201,
        "register",
    )
    tokens = expect(
        client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD}),
        200,
        "log in",
    )
    client.headers["authorization"] = f"Bearer {tokens['access_token']}"

    slug = f"smoke-{suffix}"
    expect(
        client.post(
            "/api/v1/workspaces",
            json={"slug": slug, "name": "Smoke check", "settings": {"timezone": "UTC"}},
        ),
        201,
        "create a workspace",
    )
    project = expect(
        client.post(
            f"/api/v1/workspaces/{slug}/projects", json={"identifier": "SMK", "name": "Smoke"}
        ),
        201,
        "create a project",
    )
    project_path = f"/api/v1/workspaces/{slug}/projects/{project['id']}"
    issue = expect(
        client.post(
            f"{project_path}/issues", json={"title": "Smoke check", "estimate_minutes": 60}
        ),
        201,
        "create an issue",
    )
    issue_path = f"{project_path}/issues/{issue['id']}"
    worklog = expect(
        client.post(
            f"{issue_path}/worklogs",
            json={"duration_minutes": LOGGED_MINUTES, "description": "smoke check"},
        ),
        201,
        "log time",
    )
    read_back = expect(client.get(f"{issue_path}/worklogs/{worklog['id']}"), 200, "read it back")
    if read_back["duration_minutes"] != LOGGED_MINUTES:
        raise SmokeFailed(f"read it back: {read_back}")
    wait_for(
        "logged minutes on the issue",
        lambda: (
            expect(client.get(issue_path), 200, "read the issue")["logged_minutes"]
            == LOGGED_MINUTES
        ),
        event_timeout_seconds,
    )


def main() -> int:
    base_url = os.environ.get("SMOKE_BASE_URL", "http://localhost:8000")
    event_timeout_seconds = float(os.environ.get("SMOKE_EVENT_TIMEOUT_SECONDS", "60"))
    with httpx.Client(base_url=base_url, timeout=15) as client:
        try:
            run(client, event_timeout_seconds)
        except (SmokeFailed, httpx.HTTPError) as error:
            print(f"smoke check failed at {base_url}: {error}", file=sys.stderr)
            return 1
    print(f"smoke check passed at {base_url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
