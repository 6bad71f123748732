"""The activity feed: every change to an issue in the change's transaction, one row per
field; the issue's and the project's feeds with keyset pages and filters; time logged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.workspace_events import republished
from worksync.work_items.models import IssueActivity
from worksync.work_items.testing import Api, World, entry_event


async def feed(
    api: Api, world: World, issue: dict[str, Any], user: SeededUser | None = None, **params: Any
) -> list[dict[str, Any]]:
    page = await api.get(
        world.url(f"/issues/{issue['id']}/activity"), user or world.member, **params
    )
    items: list[dict[str, Any]] = page["items"]
    return items


async def test_creation_and_each_changed_field_are_rows_with_old_and_new(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    states = await api.states(world)
    label = await api.label(world, "Bug")
    issue = await api.issue(world, title="First")
    response = await client.patch(
        world.url(f"/issues/{issue['id']}"),
        json={
            "title": "Second",
            "state_id": states["Todo"]["id"],
            "label_ids": [label["id"]],
            "priority": "none",  # unchanged: no row
        },
        headers=world.admin.headers,
    )
    assert response.status_code == 200, response.text
    rows = await feed(api, world, issue, sort="occurred_at")
    assert [row["kind"] for row in rows] == ["created", "updated", "updated", "updated"]
    assert rows[0]["actor_id"] == str(world.member.id)
    changes = {row["field"]: (row["old_value"], row["new_value"]) for row in rows[1:]}
    assert changes == {
        "title": ("First", "Second"),
        "state_id": (states["Backlog"]["id"], states["Todo"]["id"]),
        "label_ids": ([], [label["id"]]),
    }
    assert {row["actor_id"] for row in rows[1:]} == {str(world.admin.id)}
    # Newest first by default.
    assert await feed(api, world, issue) == list(reversed(rows))


async def test_a_no_op_patch_writes_nothing(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    issue = await api.issue(world, title="Same")
    response = await client.patch(
        world.url(f"/issues/{issue['id']}"),
        json={"title": "Same", "priority": "none"},
        headers=world.member.headers,
    )
    assert response.status_code == 200
    assert [row["kind"] for row in await feed(api, world, issue)] == ["created"]


async def test_a_refused_patch_writes_nothing(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    issue = await api.issue(world)
    response = await client.patch(
        world.url(f"/issues/{issue['id']}"),
        json={"title": "Other", "state_id": str(new_id())},
        headers=world.member.headers,
    )
    assert_problem(response, 422, "unknown_reference")
    assert len(await feed(api, world, issue)) == 1


async def test_delete_and_restore_and_deleted_issues_feed(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    issue = await api.issue(world)
    url = world.url(f"/issues/{issue['id']}")
    assert (await client.delete(url, headers=world.admin.headers)).status_code == 204
    # Hidden like the issue, except from project admins.
    response = await client.get(f"{url}/activity", headers=world.member.headers)
    assert_problem(response, 404, "issue_not_found")
    assert [row["kind"] for row in await feed(api, world, issue, world.admin)] == [
        "deleted",
        "created",
    ]
    assert (await client.post(f"{url}/restore", headers=world.admin.headers)).status_code == 200
    assert (await feed(api, world, issue))[0]["kind"] == "restored"


async def test_a_deleted_label_and_a_deleted_state_show_on_their_issues(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    label = await api.label(world, "Gone")
    issue = await api.issue(world, label_ids=[label["id"]])
    response = await client.delete(world.url(f"/labels/{label['id']}"), headers=world.admin.headers)
    assert response.status_code == 204
    latest = (await feed(api, world, issue))[0]
    assert (latest["field"], latest["old_value"], latest["new_value"]) == (
        "label_ids",
        [label["id"]],
        [],
    )
    assert latest["actor_id"] == str(world.admin.id)


async def test_project_feed_pages_and_filters(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    start = datetime.now(UTC) - timedelta(seconds=1)
    issues = [await api.issue(world, title=f"Issue {n}") for n in range(3)]
    for issue in issues:
        response = await client.patch(
            world.url(f"/issues/{issue['id']}"),
            json={"priority": "high"},
            headers=world.admin.headers,
        )
        assert response.status_code == 200
    seen: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = await api.get(world.url("/activity"), world.guest, **params)
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 6
    assert len({row["id"] for row in seen}) == 6
    keys = [(row["occurred_at"], row["id"]) for row in seen]
    assert keys == sorted(keys, reverse=True)
    by_admin = await api.get(world.url("/activity"), world.member, actor=str(world.admin.id))
    assert {row["kind"] for row in by_admin["items"]} == {"updated"}
    assert len(by_admin["items"]) == 3
    created = await api.get(world.url("/activity"), world.member, kind="created")
    assert len(created["items"]) == 3
    both = await api.get(world.url("/activity"), world.member, kind=["created", "updated"])
    assert len(both["items"]) == 6
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert (await api.get(world.url("/activity"), world.member, since=future))["items"] == []
    recent = await api.get(world.url("/activity"), world.member, since=start.isoformat())
    assert len(recent["items"]) == 6


async def test_bad_filters_and_cursors_are_refused(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    issue = await api.issue(world)
    url = world.url(f"/issues/{issue['id']}/activity")
    headers = world.member.headers
    assert_problem(
        await client.get(url, params={"kind": "nonsense"}, headers=headers),
        422,
        "validation_failed",
    )
    assert_problem(
        await client.get(url, params={"since": "yesterday"}, headers=headers),
        422,
        "validation_failed",
    )
    assert_problem(
        await client.get(url, params={"limit": 101}, headers=headers), 422, "validation_failed"
    )
    assert_problem(
        await client.get(url, params={"cursor": "garbage"}, headers=headers), 400, "invalid_cursor"
    )
    other = world.url(f"/issues/{new_id()}/activity")
    assert_problem(await client.get(other, headers=headers), 404, "issue_not_found")


async def test_non_members_see_no_feed(
    api: Api, world: World, client: httpx.AsyncClient, seeder: DirectorySeeder
) -> None:
    issue = await api.issue(world)
    stranger = seeder.user("Sam Stranger")
    response = await client.get(
        world.url(f"/issues/{issue['id']}/activity"), headers=stranger.headers
    )
    assert_problem(response, 404, "workspace_not_found")


async def test_time_logged_corrected_and_removed_show_with_minutes(
    api: Api, world: World, seeder: DirectorySeeder
) -> None:
    issue, other = await api.issue(world), await api.issue(world)
    entry = new_id()
    history = [
        ("created", issue, 1800),
        ("updated", issue, 2700),
        ("updated", other, 2700),
        ("deleted", other, 2700),
    ]
    for sequence, (verb, on, seconds) in enumerate(history, start=1):
        await seeder.deliver(
            entry_event(verb, world, entry, issue_id=on["id"], seconds=seconds, sequence=sequence)
        )
    rows = await feed(
        api,
        world,
        issue,
        sort="occurred_at",
        kind=["time_logged", "time_corrected", "time_removed"],
    )
    assert [(row["kind"], row["old_value"], row["new_value"]) for row in rows] == [
        ("time_logged", None, {"entry_id": str(entry), "minutes": 30, "seconds": 1800}),
        (
            "time_corrected",
            {"entry_id": str(entry), "minutes": 30, "seconds": 1800},
            {"entry_id": str(entry), "minutes": 45, "seconds": 2700},
        ),
        ("time_removed", {"entry_id": str(entry), "minutes": 45, "seconds": 2700}, None),
    ]
    assert {row["actor_id"] for row in rows} == {str(world.member.id)}
    moved = await feed(api, world, other, sort="occurred_at", kind=["time_logged", "time_removed"])
    assert [row["kind"] for row in moved] == ["time_logged", "time_removed"]


async def test_duplicate_and_late_time_events_write_nothing_more(
    api: Api,
    world: World,
    seeder: DirectorySeeder,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    issue = await api.issue(world)
    entry = new_id()
    updated = entry_event("updated", world, entry, issue_id=issue["id"], seconds=1200, sequence=2)
    created = entry_event("created", world, entry, issue_id=issue["id"], seconds=600, sequence=1)
    # The update overtakes the create, then both come again.
    for event in (updated, created, updated, republished(updated), created):
        await seeder.deliver(event)
    rows = await feed(api, world, issue, kind="time_logged")
    assert [row["new_value"]["minutes"] for row in rows] == [20]
    # An entry on an issue of another workspace, or unknown here, writes no row.
    await seeder.deliver(
        entry_event("created", world, new_id(), issue_id=new_id(), seconds=600, sequence=1)
    )
    async with sessionmaker() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(IssueActivity)
            .where(IssueActivity.project_id == world.project.id)
        )
    assert count == 2
