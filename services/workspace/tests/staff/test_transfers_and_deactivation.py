"""Transfers between departments (with their history) and deactivation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx

from worksync.common.testing.problems import assert_problem
from worksync.workspace.testing import API, People, Workspaces


async def test_transfers_move_staff_and_are_recorded(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    sales, support, gone = [
        await workspaces.create_department(slug, ada, code) for code in ("SALES", "SUPPORT", "GONE")
    ]
    assert (
        await client.delete(
            f"{API}/workspaces/{slug}/departments/{gone['id']}", headers=ada.headers
        )
    ).status_code == 204
    profile = await workspaces.create_staff(
        slug, ada, bob, "B1", department_id=sales["id"], date_of_joining="2024-01-01"
    )
    url = f"{API}/workspaces/{slug}/staff/{profile['id']}"

    moved = await client.post(
        f"{url}/transfer",
        json={"department_id": support["id"], "effective_date": "2025-03-01", "note": "Reorg"},
        headers=ada.headers,
    )
    assert moved.status_code == 201, moved.text
    assert {k: moved.json()[k] for k in ("from_department_id", "to_department_id", "note")} == {
        "from_department_id": sales["id"],
        "to_department_id": support["id"],
        "note": "Reorg",
    }
    assert moved.json()["actor_id"] == str(ada.id)
    now = (await client.get(url, headers=bob.headers)).json()
    assert (now["department_id"], now["employment_status"]) == (support["id"], "active")

    refusals = [
        ({"department_id": support["id"]}, 409, "same_department", None),
        ({"department_id": gone["id"]}, 422, "unknown_reference", {"department_id"}),
        ({"department_id": str(uuid.uuid4())}, 422, "unknown_reference", {"department_id"}),
        (
            {"department_id": sales["id"], "effective_date": "2023-12-31"},
            422,
            "validation_failed",
            {"effective_date"},
        ),
        ({"department_id": sales["id"], "effective_date": "soon"}, 422, "validation_failed", None),
    ]
    for body, status, code, fields in refusals:
        response = await client.post(
            f"{url}/transfer",
            json={"effective_date": "2025-06-01", **body},
            headers=ada.headers,
        )
        assert_problem(response, status, code, fields=fields)

    back = await client.post(
        f"{url}/transfer",
        json={"department_id": sales["id"], "effective_date": "2025-06-01"},
        headers=ada.headers,
    )
    assert back.status_code == 201
    history = await client.get(f"{url}/transfers", headers=bob.headers)
    assert [
        (t["from_department_id"], t["to_department_id"], t["effective_date"])
        for t in history.json()["items"]
    ] == [
        (sales["id"], support["id"], "2025-03-01"),
        (support["id"], sales["id"], "2025-06-01"),
    ]

    await workspaces.post(
        f"/workspaces/{slug}/staff/{profile['id']}/deactivate", ada, {"status": "suspended"}
    )
    inactive = await client.post(
        f"{url}/transfer",
        json={"department_id": support["id"], "effective_date": "2025-07-01"},
        headers=ada.headers,
    )
    assert_problem(inactive, 409, "staff_inactive")


async def test_deactivation_resigns_or_suspends(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob, cy = [await people.register() for _ in range(3)]
    workspace = await workspaces.create(ada, settings={"timezone": "Pacific/Kiritimati"})
    slug = workspace["slug"]
    await workspaces.add_member(slug, ada, bob)
    await workspaces.add_member(slug, ada, cy)
    profile = await workspaces.create_staff(slug, ada, bob, "B1", date_of_joining="2024-01-01")
    url = f"{API}/workspaces/{slug}/staff/{profile['id']}"

    suspended = await client.post(
        f"{url}/deactivate", json={"status": "suspended", "reason": "Audit"}, headers=ada.headers
    )
    assert suspended.status_code == 200, suspended.text
    assert (
        suspended.json()["employment_status"],
        suspended.json()["date_of_leaving"],
        suspended.json()["leaving_reason"],
    ) == ("suspended", None, "Audit")
    assert_problem(
        await client.post(f"{url}/deactivate", json={"status": "suspended"}, headers=ada.headers),
        409,
        "staff_already_deactivated",
    )
    assert_problem(
        await client.post(
            f"{url}/deactivate", json={"date_of_leaving": "2023-01-01"}, headers=ada.headers
        ),
        422,
        "validation_failed",
        fields={"date_of_leaving"},
    )
    assert_problem(
        await client.post(f"{url}/deactivate", json={"status": "fired"}, headers=ada.headers),
        422,
        "validation_failed",
        fields={"status"},
    )
    # Today where the workspace is (Kiritimati is 14 hours ahead of UTC); read before and
    # after, in case the request ran across midnight there.
    kiritimati = ZoneInfo("Pacific/Kiritimati")
    before = datetime.now(UTC).astimezone(kiritimati).date().isoformat()
    resigned = await client.post(f"{url}/deactivate", json={}, headers=ada.headers)
    after = datetime.now(UTC).astimezone(kiritimati).date().isoformat()
    assert resigned.json()["employment_status"] == "resigned"
    assert resigned.json()["date_of_leaving"] in {before, after}
    # Others do not see the reason.
    seen_by_cy = (await client.get(url, headers=cy.headers)).json()
    assert seen_by_cy["leaving_reason"] is None

    other = await workspaces.create_staff(slug, ada, cy, "C1")
    given = await client.post(
        f"{API}/workspaces/{slug}/staff/{other['id']}/deactivate",
        json={"date_of_leaving": "2030-01-31"},
        headers=ada.headers,
    )
    assert given.json()["date_of_leaving"] == "2030-01-31"


async def test_a_leaving_status_set_by_hand_ends_department_management(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    department = await workspaces.create_department(slug, ada, "ENG", manager_id=str(bob.id))
    profile = await workspaces.create_staff(slug, ada, bob, "B1")
    assert profile["is_department_manager"] is True
    url = f"{API}/workspaces/{slug}/staff/{profile['id']}"
    changed = await client.patch(
        url, json={"employment_status": "transferred"}, headers=ada.headers
    )
    assert changed.json()["is_department_manager"] is False
    department_now = await client.get(
        f"{API}/workspaces/{slug}/departments/{department['id']}", headers=ada.headers
    )
    assert department_now.json()["manager_id"] is None
