"""Optimistic concurrency: workspaces, members, projects, project members, teams,
departments, staff profiles, clients and project categories answer their version as `ETag`;
their changes and deletions honour `If-Match`."""

from __future__ import annotations

import httpx

from worksync.common.testing.preconditions import (
    assert_delete_honours_if_match,
    assert_honours_if_match,
)
from worksync.workspace.testing import API, People, Workspaces

ROLES = ["member", "admin", "guest", "member", "admin"]


async def test_every_versioned_resource(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    owner, mia, bob = (
        await people.register("Owen"),
        await people.register("Mia"),
        await people.register("Bob"),
    )
    slug = (await workspaces.create(owner))["slug"]
    await workspaces.add_member(slug, owner, mia)
    await workspaces.add_member(slug, owner, bob)
    base = f"{API}/workspaces/{slug}"
    project = await workspaces.create_project(slug, owner)
    project_url = f"{base}/projects/{project['id']}"
    await workspaces.post(
        f"/workspaces/{slug}/projects/{project['id']}/members", owner, {"user_id": str(mia.id)}
    )
    team = await workspaces.post(f"/workspaces/{slug}/teams", owner, {"name": "Core"})
    department = await workspaces.create_department(slug, owner, "eng")
    client_row = await workspaces.post(f"/workspaces/{slug}/clients", owner, {"name": "Globex"})
    category = await workspaces.post(
        f"/workspaces/{slug}/project-categories", owner, {"name": "Internal"}
    )
    staff = await workspaces.create_staff(
        slug, owner, mia, "S1", department_id=department["id"], employment_status="active"
    )
    changes = {
        base: lambda n: {"name": f"Acme {n}"},
        f"{base}/members/{bob.id}": lambda n: {"role": ROLES[n]},
        project_url: lambda n: {"name": f"Website {n}"},
        f"{project_url}/members/{mia.id}": lambda n: {"hourly_rate": f"{50 + n}.00"},
        f"{base}/teams/{team['id']}": lambda n: {"name": f"Core {n}"},
        f"{base}/departments/{department['id']}": lambda n: {"name": f"Engineering {n}"},
        f"{base}/staff/{staff['id']}": lambda n: {"position": f"Engineer {n}"},
        # A description is in no event of a client, yet a change of it is a new version.
        f"{base}/clients/{client_row['id']}": lambda n: {"description": f"Client {n}"},
        f"{base}/project-categories/{category['id']}": lambda n: {"name": f"Internal {n}"},
    }
    headers = owner.headers
    for url, change in changes.items():
        await assert_honours_if_match(client, url, headers, change)
    # A team's members are changed and removed at the team's version.
    team_url = f"{base}/teams/{team['id']}"
    await workspaces.post(
        f"/workspaces/{slug}/teams/{team['id']}/members", owner, {"user_id": str(mia.id)}
    )
    await assert_honours_if_match(
        client,
        f"{team_url}/members/{mia.id}",
        headers,
        lambda n: {"allocation_percent": 10 * n},
        read_url=team_url,
    )
    await assert_delete_honours_if_match(
        client, f"{team_url}/members/{mia.id}", headers, read_url=team_url
    )
    # What depends on another first: staff before their department, a project's members
    # before it, everything before the workspace.
    for url in reversed(list(changes)):
        await assert_delete_honours_if_match(client, url, headers)
