"""Comments: threads of any depth read in order, formats, edits, deletion with placeholders,
reactions, mentions, who may do what, their events and their activity."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.work_items.testing import Api, World, issue_events


class Comments:
    def __init__(self, api: Api, world: World, issue: dict[str, Any]) -> None:
        self.api, self.world = api, world
        self.url = world.url(f"/issues/{issue['id']}/comments")

    async def write(
        self, body: str, user: SeededUser | None = None, **extra: Any
    ) -> dict[str, Any]:
        return await self.api.post(self.url, user or self.world.member, {"body": body, **extra})

    async def reply(
        self, parent: dict[str, Any], body: str, user: SeededUser | None = None
    ) -> dict[str, Any]:
        return await self.write(body, user, parent_id=parent["id"])

    async def all(self, user: SeededUser | None = None, **params: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        cursor = None
        while True:
            query = {**params, **({"cursor": cursor} if cursor else {})}
            page = await self.api.get(self.url, user or self.world.guest, **query)
            found += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                return found

    async def one(self, comment: dict[str, Any], user: SeededUser | None = None) -> httpx.Response:
        return await self.api.client.get(
            f"{self.url}/{comment['id']}", headers=(user or self.world.member).headers
        )


async def _comments(api: Api, world: World) -> Comments:
    return Comments(api, world, await api.issue(world))


async def test_threads_read_depth_first_in_pages(api: Api, world: World) -> None:
    comments = await _comments(api, world)
    first = await comments.write("First thread")
    second = await comments.write("Second thread")
    a = await comments.reply(first, "A", world.admin)
    a1 = await comments.reply(a, "A1")
    a11 = await comments.reply(a1, "A11")
    b = await comments.reply(first, "B")
    s1 = await comments.reply(second, "S1")
    assert (a11["depth"], a11["parent_id"], a11["root_id"]) == (3, a1["id"], first["id"])
    order = [first, a, a1, a11, b, second, s1]
    assert [c["id"] for c in await comments.all(limit=2)] == [c["id"] for c in order]
    thread = await comments.all(limit=2, thread=first["id"])
    assert [c["body"] for c in thread] == ["First thread", "A", "A1", "A11", "B"]
    assert [c["body"] for c in await comments.all(thread=second["id"])] == ["Second thread", "S1"]


async def test_deep_replies_stop_at_the_limit(api: Api, world: World) -> None:
    comments = await _comments(api, world)
    parent = await comments.write("Root")
    for n in range(60):
        parent = await comments.reply(parent, f"Level {n + 1}")
    assert parent["depth"] == 60
    response = await api.client.post(
        comments.url,
        json={"body": "Too deep", "parent_id": parent["id"]},
        headers=world.member.headers,
    )
    assert_problem(response, 422, "validation_failed", fields={"parent_id"})


async def test_html_is_sanitised_markdown_kept_and_blank_refused(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    comments = await _comments(api, world)
    html = await comments.write(
        '<p onclick="x()">Hi <script>alert(1)</script><b>there</b></p>', body_format="html"
    )
    assert html["body"] == "<p>Hi <b>there</b></p>"
    markdown = await comments.write("**Hi** <script>")
    assert markdown["body"] == "**Hi** <script>"
    headers = world.member.headers
    for body in (
        {"body": "   "},
        {"body": "x" * 50_001},
        {"body": "ok", "body_format": "rtf"},
        {"body": "ok", "surprise": 1},
    ):
        assert_problem(
            await client.post(comments.url, json=body, headers=headers), 422, "validation_failed"
        )
    response = await client.post(
        comments.url, json={"body": "<script>x</script>", "body_format": "html"}, headers=headers
    )
    assert_problem(response, 422, "validation_failed", fields={"body"})


async def test_replies_name_a_live_comment_of_the_same_issue(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    comments = await _comments(api, world)
    elsewhere = await (await _comments(api, world)).write("Elsewhere")
    for parent_id in (elsewhere["id"], str(new_id())):
        response = await client.post(
            comments.url, json={"body": "Re", "parent_id": parent_id}, headers=world.member.headers
        )
        assert_problem(response, 422, "unknown_reference", fields={"parent_id"})


async def test_edit_marks_edited_only_by_the_author(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    comments = await _comments(api, world)
    comment = await comments.write("Draft")
    url = f"{comments.url}/{comment['id']}"
    same = await client.patch(url, json={"body": "Draft"}, headers=world.member.headers)
    assert same.status_code == 200
    assert same.json()["edited_at"] is None
    assert same.json()["version"] == 1
    for user in (world.admin, world.guest, world.viewer):
        response = await client.patch(url, json={"body": "Theirs"}, headers=user.headers)
        assert_problem(response, 403, "insufficient_role")
    edited = await client.patch(url, json={"body": "Final"}, headers=world.member.headers)
    assert edited.status_code == 200
    assert edited.json()["body"] == "Final"
    assert edited.json()["edited_at"] is not None
    assert edited.json()["version"] == 2
    assert_problem(
        await client.patch(url, json={"body": None}, headers=world.member.headers),
        422,
        "validation_failed",
    )


async def test_delete_leaves_a_placeholder_only_while_replies_exist(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    comments = await _comments(api, world)
    root = await comments.write("Root")
    reply = await comments.reply(root, "Reply", world.admin)
    leaf = await comments.write("Leaf")
    root_url, reply_url = f"{comments.url}/{root['id']}", f"{comments.url}/{reply['id']}"
    # Not the author's and not an admin: refused.
    assert_problem(
        await client.delete(reply_url, headers=world.member.headers), 403, "insufficient_role"
    )
    assert (await client.delete(root_url, headers=world.member.headers)).status_code == 204
    shown = await comments.all()
    assert [c["id"] for c in shown] == [root["id"], reply["id"], leaf["id"]]
    placeholder = shown[0]
    assert placeholder["body"] is None
    assert placeholder["deleted_at"] is not None
    assert placeholder["mention_ids"] == []
    assert placeholder["reactions"] == []
    # A placeholder takes neither edits, reactions nor replies.
    assert_problem(
        await client.patch(root_url, json={"body": "x"}, headers=world.member.headers),
        409,
        "comment_deleted",
    )
    assert_problem(
        await client.post(
            f"{root_url}/reactions", json={"emoji": "+1"}, headers=world.member.headers
        ),
        409,
        "comment_deleted",
    )
    response = await client.post(
        comments.url, json={"body": "Re", "parent_id": root["id"]}, headers=world.member.headers
    )
    assert_problem(response, 422, "unknown_reference")
    assert_problem(
        await client.delete(root_url, headers=world.admin.headers), 409, "comment_deleted"
    )
    # The last reply goes, and takes the placeholder with it.
    assert (await client.delete(reply_url, headers=world.admin.headers)).status_code == 204
    assert [c["id"] for c in await comments.all()] == [leaf["id"]]
    assert_problem(await comments.one(root), 404, "comment_not_found")
    # Admins delete anyone's.
    leaf_url = f"{comments.url}/{leaf['id']}"
    assert (await client.delete(leaf_url, headers=world.admin.headers)).status_code == 204
    assert await comments.all() == []


async def test_a_placeholder_has_no_reaction_to_remove(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    comments = await _comments(api, world)
    root = await comments.write("Root")
    await comments.reply(root, "Reply", world.admin)
    reactions = f"{comments.url}/{root['id']}/reactions"
    reacted = await client.post(reactions, json={"emoji": "+1"}, headers=world.member.headers)
    assert reacted.status_code == 200, reacted.text
    root_url = f"{comments.url}/{root['id']}"
    assert (await client.delete(root_url, headers=world.member.headers)).status_code == 204
    placeholder = (await comments.one(root)).json()
    assert_problem(
        await client.delete(f"{reactions}/+1", headers=world.member.headers),
        409,
        "comment_deleted",
    )
    assert (await comments.one(root)).json() == placeholder


async def test_reactions_once_per_user_and_emoji_with_counts_and_mine(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    comments = await _comments(api, world)
    comment = await comments.write("React to me")
    url = f"{comments.url}/{comment['id']}/reactions"
    for user, emoji in (
        (world.member, "👍"),
        (world.member, "👍"),
        (world.admin, "👍"),
        (world.admin, "🎉"),
    ):
        response = await client.post(url, json={"emoji": emoji}, headers=user.headers)
        assert response.status_code == 200, response.text
    mine = (await comments.one(comment, world.member)).json()["reactions"]
    assert mine == [
        {"emoji": "🎉", "count": 1, "mine": False},
        {"emoji": "👍", "count": 2, "mine": True},
    ]
    theirs = (await comments.one(comment, world.admin)).json()["reactions"]
    assert {r["emoji"]: r["mine"] for r in theirs} == {"🎉": True, "👍": True}
    assert (await client.delete(f"{url}/👍", headers=world.member.headers)).status_code == 204
    assert (await client.delete(f"{url}/👍", headers=world.member.headers)).status_code == 204
    after = (await comments.one(comment, world.member)).json()["reactions"]
    assert after == [
        {"emoji": "🎉", "count": 1, "mine": False},
        {"emoji": "👍", "count": 1, "mine": False},
    ]
    for emoji in ("", "a b", "x" * 33):
        response = await client.post(url, json={"emoji": emoji}, headers=world.member.headers)
        assert_problem(response, 422, "validation_failed")
    assert_problem(
        await client.post(url, json={"emoji": "+1"}, headers=world.guest.headers),
        403,
        "insufficient_role",
    )


async def test_mentions_are_workspace_members_and_travel_in_events(
    api: Api,
    world: World,
    client: httpx.AsyncClient,
    seeder: DirectorySeeder,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    comments = await _comments(api, world)
    comment = await comments.write("Hi @Adam", mention_ids=[str(world.admin.id)])
    assert comment["mention_ids"] == [str(world.admin.id)]
    stranger = seeder.user("Sam Stranger")
    response = await client.post(
        comments.url,
        json={"body": "Hi", "mention_ids": [str(stranger.id)]},
        headers=world.member.headers,
    )
    assert_problem(response, 422, "unknown_reference", fields={"mention_ids"})
    url = f"{comments.url}/{comment['id']}"
    response = await client.patch(
        url,
        json={"mention_ids": [str(world.admin.id), str(world.guest.id)]},
        headers=world.member.headers,
    )
    assert response.status_code == 200
    assert response.json()["edited_at"] is None
    assert (await client.delete(url, headers=world.member.headers)).status_code == 204
    events = await issue_events(sessionmaker, comment["id"])
    assert [e["type"] for e in events] == [
        "workitems.comment.created",
        "workitems.comment.updated",
        "workitems.comment.deleted",
    ]
    assert [e["sequence"] for e in events] == [1, 2, 3]
    created, updated, deleted = (e["data"] for e in events)
    assert created["new_mention_ids"] == [str(world.admin.id)]
    assert updated["mention_ids"] == sorted([str(world.admin.id), str(world.guest.id)])
    assert updated["new_mention_ids"] == [str(world.guest.id)]
    assert deleted["body"] is None
    assert deleted["deleted_at"] is not None
    assert created["issue_id"] == comment["issue_id"]


async def test_comments_show_in_the_issues_activity(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    issue = await api.issue(world)
    comments = Comments(api, world, issue)
    comment = await comments.write("Hello")
    url = f"{comments.url}/{comment['id']}"
    assert (
        await client.patch(url, json={"body": "Hello!"}, headers=world.member.headers)
    ).status_code == 200
    assert (await client.delete(url, headers=world.member.headers)).status_code == 204
    feed = await api.get(
        world.url(f"/issues/{issue['id']}/activity"), world.guest, sort="occurred_at"
    )
    rows = [(row["kind"], row["new_value"]) for row in feed["items"]]
    assert rows[1:] == [
        ("comment_added", {"comment_id": comment["id"]}),
        ("comment_edited", {"comment_id": comment["id"]}),
        ("comment_deleted", {"comment_id": comment["id"]}),
    ]


async def test_who_may_write_and_what_is_not_found(
    api: Api, world: World, client: httpx.AsyncClient, seeder: DirectorySeeder
) -> None:
    comments = await _comments(api, world)
    comment = await comments.write("Hello")
    # Guests and workspace members outside the project read but do not comment.
    assert len(await comments.all(world.viewer)) == 1
    for user in (world.guest, world.viewer):
        response = await client.post(comments.url, json={"body": "Me too"}, headers=user.headers)
        assert_problem(response, 403, "insufficient_role")
    stranger = seeder.user("Sam Stranger")
    assert_problem(
        await client.get(comments.url, headers=stranger.headers), 404, "workspace_not_found"
    )
    other_issue = world.url(f"/issues/{new_id()}/comments")
    assert_problem(
        await client.get(other_issue, headers=world.member.headers), 404, "issue_not_found"
    )
    assert_problem(await comments.one({"id": new_id()}), 404, "comment_not_found")
    # A comment through another issue's path.
    elsewhere = await _comments(api, world)
    response = await client.get(f"{elsewhere.url}/{comment['id']}", headers=world.member.headers)
    assert_problem(response, 404, "comment_not_found")
    assert_problem(
        await client.get(comments.url, params={"cursor": "nope"}, headers=world.member.headers),
        400,
        "invalid_cursor",
    )


async def test_idempotent_create(api: Api, world: World, client: httpx.AsyncClient) -> None:
    comments = await _comments(api, world)
    headers = {**world.member.headers, "Idempotency-Key": f"k-{new_id()}"}
    first = await client.post(comments.url, json={"body": "Once"}, headers=headers)
    again = await client.post(comments.url, json={"body": "Once"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert len(await comments.all()) == 1


async def test_a_reply_racing_its_parents_deletion_keeps_the_thread_whole(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    for _ in range(5):
        comments = await _comments(api, world)
        parent = await comments.write("Parent")
        reply, deletion = await asyncio.gather(
            client.post(
                comments.url,
                json={"body": "Reply", "parent_id": parent["id"]},
                headers=world.admin.headers,
            ),
            client.delete(f"{comments.url}/{parent['id']}", headers=world.member.headers),
        )
        assert deletion.status_code == 204, deletion.text
        shown = await comments.all()
        if reply.status_code == 201:
            # Deleted after the reply: a placeholder with its reply.
            assert [(c["id"], c["deleted_at"] is not None) for c in shown] == [
                (parent["id"], True),
                (reply.json()["id"], False),
            ]
        else:
            assert_problem(reply, 422, "unknown_reference")
            assert shown == []


async def test_guests_comment_only_where_a_project_admin_allows_it(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    comments = await _comments(api, world)
    settings = world.url("/issue-settings")
    assert await api.get(settings, world.guest) == {"guests_may_comment": False, "version": 0}
    for user in (world.member, world.guest):
        refused = await client.patch(
            settings, json={"guests_may_comment": True}, headers=user.headers
        )
        assert_problem(refused, 403, "insufficient_role")
    for body in ({"guests_may_comment": None}, {"guests_may_comment": "maybe"}, {"x": 1}):
        invalid = await client.patch(settings, json=body, headers=world.admin.headers)
        assert_problem(invalid, 422, "validation_failed")
    assert await api.get(settings, world.guest) == {"guests_may_comment": False, "version": 0}

    allowed = await client.patch(
        settings, json={"guests_may_comment": True}, headers=world.admin.headers
    )
    assert allowed.json() == {"guests_may_comment": True, "version": 1}
    comment = await comments.write("A guest's view", world.guest)
    reaction = await client.post(
        f"{comments.url}/{comment['id']}/reactions",
        json={"emoji": "🎉"},
        headers=world.guest.headers,
    )
    assert reaction.status_code in (200, 201), reaction.text
    # A workspace member outside the project is no guest of it: still only reads.
    outsider = await client.post(
        comments.url, json={"body": "Me too"}, headers=world.viewer.headers
    )
    assert_problem(outsider, 403, "insufficient_role")
    # Left out, a setting keeps its value; switched off, guests read again.
    unchanged = await client.patch(settings, json={}, headers=world.admin.headers)
    assert unchanged.json() == {"guests_may_comment": True, "version": 1}
    await client.patch(settings, json={"guests_may_comment": False}, headers=world.admin.headers)
    again = await client.post(comments.url, json={"body": "Again"}, headers=world.guest.headers)
    assert_problem(again, 403, "insufficient_role")
    assert [found["id"] for found in await comments.all(world.guest)] == [comment["id"]]
