"""End to end through the gateway: a template applied to a new project, its board, a card
moved into "In progress" against its WIP limit, a discussion with a mention and a reply,
and time logged on the issue showing in its activity — work-items and time tracking as
real processes."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from scripts.local_system import RunningSystem

from .people import Person, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_board_wip_limit_comments_and_time_in_the_activity(system: RunningSystem) -> None:
    with httpx.Client(base_url=system.gateway_url, timeout=15) as client:
        owner, member = Person(client, "owner"), Person(client, "member")
        slug = f"board-{uuid.uuid4().hex[:8]}"
        ws = f"/api/v1/workspaces/{slug}"
        _ok(
            client.post(
                "/api/v1/workspaces", json={"slug": slug, "name": "Boards"}, headers=owner.headers
            ),
            201,
        )
        invitation = _ok(
            client.post(
                f"{ws}/invitations",
                json={"email": member.email, "role": "member"},
                headers=owner.headers,
            ),
            201,
        )
        accepted = client.post(
            f"/api/v1/invitations/{invitation['token']}/accept", headers=member.headers
        )
        assert accepted.status_code in (200, 201), accepted.text
        project = _ok(
            client.post(
                f"{ws}/projects",
                json={"identifier": "KAN", "name": "Kanban"},
                headers=owner.headers,
            ),
            201,
        )
        _ok(
            client.post(
                f"{ws}/projects/{project['id']}/members",
                json={"user_id": member.id, "role": "member"},
                headers=owner.headers,
            ),
            201,
        )
        base = f"{ws}/projects/{project['id']}"

        # The board: one column per state; "In Progress" takes one card at a time.
        board = _ok(
            client.post(f"{base}/boards", json={"name": "Team"}, headers=owner.headers), 201
        )
        columns = {column["name"]: column for column in board["columns"]}
        in_progress = columns["In Progress"]
        _ok(
            client.patch(
                f"{base}/boards/{board['id']}/columns/{in_progress['id']}",
                json={"wip_limit": 1},
                headers=owner.headers,
            )
        )
        template = _ok(
            client.post(
                f"{ws}/templates",
                json={
                    "name": "Launch",
                    "phases": [
                        {
                            "title": "Launch",
                            "tasks": [
                                {"key": "post", "title": "Write the post"},
                                {"key": "cover", "title": "Draw the cover", "depends_on": ["post"]},
                            ],
                        }
                    ],
                },
                headers=member.headers,
            ),
            201,
        )
        applied = _ok(
            client.post(
                f"{ws}/templates/{template['id']}/apply",
                json={"project_id": project["id"]},
                headers=member.headers,
            ),
            201,
        )
        phase, first, second = applied["issues"]
        assert [issue["key"] for issue in applied["issues"]] == ["KAN-1", "KAN-2", "KAN-3"]
        assert applied["relation_count"] == 1
        view = _ok(client.get(f"{base}/boards/{board['id']}", headers=member.headers))
        backlog = next(column for column in view["columns"] if column["name"] == "Backlog")
        assert [card["id"] for card in backlog["cards"]] == [phase["id"], first["id"], second["id"]]

        moved = _ok(
            client.post(
                f"{base}/issues/{first['id']}/move",
                json={"column_id": in_progress["id"]},
                headers=member.headers,
            )
        )
        assert moved["state_group"] == "started"
        refused = client.post(
            f"{base}/issues/{second['id']}/move",
            json={"column_id": in_progress["id"]},
            headers=member.headers,
        )
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "wip_limit_reached"
        view = _ok(client.get(f"{base}/boards/{board['id']}", headers=member.headers))
        counts = {column["name"]: column["issue_count"] for column in view["columns"]}
        assert (counts["Backlog"], counts["In Progress"]) == (2, 1)

        # A comment mentioning the member, and their reply.
        comments = f"{base}/issues/{first['id']}/comments"
        comment = _ok(
            client.post(
                comments,
                json={"body": "Can you take this?", "mention_ids": [member.id]},
                headers=owner.headers,
            ),
            201,
        )
        assert comment["mention_ids"] == [member.id]
        reply = _ok(
            client.post(
                comments,
                json={"body": "On it", "parent_id": comment["id"]},
                headers=member.headers,
            ),
            201,
        )
        thread = _ok(client.get(comments, params={"thread": comment["id"]}, headers=owner.headers))
        assert [(c["id"], c["depth"]) for c in thread["items"]] == [
            (comment["id"], 0),
            (reply["id"], 1),
        ]

        # Time logged in time tracking reaches the issue's activity by its event.
        _ok(
            client.post(
                f"{base}/issues/{first['id']}/worklogs",
                json={"duration_minutes": 45, "description": "Drafting"},
                headers=member.headers,
            ),
            201,
        )
        activity = f"{base}/issues/{first['id']}/activity"

        def time_logged() -> list[dict[str, Any]]:
            page = _ok(client.get(activity, params={"kind": "time_logged"}, headers=owner.headers))
            items: list[dict[str, Any]] = page["items"]
            return items

        eventually(lambda: len(time_logged()) == 1)
        (logged,) = time_logged()
        assert logged["new_value"]["minutes"] == 45
        assert logged["actor_id"] == member.id
        kinds = {row["kind"] for row in _ok(client.get(activity, headers=owner.headers))["items"]}
        assert {"created", "moved", "updated", "comment_added", "time_logged"} <= kinds
