"""Optimistic concurrency: every mutable resource answers its version as `ETag` and its
changes and deletions honour `If-Match`."""

from __future__ import annotations

import httpx

from worksync.common.testing.preconditions import (
    assert_delete_honours_if_match,
    assert_honours_if_match,
    assert_racing_writes_one_wins,
)
from worksync.work_items.testing import Api, World


async def test_issues(api: Api, world: World, client: httpx.AsyncClient) -> None:
    issue = await api.issue(world)
    url = world.url(f"/issues/{issue['id']}")
    headers = world.member.headers
    await assert_honours_if_match(client, url, headers, lambda n: {"title": f"Title {n}"})
    await assert_delete_honours_if_match(client, url, headers)


async def test_two_racing_changes_of_one_issue_one_wins(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    issue = await api.issue(world)
    url = world.url(f"/issues/{issue['id']}")
    winner = await assert_racing_writes_one_wins(
        client, url, world.member.headers, ({"title": "Mine"}, {"title": "Theirs"})
    )
    stored = await api.get(url, world.member)
    assert stored["title"] == winner.json()["title"]
    assert stored["version"] == issue["version"] + 1


async def test_comments(api: Api, world: World, client: httpx.AsyncClient) -> None:
    issue = await api.issue(world)
    comments = world.url(f"/issues/{issue['id']}/comments")
    comment = await api.post(comments, world.member, {"body": "First"})
    url = f"{comments}/{comment['id']}"
    headers = world.member.headers
    await assert_honours_if_match(client, url, headers, lambda n: {"body": f"Edit {n}"})
    await assert_delete_honours_if_match(client, url, headers)


async def test_boards_and_their_columns_share_the_boards_version(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    board = await api.post(world.url("/boards"), world.admin, {"name": "Team board"})
    url = world.url(f"/boards/{board['id']}")
    headers = world.admin.headers
    await assert_honours_if_match(client, url, headers, lambda n: {"name": f"Board {n}"})
    column = board["columns"][0]
    await assert_honours_if_match(
        client,
        f"{url}/columns/{column['id']}",
        headers,
        lambda n: {"name": f"Column {n}"},
        read_url=url,
    )
    await assert_delete_honours_if_match(
        client, f"{url}/columns/{column['id']}", headers, read_url=url
    )
    await assert_delete_honours_if_match(client, url, headers)


async def test_labels_states_and_templates_count_their_own_versions(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    label = await api.label(world, "Bug")
    assert label["version"] == 1
    url = world.url(f"/labels/{label['id']}")
    await assert_honours_if_match(client, url, world.admin.headers, lambda n: {"name": f"Bug {n}"})
    await assert_delete_honours_if_match(client, url, world.admin.headers)

    state = await api.post(
        world.url("/states"),
        world.admin,
        {"name": "Review", "group": "started", "colour": "#00AA00"},
    )
    url = world.url(f"/states/{state['id']}")
    await assert_honours_if_match(
        client, url, world.admin.headers, lambda n: {"name": f"Check {n}"}
    )
    # Taking the default away from another state is a change of that state too.
    default = next(s for s in (await api.states(world)).values() if s["is_default"])
    await client.patch(url, json={"is_default": True}, headers=world.admin.headers)
    moved = await api.get(world.url(f"/states/{default['id']}"), world.admin)
    assert moved["version"] == default["version"] + 1
    await client.patch(
        world.url(f"/states/{default['id']}"),
        json={"is_default": True},
        headers=world.admin.headers,
    )
    await assert_delete_honours_if_match(client, url, world.admin.headers)

    templates = f"/api/v1/workspaces/{world.slug}/templates"
    template = await api.post(
        templates, world.member, {"name": "Launch", "phases": [{"title": "P", "tasks": []}]}
    )
    url = f"{templates}/{template['id']}"
    await assert_honours_if_match(client, url, world.member.headers, lambda n: {"name": f"Go {n}"})
    await assert_delete_honours_if_match(client, url, world.member.headers)


async def test_project_settings_from_the_defaults(world: World, client: httpx.AsyncClient) -> None:
    url = world.url("/issue-settings")
    headers = world.admin.headers
    defaults = await client.get(url, headers=headers)
    assert (defaults.headers["ETag"], defaults.json()["version"]) == ('"0"', 0)
    await assert_honours_if_match(
        client, url, headers, lambda n: {"guests_may_comment": n in (1, 4)}
    )
