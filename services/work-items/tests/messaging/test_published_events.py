"""Issue events in the outbox: the whole issue (IssueSnapshot), its version as sequence."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.work_items.messaging.published import IssueSnapshot
from worksync.work_items.testing import Api, World, issue_events


async def test_created_carries_the_whole_issue(
    api: Api, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    states = await api.states(world)
    label = await api.label(world, "Bug")
    parent = await api.issue(world)
    issue = await api.issue(
        world,
        title="Fix it",
        state_id=states["Done"]["id"],
        priority="high",
        assignee_ids=[str(world.admin.id), str(world.member.id)],
        label_ids=[label["id"]],
        parent_id=parent["id"],
        start_date="2030-01-01",
        due_date="2030-01-02",
        estimate_minutes=45,
    )
    (event,) = await issue_events(sessionmaker, issue["id"])
    assert event["type"] == "workitems.issue.created"
    assert event["source"] == "worksync/work-items"
    assert event["subject"] == issue["id"]
    assert event["sequence"] == 1
    assert event["workspaceid"] == str(world.workspace.id)
    assert event["actorid"] == str(world.member.id)
    assert event["data"] == {
        "issue_id": issue["id"],
        "workspace_id": str(world.workspace.id),
        "project_id": str(world.project.id),
        "sequence_id": issue["sequence_id"],
        "key": issue["key"],
        "title": "Fix it",
        "state_id": states["Done"]["id"],
        "state_group": "completed",
        "priority": "high",
        "assignee_ids": sorted([str(world.admin.id), str(world.member.id)]),
        "label_ids": [label["id"]],
        "parent_id": parent["id"],
        "start_date": "2030-01-01",
        "due_date": "2030-01-02",
        "estimate_minutes": 45,
        "completed_at": event["data"]["completed_at"],
        "deleted_at": None,
    }
    assert event["data"]["completed_at"] is not None
    IssueSnapshot.model_validate(event["data"])


async def test_every_change_is_the_next_sequence(
    api: Api, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    issue = await api.issue(world)
    url = world.url(f"/issues/{issue['id']}")
    for body in ({"title": "Renamed"}, {"position": 1.5}, {"assignee_ids": [str(world.member.id)]}):
        response = await api.client.patch(url, json=body, headers=world.member.headers)
        assert response.status_code == 200
    assert (await api.client.delete(url, headers=world.member.headers)).status_code == 204
    assert (
        await api.client.post(f"{url}/restore", headers=world.member.headers)
    ).status_code == 200
    events = await issue_events(sessionmaker, issue["id"])
    assert [event["sequence"] for event in events] == [1, 2, 3, 4, 5, 6]
    assert [event["type"].rsplit(".", 1)[1] for event in events] == [
        "created",
        "updated",
        "updated",
        "updated",
        "deleted",
        "restored",
    ]
    assert events[1]["data"]["title"] == "Renamed"
    assert events[3]["data"]["assignee_ids"] == [str(world.member.id)]
    assert (await api.get(url, world.member))["version"] == 6
