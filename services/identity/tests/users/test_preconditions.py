"""Optimistic concurrency of accounts: `ETag` is the account's version; changes and the
deactivation honour `If-Match`; every change is a new version, recorded as an event or not."""

from __future__ import annotations

import httpx

from worksync.common.testing.preconditions import (
    assert_delete_honours_if_match,
    assert_honours_if_match,
)
from worksync.identity.testing import Accounts

TIMEZONES = ["Europe/Paris", "Asia/Tokyo", "America/Lima", "Africa/Cairo", "Europe/Oslo"]


async def test_own_account(accounts: Accounts, client: httpx.AsyncClient) -> None:
    account = await accounts.create()
    await assert_honours_if_match(
        client, "/api/v1/auth/me", account.headers, lambda n: {"display_name": f"Ada {n}"}
    )
    # Preferences are in no event, yet a change of them is a new version too.
    await assert_honours_if_match(
        client,
        "/api/v1/auth/me",
        account.headers,
        lambda n: {"preferences": {"timezone": TIMEZONES[n]}},
    )


async def test_accounts_managed_by_admins(accounts: Accounts, client: httpx.AsyncClient) -> None:
    admin = await accounts.create(admin=True)
    user = await accounts.create()
    url = f"/api/v1/users/{user.id}"
    await assert_honours_if_match(client, url, admin.headers, lambda n: {"display_name": f"Bo {n}"})
    await assert_delete_honours_if_match(client, url, admin.headers)
    deactivated = await client.get(url, headers=admin.headers)
    assert deactivated.json()["is_active"] is False


async def test_co_members_see_a_profile_without_a_version(
    accounts: Accounts, client: httpx.AsyncClient
) -> None:
    account = await accounts.create()
    own = await client.get(f"/api/v1/users/{account.id}", headers=account.headers)
    assert own.headers["ETag"] == f'"{own.json()["version"]}"'
