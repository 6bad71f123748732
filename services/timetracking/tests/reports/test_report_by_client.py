"""The report by client: the client of each entry's project as the directory knows it now
(fed by `workspace.project.*` and `workspace.client.*` events), grouped on one or two
levels and filtered, in JSON and CSV; a project moved to another client; a deleted client;
another workspace's clients; bad ids."""

from __future__ import annotations

import csv
import io
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.workspace_api import FakeWorkspaceApi
from worksync.common.testing.workspace_events import client_event, republished
from worksync.timetracking.models import Client
from worksync.timetracking.testing import World, create_entry

SPAN = {"from": "2024-05-01", "to": "2024-05-31"}


async def report(
    client: httpx.AsyncClient, world: World, **params: Any
) -> list[tuple[str | None, str | None, str]]:
    """The owner's report rows as (key, label, hours) of the first grouping."""
    response = await client.get(
        f"{world.base}/time-tracking/report",
        params={**SPAN, **params},
        headers=world.owner.headers,
    )
    assert response.status_code == 200, response.text
    return [
        (row["group"]["key"], row["group"]["label"], row["hours"])
        for row in response.json()["rows"]
    ]


async def new_client(
    seeder: DirectorySeeder, world: World, name: str, *, verb: str = "created"
) -> UUID:
    client_id = new_id()
    await deliver_client(seeder, world, client_id, name, verb=verb)
    return client_id


async def deliver_client(
    seeder: DirectorySeeder, world: World, client_id: UUID, name: str, *, verb: str
) -> None:
    sequence = seeder.next_sequence("client", client_id)
    await seeder.deliver(
        client_event(verb, client_id, world.workspace.id, sequence=sequence, name=name)
    )


async def arrange(client: httpx.AsyncClient, seeder: DirectorySeeder, world: World) -> UUID:
    """Apollo (Initech's): Ada 3 h, Bob 30 min; Gemini (no client): Ada 1 h."""
    initech = await new_client(seeder, world, "Initech")
    await seeder.update_project(world.project, client_id=initech)
    gemini = await seeder.project(world.workspace, name="Gemini")
    await seeder.project_member(gemini, world.ada)
    await create_entry(client, world, world.ada, work_date="2024-05-06", duration_seconds=10800)
    await create_entry(client, world, world.bob, work_date="2024-05-06", duration_seconds=1800)
    await create_entry(
        client,
        world,
        world.ada,
        project_id=str(gemini.id),
        work_date="2024-05-07",
        duration_seconds=3600,
    )
    return initech


async def test_grouped_by_client_on_one_or_two_levels_and_filtered(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    initech = await arrange(client, seeder, world)

    assert await report(client, world, group_by="client") == [
        (str(initech), "Initech", "3.50"),
        (None, None, "1.00"),  # Gemini has no client
    ]
    response = await client.get(
        f"{world.base}/time-tracking/report",
        params={**SPAN, "group_by": "client", "then_by": "user"},
        headers=world.owner.headers,
    )
    rows = response.json()["rows"]
    assert [(row["group"]["label"], row["then"]["label"], row["hours"]) for row in rows] == [
        ("Initech", "Ada Lovelace", "3.00"),
        ("Initech", "Bob Builder", "0.50"),
        (None, "Ada Lovelace", "1.00"),
    ]
    by_user = await client.get(
        f"{world.base}/time-tracking/report",
        params={**SPAN, "group_by": "user", "then_by": "client"},
        headers=world.owner.headers,
    )
    assert [(row["group"]["label"], row["then"]["key"]) for row in by_user.json()["rows"]] == [
        ("Ada Lovelace", str(initech)),
        ("Ada Lovelace", None),
        ("Bob Builder", str(initech)),
    ]

    filtered = await report(client, world, group_by="project", client_id=str(initech))
    assert filtered == [(str(world.project.id), "Apollo", "3.50")]
    # Like the other filters, repeated ids add up.
    other = await new_client(seeder, world, "Globex")
    both = await report(client, world, group_by="user", client_id=[str(initech), str(other)])
    assert [(label, hours) for _, label, hours in both] == [
        ("Ada Lovelace", "3.00"),
        ("Bob Builder", "0.50"),
    ]

    as_csv = await client.get(
        f"{world.base}/time-tracking/report/csv",
        params={**SPAN, "group_by": "client", "client_id": str(initech)},
        headers=world.owner.headers,
    )
    assert as_csv.status_code == 200, as_csv.text
    lines = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [
        (line["group"], line["group_key"], line["group_label"], line["hours"]) for line in lines
    ] == [("client", str(initech), "Initech", "3.50")]


async def test_a_project_moved_to_another_client_takes_its_time_along(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    initech = await arrange(client, seeder, world)
    globex = await new_client(seeder, world, "Globex")
    await seeder.update_project(world.project, client_id=globex)

    assert await report(client, world, group_by="client") == [
        (str(globex), "Globex", "3.50"),
        (None, None, "1.00"),
    ]
    assert await report(client, world, group_by="client", client_id=str(initech)) == []
    # Renamed: the report names it as its newest event does.
    await deliver_client(seeder, world, globex, "Globex Corporation", verb="updated")
    assert (await report(client, world, group_by="client"))[0][1] == "Globex Corporation"


async def test_a_deleted_client_keeps_its_time_and_its_last_name(
    client: httpx.AsyncClient,
    seeder: DirectorySeeder,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Upstream a client is deleted only once no live project names it: the project was
    deleted first and still names it here, as its time does."""
    initech = await arrange(client, seeder, world)
    await deliver_client(seeder, world, initech, "Initrode", verb="updated")
    await seeder.update_project(world.project, verb="deleted", client_id=initech)
    await deliver_client(seeder, world, initech, "Initrode", verb="deleted")
    # A late (or redelivered) earlier event changes nothing: the tombstone is newer.
    late = client_event("created", initech, world.workspace.id, sequence=1, name="Initech")
    await seeder.deliver(republished(late))

    assert await report(client, world, group_by="client") == [
        (str(initech), "Initrode", "3.50"),
        (None, None, "1.00"),
    ]
    async with sessionmaker() as session:
        stored = await session.scalar(select(Client).where(Client.client_id == initech))
    assert stored is not None
    assert (stored.name, stored.deleted, stored.sequence) == ("Initrode", True, 3)


async def test_other_workspaces_clients_match_nothing_and_bad_ids_are_refused(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    """A client filter works like the project filter: ids are only ever matched within the
    path's workspace, so another workspace's client shows nothing of it (nor of this one)."""
    await arrange(client, seeder, world)
    elsewhere = await seeder.workspace(owner=world.ada)
    umbrella = new_id()
    await seeder.deliver(
        client_event("created", umbrella, elsewhere.id, sequence=1, name="Umbrella")
    )
    hive = await seeder.project(elsewhere, name="Hive", client_id=umbrella)
    entry = await client.post(
        f"/api/v1/workspaces/{elsewhere.slug}/time-entries",
        json={"project_id": str(hive.id), "work_date": "2024-05-08", "duration_seconds": 3600},
        headers=world.ada.headers,
    )
    assert entry.status_code == 201, entry.text

    assert await report(client, world, group_by="client", client_id=str(umbrella)) == []
    assert "Umbrella" not in {
        label for _, label, _ in await report(client, world, group_by="client")
    }

    url = f"{world.base}/time-tracking/report"
    for bad in ("initech", ["nope", str(umbrella)], [str(umbrella)] * 51):
        response = await client.get(
            url,
            params={**SPAN, "group_by": "client", "client_id": bad},
            headers=world.owner.headers,
        )
        assert_problem(response, 422, "validation_failed")


async def test_a_project_learnt_from_the_workspace_api_knows_its_client(
    client: httpx.AsyncClient, world: World, workspace_api: FakeWorkspaceApi
) -> None:
    """Time logged on a project created a moment ago (its event still on the way): the
    directory's fallback stores the client the workspace API names."""
    project_id, initech = new_id(), new_id()
    workspace_api.add_project(world.workspace.slug, project_id, world.workspace.id, "NEW")
    workspace_api.projects[world.workspace.slug, project_id]["client_id"] = str(initech)
    await create_entry(
        client,
        world,
        world.ada,
        project_id=str(project_id),
        work_date="2024-05-06",
        duration_seconds=3600,
    )

    # Named once the client's event arrives; grouped and filtered by its id meanwhile.
    assert await report(client, world, group_by="client", client_id=str(initech)) == [
        (str(initech), None, "1.00")
    ]
