"""Project templates: phases, tasks and dependencies, search, who may change them, applying
one (all or nothing, also twice at once, 500 tasks quickly) and saving a project as one."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.problems import assert_problem
from worksync.work_items.models import Issue, IssueRelation
from worksync.work_items.templates import service as template_service
from worksync.work_items.testing import API, Api, World, arrange_world, issue_events

LAUNCH = {
    "name": "Product launch",
    "category": "Marketing",
    "description": "Everything a launch needs",
    "phases": [
        {
            "title": "Prepare",
            "tasks": [
                {
                    "key": "brief",
                    "title": "Write the brief",
                    "estimate_minutes": 120,
                    "skills": ["writing"],
                },
                {
                    "key": "design",
                    "title": "Design the page",
                    "depends_on": ["brief"],
                    "skills": ["design", "design"],
                },
            ],
        },
        {
            "title": "Ship",
            "tasks": [{"key": "publish", "title": "Publish", "depends_on": ["design", "brief"]}],
        },
    ],
}


def templates_url(world: World) -> str:
    return f"{API}/workspaces/{world.slug}/templates"


async def create(api: Api, world: World, **body: Any) -> dict[str, Any]:
    return await api.post(templates_url(world), world.member, {**LAUNCH, **body})


async def _issue_count(sessionmaker: async_sessionmaker[AsyncSession], world: World) -> int:
    async with sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(Issue).where(Issue.project_id == world.project.id)
        )
    return int(count or 0)


async def test_create_and_read_a_template(api: Api, world: World) -> None:
    template = await create(api, world)
    assert template["usage_count"] == 0
    assert [phase["title"] for phase in template["phases"]] == ["Prepare", "Ship"]
    design = template["phases"][0]["tasks"][1]
    assert design["depends_on"] == ["brief"]
    assert design["skills"] == ["design"]
    assert template["phases"][1]["tasks"][0]["depends_on"] == ["brief", "design"]
    found = await api.get(f"{templates_url(world)}/{template['id']}", world.guest)
    assert found == template


async def test_bad_templates_are_refused(api: Api, world: World, client: httpx.AsyncClient) -> None:
    await create(api, world)
    headers = world.member.headers
    url = templates_url(world)

    def with_tasks(*tasks: dict[str, Any]) -> dict[str, Any]:
        return {"name": f"T {new_id()}", "phases": [{"title": "P", "tasks": list(tasks)}]}

    cases: list[tuple[dict[str, Any], str]] = [
        (with_tasks({"key": "a", "title": "A"}, {"key": "a", "title": "B"}), "validation_failed"),
        (with_tasks({"key": "a", "title": "A", "depends_on": ["x"]}), "unknown_reference"),
        (
            with_tasks(
                {"key": "a", "title": "A", "depends_on": ["b"]},
                {"key": "b", "title": "B", "depends_on": ["a"]},
            ),
            "dependency_cycle",
        ),
        (with_tasks({"key": "a", "title": "A", "depends_on": ["a"]}), "dependency_cycle"),
        ({"name": "No phases", "phases": []}, "validation_failed"),
        (
            {
                "name": "Huge",
                "phases": [
                    {
                        "title": f"P{n}",
                        "tasks": [{"key": f"{n}-{m}", "title": "t"} for m in range(501)],
                    }
                    for n in range(2)
                ],
            },
            "validation_failed",
        ),
        (with_tasks({"key": "has space", "title": "A"}), "validation_failed"),
    ]
    for body, code in cases:
        response = await client.post(url, json=body, headers=headers)
        assert_problem(response, 422, code)
    response = await client.post(url, json={**LAUNCH, "name": "product LAUNCH"}, headers=headers)
    assert_problem(response, 409, "template_name_taken")
    response = await client.post(url, json=LAUNCH, headers=world.guest.headers)
    assert_problem(response, 403, "insufficient_role")


async def test_search_category_and_pages(api: Api, world: World) -> None:
    await create(api, world)
    await create(api, world, name="Hiring", category="People", description="Find engineers")
    await create(api, world, name="Onboarding", category="People", description="First week")
    url = templates_url(world)
    names = [t["name"] for t in (await api.get(url, world.guest, limit=2))["items"]]
    assert names == ["Hiring", "Onboarding"]
    people = await api.get(url, world.member, category="People")
    assert [t["name"] for t in people["items"]] == ["Hiring", "Onboarding"]
    found = await api.get(url, world.member, search="engineer")
    assert [t["name"] for t in found["items"]] == ["Hiring"]
    found = await api.get(url, world.member, search="marketing")
    assert [t["name"] for t in found["items"]] == ["Product launch"]


async def test_only_the_creator_or_an_admin_changes_a_template(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    template = await create(api, world)
    url = f"{templates_url(world)}/{template['id']}"
    assert_problem(
        await client.patch(url, json={"name": "Mine"}, headers=world.admin.headers),
        403,
        "insufficient_role",
    )
    changed = await client.patch(
        url,
        json={"phases": [{"title": "Only", "tasks": [{"key": "x", "title": "X"}]}]},
        headers=world.member.headers,
    )
    assert changed.status_code == 200, changed.text
    assert [p["title"] for p in changed.json()["phases"]] == ["Only"]
    renamed = await client.patch(url, json={"name": "Renamed"}, headers=world.owner.headers)
    assert renamed.json()["name"] == "Renamed"
    assert_problem(await client.delete(url, headers=world.viewer.headers), 403, "insufficient_role")
    assert (await client.delete(url, headers=world.member.headers)).status_code == 204
    assert_problem(await client.get(url, headers=world.member.headers), 404, "template_not_found")


async def test_a_template_is_not_renamed_to_a_taken_name(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    await create(api, world)
    hiring = await create(api, world, name="Hiring")
    url = f"{templates_url(world)}/{hiring['id']}"
    renamed = await client.patch(url, json={"name": "PRODUCT launch"}, headers=world.member.headers)
    assert_problem(renamed, 409, "template_name_taken")
    assert await api.get(url, world.member) == hiring


async def test_apply_creates_phases_tasks_and_blocks(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    await api.issue(world)  # the project's first key is taken
    template = await create(api, world)
    applied = await api.post(
        f"{templates_url(world)}/{template['id']}/apply",
        world.member,
        {"project_id": str(world.project.id)},
    )
    identifier = world.project.identifier
    issues = applied["issues"]
    assert [(i["key"], i["title"], i["template_key"]) for i in issues] == [
        (f"{identifier}-2", "Prepare", None),
        (f"{identifier}-3", "Write the brief", "brief"),
        (f"{identifier}-4", "Design the page", "design"),
        (f"{identifier}-5", "Ship", None),
        (f"{identifier}-6", "Publish", "publish"),
    ]
    assert issues[1]["parent_id"] == issues[0]["id"]
    assert issues[4]["parent_id"] == issues[3]["id"]
    assert applied["relation_count"] == 3
    brief = await api.get(world.url(f"/issues/{issues[1]['id']}"), world.member)
    assert brief["estimate_minutes"] == 120
    relations = await api.get(world.url(f"/issues/{issues[1]['id']}/relations"), world.member)
    assert sorted((r["type"], r["issue_id"]) for r in relations["items"]) == sorted(
        [("blocks", issues[2]["id"]), ("blocks", issues[4]["id"])]
    )
    feed = await api.get(world.url(f"/issues/{issues[2]['id']}/activity"), world.member)
    assert {row["kind"] for row in feed["items"]} == {"created", "relation_added"}
    again = await api.get(f"{templates_url(world)}/{template['id']}", world.member)
    assert again["usage_count"] == 1
    # Board order follows the template.
    listed = await api.get(world.url("/boards"), world.member)
    assert listed["items"] == []
    board = await api.post(world.url("/boards"), world.admin, {"name": "B"})
    view = await api.get(world.url(f"/boards/{board['id']}"), world.member)
    assert [c["id"] for c in view["columns"][0]["cards"]][1:] == [i["id"] for i in issues]


async def test_applied_rows_go_in_at_their_events_version(
    api: Api, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Issues and relations are written as built, after their events were recorded: each
    row holds the version its event carries, and the next change goes on from there."""
    template = await create(api, world)
    applied = await api.post(
        f"{templates_url(world)}/{template['id']}/apply",
        world.member,
        {"project_id": str(world.project.id)},
    )
    async with sessionmaker() as session:
        issue_versions = await session.scalars(
            select(Issue.version).where(Issue.project_id == world.project.id)
        )
        relations = (
            await session.execute(
                select(IssueRelation.id, IssueRelation.version).where(
                    IssueRelation.project_id == world.project.id
                )
            )
        ).all()
    assert list(issue_versions) == [1] * 5
    assert [version for _, version in relations] == [1] * 3
    for relation_id, _ in relations:
        events = await issue_events(sessionmaker, str(relation_id))
        assert [(e["type"], e["sequence"]) for e in events] == [("workitems.relation.created", 1)]
    design = applied["issues"][2]
    renamed = await api.client.patch(
        world.url(f"/issues/{design['id']}"),
        json={"title": "Redesign"},
        headers=world.member.headers,
    )
    assert renamed.status_code == 200
    assert renamed.json()["version"] == 2
    events = await issue_events(sessionmaker, design["id"])
    assert [(e["type"], e["sequence"]) for e in events] == [
        ("workitems.issue.created", 1),
        ("workitems.issue.updated", 2),
    ]
    assert events[0]["data"]["key"] == design["key"]
    assert events[0]["data"]["parent_id"] == applied["issues"][0]["id"]


async def test_who_may_apply_where(
    api: Api, world: World, client: httpx.AsyncClient, seeder: DirectorySeeder
) -> None:
    template = await create(api, world)
    url = f"{templates_url(world)}/{template['id']}/apply"
    body = {"project_id": str(world.project.id)}
    for user in (world.guest, world.viewer):
        assert_problem(
            await client.post(url, json=body, headers=user.headers), 403, "insufficient_role"
        )
    elsewhere = await arrange_world(seeder)
    response = await client.post(
        url, json={"project_id": str(elsewhere.project.id)}, headers=world.owner.headers
    )
    assert_problem(response, 404, "project_not_found")


async def test_apply_is_all_or_nothing(
    api: Api,
    world: World,
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    template = await create(api, world)
    before = await _issue_count(sessionmaker, world)

    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the relations could not be written")

    monkeypatch.setattr(template_service, "record_relations", broken)
    response = await client.post(
        f"{templates_url(world)}/{template['id']}/apply",
        json={"project_id": str(world.project.id)},
        headers=world.member.headers,
    )
    assert response.status_code == 500
    assert await _issue_count(sessionmaker, world) == before
    found = await api.get(f"{templates_url(world)}/{template['id']}", world.member)
    assert found["usage_count"] == 0


async def test_applied_twice_at_once_both_count(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    template = await create(api, world)
    url = f"{templates_url(world)}/{template['id']}/apply"
    responses = await asyncio.gather(
        *(
            client.post(
                url, json={"project_id": str(world.project.id)}, headers=world.member.headers
            )
            for _ in range(2)
        )
    )
    assert [r.status_code for r in responses] == [201, 201]
    keys = [issue["key"] for r in responses for issue in r.json()["issues"]]
    assert len(set(keys)) == 10
    found = await api.get(f"{templates_url(world)}/{template['id']}", world.member)
    assert found["usage_count"] == 2


async def test_applied_while_issues_are_created_every_issue_has_its_own_number_and_rank(
    api: Api,
    world: World,
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # Both take the project's rank lock, then its counter: neither waits for the other
    # holding the second, and every rank is read after the last one was committed.
    template = await create(api, world)
    url = f"{templates_url(world)}/{template['id']}/apply"
    body = {"project_id": str(world.project.id)}

    async def apply() -> int:
        return (await client.post(url, json=body, headers=world.member.headers)).status_code

    async def create_issue(n: int) -> int:
        return int((await api.issue(world, title=f"Issue {n}"))["sequence_id"])

    applied = await asyncio.gather(apply(), *(create_issue(n) for n in range(10)), apply())
    assert (applied[0], applied[-1]) == (201, 201)
    async with sessionmaker() as session:
        rows = (
            await session.execute(
                select(Issue.sequence_id, Issue.rank).where(Issue.project_id == world.project.id)
            )
        ).all()
    assert sorted(row.sequence_id for row in rows) == list(range(1, 21))
    assert len({row.rank for row in rows}) == 20


async def test_five_hundred_tasks_apply_in_one_go(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    phases = [
        {
            "title": f"Phase {p}",
            "tasks": [
                {
                    "key": f"t{p}-{t}",
                    "title": f"Task {t}",
                    "depends_on": [f"t{p}-{t - 1}"] if t else [],
                }
                for t in range(50)
            ],
        }
        for p in range(10)
    ]
    template = await api.post(templates_url(world), world.member, {"name": "Big", "phases": phases})
    response = await client.post(
        f"{templates_url(world)}/{template['id']}/apply",
        json={"project_id": str(world.project.id)},
        headers=world.member.headers,
    )
    assert response.status_code == 201, response.text
    assert len(response.json()["issues"]) == 510
    assert response.json()["relation_count"] == 490


async def test_save_a_project_as_a_template(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    phase = await api.issue(world, title="Build")
    first = await api.issue(world, title="Foundations", parent_id=phase["id"], estimate_minutes=60)
    second = await api.issue(world, title="Walls", parent_id=phase["id"])
    await api.issue(world, title="Loose end")
    response = await client.post(
        world.url(f"/issues/{first['id']}/relations"),
        json={"type": "blocks", "issue_id": second["id"]},
        headers=world.member.headers,
    )
    assert response.status_code == 201
    saved = await api.post(
        f"{templates_url(world)}/from-project",
        world.member,
        {"project_id": str(world.project.id), "name": "House", "category": "Building"},
    )
    assert [(p["title"], [t["title"] for t in p["tasks"]]) for p in saved["phases"]] == [
        ("Build", ["Foundations", "Walls"]),
        ("Loose end", []),
    ]
    walls = saved["phases"][0]["tasks"][1]
    assert walls["depends_on"] == [first["key"]]
    assert saved["phases"][0]["tasks"][0]["estimate_minutes"] == 60
    response = await client.post(
        f"{templates_url(world)}/from-project",
        json={"project_id": str(new_id()), "name": "Nothing"},
        headers=world.member.headers,
    )
    assert_problem(response, 404, "project_not_found")


async def test_a_project_is_not_saved_under_a_taken_template_name(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    await create(api, world)
    await api.issue(world, title="Build")
    response = await client.post(
        f"{templates_url(world)}/from-project",
        json={"project_id": str(world.project.id), "name": "product launch"},
        headers=world.member.headers,
    )
    assert_problem(response, 409, "template_name_taken")
    listed = await api.get(templates_url(world), world.member)
    assert [t["name"] for t in listed["items"]] == ["Product launch"]
