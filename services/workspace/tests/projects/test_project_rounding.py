"""Rounding rules: the workspace's (a step and mode per place, changed place by place) and a
project's own, which only workspace owners and admins set or clear; both travel in events."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.problems import assert_problem
from worksync.workspace.testing import API, People, Workspaces, published_events

NONE = {"begin": None, "end": None, "duration": None}
HOURS = {"step_minutes": 60, "mode": "down"}
QUARTER_UP = {"step_minutes": 15, "mode": "up"}
# Each is refused with 422 naming the field below `rounding`.
BAD_RULES: list[tuple[dict[str, Any], str]] = [
    ({"begin": {"step_minutes": 0, "mode": "up"}}, "begin.step_minutes"),
    ({"end": {"step_minutes": 1441, "mode": "up"}}, "end.step_minutes"),
    ({"duration": {"step_minutes": 15, "mode": "sideways"}}, "duration.mode"),
    ({"lunch": {"step_minutes": 15, "mode": "up"}}, "lunch"),
    ({"begin": {"step_minutes": 15}}, "begin.mode"),
]


async def test_a_settings_patch_changes_only_the_places_it_names(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ada = await people.register()
    created = await workspaces.create(
        ada, settings={"rounding": {"begin": HOURS, "end": {"step_minutes": 60, "mode": "up"}}}
    )
    assert created["settings"]["rounding"] == {
        "begin": HOURS,
        "end": {"step_minutes": 60, "mode": "up"},
        "duration": None,
    }
    url = f"{API}/workspaces/{created['slug']}"

    response = await client.patch(
        url, json={"settings": {"rounding": {"duration": QUARTER_UP}}}, headers=ada.headers
    )
    assert response.status_code == 200, response.text
    rule = {"begin": HOURS, "end": {"step_minutes": 60, "mode": "up"}, "duration": QUARTER_UP}
    assert response.json()["settings"]["rounding"] == rule

    # null turns that place off; the others stay.
    response = await client.patch(
        url, json={"settings": {"rounding": {"end": None}}}, headers=ada.headers
    )
    assert response.json()["settings"]["rounding"] == {**rule, "end": None}
    assert (await client.get(url, headers=ada.headers)).json()["settings"]["rounding"] == {
        **rule,
        "end": None,
    }
    events = await published_events(sessionmaker, created["id"])
    assert [event["data"]["rounding"] for event in events] == [
        {"begin": HOURS, "end": {"step_minutes": 60, "mode": "up"}, "duration": None},
        rule,
        {**rule, "end": None},
    ]


async def test_bad_workspace_rules_are_refused_and_change_nothing(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ada = await people.register()
    workspace = await workspaces.create(ada, settings={"rounding": {"duration": QUARTER_UP}})
    url = f"{API}/workspaces/{workspace['slug']}"
    for rule, field in BAD_RULES:
        response = await client.patch(
            url, json={"settings": {"rounding": rule}}, headers=ada.headers
        )
        assert_problem(response, 422, "validation_failed", fields={f"settings.rounding.{field}"})
    bodies: list[dict[str, Any]] = [
        {"settings": {"rounding": None}},
        {"settings": {"rounding": []}},
    ]
    for body in bodies:
        response = await client.patch(url, json=body, headers=ada.headers)
        assert_problem(response, 422, "validation_failed")
    after = (await client.get(url, headers=ada.headers)).json()
    assert after["version"] == workspace["version"]
    assert after["settings"]["rounding"] == {**NONE, "duration": QUARTER_UP}
    assert len(await published_events(sessionmaker, workspace["id"])) == 1


async def test_an_admin_gives_a_project_its_own_rule_and_clears_it(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    owner, admin = await people.register(), await people.register()
    slug = (await workspaces.create(owner))["slug"]
    await workspaces.add_member(slug, owner, admin, role="admin")
    follows = await workspaces.create_project(slug, admin)
    assert follows["rounding"] is None
    own = await workspaces.create_project(slug, admin, rounding={"begin": HOURS})
    assert own["rounding"] == {**NONE, "begin": HOURS}
    url = f"{API}/workspaces/{slug}/projects/{own['id']}"
    assert (await client.get(url, headers=admin.headers)).json()["rounding"] == {
        **NONE,
        "begin": HOURS,
    }

    # A project's rule is whole: places left out are not rounded on it.
    changed = await client.patch(
        url, json={"rounding": {"duration": QUARTER_UP}}, headers=owner.headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["rounding"] == {**NONE, "duration": QUARTER_UP}
    cleared = await client.patch(url, json={"rounding": None}, headers=admin.headers)
    assert cleared.json()["rounding"] is None
    listed = await client.get(f"{API}/workspaces/{slug}/projects", headers=admin.headers)
    assert {item["id"]: item["rounding"] for item in listed.json()["items"]} == {
        follows["id"]: None,
        own["id"]: None,
    }
    events = await published_events(sessionmaker, own["id"])
    assert [(event["type"], event["data"]["rounding"]) for event in events] == [
        ("workspace.project.created", {**NONE, "begin": HOURS}),
        ("workspace.project.updated", {**NONE, "duration": QUARTER_UP}),
        ("workspace.project.updated", None),
    ]


async def test_only_workspace_admins_set_or_clear_a_projects_rule(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    owner, maker = await people.register(), await people.register()
    slug = (await workspaces.create(owner))["slug"]
    await workspaces.add_member(slug, owner, maker)
    projects = f"{API}/workspaces/{slug}/projects"
    refused = await client.post(
        projects,
        json={"identifier": "RND", "name": "x", "rounding": {"begin": HOURS}},
        headers=maker.headers,
    )
    assert_problem(refused, 403, "insufficient_role")
    # The maker administers their own project, but not its rounding.
    project = await workspaces.create_project(slug, maker, rounding=None)
    url = f"{projects}/{project['id']}"
    refused = await client.patch(url, json={"rounding": {"begin": HOURS}}, headers=maker.headers)
    assert_problem(refused, 403, "insufficient_role")
    await client.patch(url, json={"rounding": {"begin": HOURS}}, headers=owner.headers)
    for rule in (None, {"end": HOURS}):
        refused = await client.patch(
            url, json={"rounding": rule, "name": "Renamed"}, headers=maker.headers
        )
        assert_problem(refused, 403, "insufficient_role")
    # Sending the rule it has is no change, so the maker may.
    same = await client.patch(
        url, json={"rounding": {**NONE, "begin": HOURS}, "name": "Renamed"}, headers=maker.headers
    )
    assert same.status_code == 200, same.text
    assert (same.json()["name"], same.json()["rounding"]) == ("Renamed", {**NONE, "begin": HOURS})
    assert len(await published_events(sessionmaker, project["id"])) == 3


async def test_bad_project_rules_are_refused_and_change_nothing(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    owner = await people.register()
    slug = (await workspaces.create(owner))["slug"]
    project = await workspaces.create_project(slug, owner, rounding={"end": HOURS})
    projects = f"{API}/workspaces/{slug}/projects"
    url = f"{projects}/{project['id']}"
    for rule, field in BAD_RULES:
        response = await client.patch(url, json={"rounding": rule}, headers=owner.headers)
        assert_problem(response, 422, "validation_failed", fields={f"rounding.{field}"})
        response = await client.post(
            projects,
            json={"identifier": "BAD", "name": "x", "rounding": rule},
            headers=owner.headers,
        )
        assert_problem(response, 422, "validation_failed", fields={f"rounding.{field}"})
    after = (await client.get(url, headers=owner.headers)).json()
    assert (after["version"], after["rounding"]) == (1, {**NONE, "end": HOURS})
    listed = await client.get(projects, headers=owner.headers)
    assert [item["id"] for item in listed.json()["items"]] == [project["id"]]
