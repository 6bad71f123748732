"""Staff skills: normalised as capacity profiles' are, read, changed, filtered, refused
without a trace, carried by the staff events, the republished snapshot and the CSV files."""

from __future__ import annotations

import csv
import io
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ops.republish import republish
from worksync.common.testing.problems import assert_problem
from worksync.workspace.messaging.republish import OPERATIONS
from worksync.workspace.testing import API, People, Workspaces, published_events


async def test_skills_are_normalised_changed_filtered_and_published(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ada, bob, cy = [await people.register(n) for n in ("Ada", "Bob", "Cy")]
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    await workspaces.add_member(slug, ada, cy)
    staff = f"{API}/workspaces/{slug}/staff"
    # Trimmed, each once ignoring case, the first spelling kept: capacity profiles' rule.
    profile = await workspaces.create_staff(
        slug, ada, bob, "B1", skills=[" Python ", "SQL", "python", "Rust"]
    )
    assert profile["skills"] == ["Python", "SQL", "Rust"]
    await workspaces.create_staff(slug, ada, cy, "C1")
    url = f"{staff}/{profile['id']}"
    assert (await client.get(url, headers=cy.headers)).json()["skills"] == ["Python", "SQL", "Rust"]

    changed = await client.patch(url, json={"skills": ["Go", "sql"]}, headers=ada.headers)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["skills"], changed.json()["version"]) == (["Go", "sql"], 2)
    # Left out: kept.
    kept = await client.patch(url, json={"position": "Lead"}, headers=ada.headers)
    assert kept.json()["skills"] == ["Go", "sql"]

    async def staff_ids(skill: str) -> list[str]:
        response = await client.get(staff, params={"skill": skill}, headers=ada.headers)
        assert response.status_code == 200, response.text
        return [item["staff_id"] for item in response.json()["items"]]

    assert await staff_ids("SQL") == ["B1"]
    assert await staff_ids("python") == []

    events = await published_events(sessionmaker, profile["id"])
    assert [(e["type"], e["data"]["skills"]) for e in events] == [
        ("workspace.staff.created", ["Python", "SQL", "Rust"]),
        ("workspace.staff.updated", ["Go", "sql"]),
        ("workspace.staff.updated", ["Go", "sql"]),
    ]
    # Resigned and deleted profiles keep their skills in their events; consumers decide.
    await client.post(f"{url}/deactivate", json={"status": "resigned"}, headers=ada.headers)
    await client.delete(url, headers=ada.headers)
    events = await published_events(sessionmaker, profile["id"])
    assert [(e["type"], e["data"]["skills"]) for e in events[-2:]] == [
        ("workspace.staff.deactivated", ["Go", "sql"]),
        ("workspace.staff.deleted", ["Go", "sql"]),
    ]


async def test_bad_skills_are_refused_and_change_nothing(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ada, bob = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    staff = f"{API}/workspaces/{slug}/staff"
    refused: list[Any] = [["x" * 51], [""], ["  "], [f"S{n}" for n in range(51)], [7], "Go"]
    for skills in refused:
        body = {"user_id": str(bob.id), "staff_id": "B1", "skills": skills}
        assert_problem(
            await client.post(staff, json=body, headers=ada.headers),
            422,
            "validation_failed",
        )
    assert (await client.get(staff, headers=ada.headers)).json()["items"] == []
    profile = await workspaces.create_staff(slug, ada, bob, "B1", skills=["Go"])
    url = f"{staff}/{profile['id']}"
    for skills in [*refused, None]:
        assert_problem(
            await client.patch(url, json={"skills": skills}, headers=ada.headers),
            422,
            "validation_failed",
        )
    assert (await client.get(url, headers=ada.headers)).json() == profile
    assert len(await published_events(sessionmaker, profile["id"])) == 1
    assert_problem(
        await client.get(staff, params={"skill": "x" * 51}, headers=ada.headers),
        422,
        "validation_failed",
    )


async def test_imports_take_skills_as_a_list_or_one_csv_cell(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob, cy, dee = [await people.register(n) for n in ("Ada", "Bob", "Cy", "Dee")]
    slug = (await workspaces.create(ada))["slug"]
    for person in (bob, cy, dee):
        await workspaces.add_member(slug, ada, person)
    staff = f"{API}/workspaces/{slug}/staff"
    rows = [{"staff_id": "B1", "user_id": str(bob.id), "skills": ["Go", "go", " SQL"]}]
    imported = await client.post(f"{staff}/bulk-import", json=rows, headers=ada.headers)
    assert imported.status_code == 201, imported.text
    text = f'staff_id,email,skills\nC1,{cy.email},"\'=HYPERLINK(); Rust ;; rust"\nD1,{dee.email},\n'
    imported = await client.post(
        f"{staff}/bulk-import",
        content=text.encode(),
        headers={**ada.headers, "Content-Type": "text/csv"},
    )
    assert imported.status_code == 201, imported.text
    listed = (await client.get(staff, headers=ada.headers)).json()["items"]
    assert [(item["staff_id"], item["skills"]) for item in listed] == [
        ("B1", ["Go", "SQL"]),
        ("C1", ["=HYPERLINK()", "Rust"]),
        ("D1", []),
    ]
    exported = await client.get(f"{staff}/export", headers=ada.headers)
    cells = [row["skills"] for row in csv.DictReader(io.StringIO(exported.text, newline=""))]
    assert cells == ["Go; SQL", "'=HYPERLINK(); Rust", ""]
    too_many = "; ".join(f"S{n}" for n in range(51))
    refused = await client.post(
        f"{staff}/bulk-import",
        content=f"staff_id,user_id,skills\nE1,{ada.id},{too_many}\n".encode(),
        headers={**ada.headers, "Content-Type": "text/csv"},
    )
    assert_problem(refused, 422, "validation_failed")
    assert len((await client.get(staff, headers=ada.headers)).json()["items"]) == 3


async def test_republished_staff_snapshots_carry_skills(
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ada, bob = await people.register(), await people.register()
    workspace = await workspaces.create(ada)
    await workspaces.add_member(workspace["slug"], ada, bob)
    profile = await workspaces.create_staff(workspace["slug"], ada, bob, "B1", skills=["Go"])
    aggregate = OPERATIONS.aggregate("workspace.staff")
    assert aggregate is not None
    await republish(sessionmaker, aggregate, workspace_id=UUID(workspace["id"]))
    events = await published_events(sessionmaker, profile["id"])
    assert [(e["type"], e["sequence"], e["data"]["skills"]) for e in events] == [
        ("workspace.staff.created", 1, ["Go"]),
        ("workspace.staff.updated", 1, ["Go"]),
    ]
