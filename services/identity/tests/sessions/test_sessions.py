"""GET /auth/sessions and DELETE /auth/sessions/{id}."""

from __future__ import annotations

import uuid

import httpx

from worksync.common.testing.problems import assert_problem
from worksync.identity.testing import Accounts

SESSIONS = "/api/v1/auth/sessions"


async def test_a_user_lists_own_live_sessions(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.create()
    second = await accounts.login(account.email, **{"User-Agent": "WorkSync Desktop/2.0"})
    assert second.status_code == 200
    response = await client.get(SESSIONS, headers=account.headers)
    assert response.status_code == 200
    page = response.json()
    assert page["next_cursor"] is None
    assert len(page["items"]) == 2
    newest, oldest = page["items"]
    assert newest["user_agent"] == "WorkSync Desktop/2.0"
    assert (newest["current"], oldest["current"]) == (False, True)
    assert newest["ip"] == "127.0.0.1"
    assert {"created_at", "last_used_at", "expires_at", "id"} <= newest.keys()
    assert "refresh" not in response.text

    paged = await client.get(SESSIONS, params={"limit": 1}, headers=account.headers)
    assert paged.json()["next_cursor"] is not None


async def test_a_user_revokes_an_own_session(client: httpx.AsyncClient, accounts: Accounts) -> None:
    account = await accounts.create()
    other = (await accounts.login(account.email)).json()
    sessions = (await client.get(SESSIONS, headers=account.headers)).json()["items"]
    other_id = next(s["id"] for s in sessions if not s["current"])
    response = await client.delete(f"{SESSIONS}/{other_id}", headers=account.headers)
    assert response.status_code == 204
    refresh = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": other["refresh_token"]}
    )
    assert_problem(refresh, 401, "invalid_refresh_token")
    remaining = (await client.get(SESSIONS, headers=account.headers)).json()["items"]
    assert [s["current"] for s in remaining] == [True]
    again = await client.delete(f"{SESSIONS}/{other_id}", headers=account.headers)
    assert_problem(again, 404, "session_not_found")


async def test_another_users_session_is_not_found(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    alice, mallory = await accounts.create(), await accounts.create()
    alices = (await client.get(SESSIONS, headers=alice.headers)).json()["items"][0]["id"]
    attempt = await client.delete(f"{SESSIONS}/{alices}", headers=mallory.headers)
    assert_problem(attempt, 404, "session_not_found")
    assert (await client.get("/api/v1/auth/me", headers=alice.headers)).status_code == 200
    unknown = await client.delete(f"{SESSIONS}/{uuid.uuid4()}", headers=mallory.headers)
    assert_problem(unknown, 404, "session_not_found")


async def test_sessions_need_a_login(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get(SESSIONS), 401, "unauthorized")
    assert_problem(await client.delete(f"{SESSIONS}/{uuid.uuid4()}"), 401, "unauthorized")
