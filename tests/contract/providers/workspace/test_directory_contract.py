"""The workspace service honours the directory's consumer contract
(consumers/directory-on-workspace.json), and the directory's own client reads its answers."""

from __future__ import annotations

from uuid import UUID

import httpx

from worksync.common.directory.workspace_api import WorkspaceApi
from worksync.common.ids import new_id
from worksync.workspace.testing import People, Workspaces

from ..verify import verify_provider


async def test_the_workspace_service_answers_the_directory(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    owner = await people.register("Olga Owner")
    newcomer = await people.register("Nia Newcomer")
    slug = (await workspaces.create(owner))["slug"]
    await workspaces.add_member(slug, owner, newcomer)
    project_id = UUID((await workspaces.create_project(slug, owner))["id"])
    await workspaces.post(
        f"/workspaces/{slug}/projects/{project_id}/members",
        owner,
        {"user_id": str(newcomer.id), "role": "member"},
    )
    base, stranger = f"/api/v1/workspaces/{slug}", new_id()

    await verify_provider(
        client,
        "directory-on-workspace",
        headers=newcomer.headers,
        answered={
            "membership": f"{base}/members/me",
            "members": f"{base}/members?user_id={owner.id}&user_id={newcomer.id}&limit=2",
            "project": f"{base}/projects/{project_id}",
            "project_member": f"{base}/projects/{project_id}/members/{newcomer.id}",
        },
        absent={
            "membership": f"/api/v1/workspaces/{slug}-gone/members/me",
            "members": f"/api/v1/workspaces/{slug}-gone/members?user_id={owner.id}&limit=1",
            "project": f"{base}/projects/{new_id()}",
            "project_member": f"{base}/projects/{project_id}/members/{stranger}",
        },
    )

    # The consumer's own client, on the provider's running app.
    api = WorkspaceApi(client, str(client.base_url))
    authorization = newcomer.headers["Authorization"]
    membership = await api.membership(slug, authorization)
    assert membership is not None
    assert (membership.slug, membership.user_id) == (slug, newcomer.id)
    listed = await api.members(slug, [owner.id, newcomer.id, stranger], authorization)
    assert listed is not None
    assert {member.user_id for member in listed} == {owner.id, newcomer.id}
    project = await api.project(slug, project_id, authorization)
    assert project is not None
    assert project.id == project_id
    project_member = await api.project_member(slug, project_id, newcomer.id, authorization)
    assert project_member is not None
    assert project_member.user_id == newcomer.id
    assert await api.project_member(slug, project_id, stranger, authorization) is None
    assert await api.membership(f"{slug}-gone", authorization) is None
