"""The report: rounded hours, billable hours and amount grouped by one or two dimensions,
filtered; visibility per role; the same as CSV; bad inputs refused."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx

from worksync.common.testing.directory import DirectorySeeder
from worksync.timetracking.testing import (
    World,
    arrange_team,
    create_entry,
    rounding_rule,
    set_workspace_settings,
)


async def report(
    client: httpx.AsyncClient, world: World, person: Any, **params: Any
) -> dict[str, Any]:
    response = await client.get(
        f"{world.base}/time-tracking/report",
        params={"from": "2024-05-01", "to": "2024-05-31", **params},
        headers=person.headers,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def arrange(client: httpx.AsyncClient, seeder: DirectorySeeder, world: World) -> None:
    """Rounded up to 15 minutes: Ada 46 min (1 h) billable on Mon 6 May and 2 h on Tue 14 May,
    Bob 30 min non-billable on Mon 6 May; the project's rate is 80.00 EUR."""
    await set_workspace_settings(
        seeder,
        world.workspace,
        rounding=rounding_rule(duration=(15, "up")),
    )
    await create_entry(
        client,
        world,
        world.ada,
        started_at="2024-05-06T09:07:00",
        ended_at="2024-05-06T09:53:00",
        billable=True,
        issue_id=str(world.issue_id),
    )
    await create_entry(
        client, world, world.ada, work_date="2024-05-14", duration_seconds=7200, billable=True
    )
    await create_entry(client, world, world.bob, work_date="2024-05-06", duration_seconds=1800)


async def test_grouped_by_project_and_user_with_rounded_hours_and_amount(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    await arrange(client, seeder, world)
    body = await report(client, world, world.owner, group_by="project", then_by="user")
    assert body["currency"] == "EUR"
    rows = {row["then"]["label"]: row for row in body["rows"]}
    assert set(rows) == {"Ada Lovelace", "Bob Builder"}
    ada = rows["Ada Lovelace"]
    assert ada["group"] == {"dimension": "project", "key": str(world.project.id), "label": "Apollo"}
    assert (ada["hours"], ada["billable_hours"], ada["amount"]) == ("3.00", "3.00", "240.00")
    assert (rows["Bob Builder"]["hours"], rows["Bob Builder"]["amount"]) == ("0.50", "0.00")
    assert (body["total_hours"], body["billable_hours"], body["amount"]) == (
        "3.50",
        "3.00",
        "240.00",
    )
    assert body["other_currency_entries"] == 0


async def test_time_dimensions_and_filters(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    await arrange(client, seeder, world)
    weeks = await report(client, world, world.owner, group_by="week")
    assert [(r["group"]["key"], r["hours"]) for r in weeks["rows"]] == [
        ("2024-05-06", "1.50"),
        ("2024-05-13", "2.00"),
    ]
    months = await report(client, world, world.owner, group_by="month", then_by="day")
    assert [(r["group"]["key"], r["then"]["key"]) for r in months["rows"]] == [
        ("2024-05", "2024-05-06"),
        ("2024-05", "2024-05-14"),
    ]
    issues = await report(client, world, world.owner, group_by="issue")
    labels = [r["group"]["label"] for r in issues["rows"]]
    assert labels[0].startswith("APL-")
    billable = await report(client, world, world.owner, group_by="user", billable="true")
    assert [r["group"]["key"] for r in billable["rows"]] == [str(world.ada.id)]
    not_billable = await report(client, world, world.owner, group_by="user", billable="false")
    assert [
        (r["group"]["key"], r["hours"], r["billable_hours"], r["amount"])
        for r in not_billable["rows"]
    ] == [(str(world.bob.id), "0.50", "0.00", "0.00")]
    only_bob = await report(client, world, world.owner, group_by="day", user_id=str(world.bob.id))
    assert only_bob["total_hours"] == "0.50"
    narrow = await report(
        client, world, world.owner, group_by="day", **{"from": "2024-05-10", "to": "2024-05-31"}
    )
    assert narrow["total_hours"] == "2.00"
    submitted = await client.post(
        f"{world.base}/timesheets/submit", json={"date": "2024-05-06"}, headers=world.ada.headers
    )
    assert submitted.status_code == 200, submitted.text
    in_review = await report(
        client, world, world.owner, group_by="user", approval_state="submitted"
    )
    assert in_review["total_hours"] == "1.00"
    drafts = await report(client, world, world.owner, group_by="user", approval_state="draft")
    assert drafts["total_hours"] == "2.50"


async def test_entries_without_an_issue_sunday_weeks_and_months_across_a_boundary(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    await arrange(client, seeder, world)
    await set_workspace_settings(seeder, world.workspace, week_start="sunday")
    await create_entry(
        client, world, world.bob, work_date="2024-06-02", duration_seconds=3600, billable=True
    )
    span = {"from": "2024-05-01", "to": "2024-06-30"}
    issues = await report(client, world, world.owner, group_by="issue", **span)
    assert [(r["group"]["label"] or "")[:4] for r in issues["rows"]] == ["APL-", ""]
    no_issue = issues["rows"][1]
    assert (no_issue["group"]["key"], no_issue["hours"]) == (None, "3.50")
    weeks = await report(client, world, world.owner, group_by="week", then_by="user", **span)
    assert [(r["group"]["key"], r["then"]["label"], r["hours"]) for r in weeks["rows"]] == [
        ("2024-05-05", "Ada Lovelace", "1.00"),
        ("2024-05-05", "Bob Builder", "0.50"),
        ("2024-05-12", "Ada Lovelace", "2.00"),
        ("2024-06-02", "Bob Builder", "1.00"),
    ]
    months = await report(client, world, world.owner, group_by="month", **span)
    assert [(r["group"]["key"], r["group"]["label"], r["amount"]) for r in months["rows"]] == [
        ("2024-05", "2024-05", "240.00"),
        ("2024-06", "2024-06", "80.00"),
    ]
    assert (months["total_hours"], months["billable_hours"]) == ("4.50", "4.00")


async def test_who_sees_what(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    await arrange(client, seeder, world)
    mine = await report(client, world, world.ada, group_by="user")
    assert [r["group"]["key"] for r in mine["rows"]] == [str(world.ada.id)]
    carl = await seeder.member(world.workspace, display_name="Carl Coder")
    assert (await report(client, world, carl, group_by="user"))["rows"] == []
    await arrange_team(seeder, world.workspace, carl, [world.bob])
    led = await report(client, world, carl, group_by="user")
    assert [r["group"]["key"] for r in led["rows"]] == [str(world.bob.id)]
    await seeder.project_member(world.project, world.bob, role="admin", verb="updated")
    project_admin = await report(client, world, world.bob, group_by="user")
    assert len(project_admin["rows"]) == 2
    guest = await client.get(
        f"{world.base}/time-tracking/report",
        params={"group_by": "user", "from": "2024-05-01", "to": "2024-05-31"},
        headers=world.guest.headers,
    )
    assert guest.status_code == 403


async def test_the_csv_has_the_same_rows(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    await arrange(client, seeder, world)
    response = await client.get(
        f"{world.base}/time-tracking/report/csv",
        params={"group_by": "user", "then_by": "project", "from": "2024-05-01", "to": "2024-05-31"},
        headers=world.owner.headers,
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    by_user = {row["group_label"]: row for row in rows}
    assert by_user["Ada Lovelace"]["hours"] == "3.00"
    assert by_user["Ada Lovelace"]["amount"] == "240.00"
    assert by_user["Ada Lovelace"]["then_label"] == "Apollo"
    assert by_user["Bob Builder"]["currency"] == "EUR"


async def test_a_second_grouping_by_the_first_adds_none(
    client: httpx.AsyncClient, world: World
) -> None:
    url = f"{world.base}/time-tracking/report"
    span = {"from": "2024-05-01", "to": "2024-05-31", "group_by": "user"}
    once = await client.get(url, params=span, headers=world.owner.headers)
    twice = await client.get(url, params={**span, "then_by": "user"}, headers=world.owner.headers)
    assert twice.status_code == 200, twice.text
    assert twice.json() == once.json()


async def test_bad_reports_are_refused(client: httpx.AsyncClient, world: World) -> None:
    url = f"{world.base}/time-tracking/report"
    span = {"from": "2024-05-01", "to": "2024-05-31"}
    for params in (
        {"group_by": "user"},
        {**span},
        {**span, "group_by": "customer"},
        {"group_by": "user", "from": "2024-05-31", "to": "2024-05-01"},
        {"group_by": "user", "from": "2023-01-01", "to": "2024-05-31"},
        {**span, "group_by": "user", "approval_state": "lost"},
        {**span, "group_by": "user", "approval_state": "open"},
        {**span, "group_by": "user", "user_id": [str(world.ada.id)] * 51},
    ):
        response = await client.get(url, params=params, headers=world.owner.headers)
        assert response.status_code == 422, (params, response.text)


async def test_labels_keep_every_character_of_their_names(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    """The database writes the rows' JSON: quotes, backslashes, tabs and letters beyond
    ASCII in a name come back as they are."""
    name = 'Say "hi" \\ to\tZoë ✓'
    quoted = await seeder.project(world.workspace, name=name)
    await seeder.project_member(quoted, world.ada)
    await create_entry(
        client,
        world,
        world.ada,
        work_date="2024-05-08",
        duration_seconds=600,
        project_id=str(quoted.id),
    )
    body = await report(client, world, world.owner, group_by="project", then_by="month")
    assert {(row["group"]["label"], row["then"]["label"]) for row in body["rows"]} == {
        (name, "2024-05")
    }


async def test_the_summaries_show_what_the_report_shows(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    """The workspace summary and a project's per-member worklog summary follow the report's
    visibility; the issues' logged time is everyone's (the issues show it too)."""
    await arrange(client, seeder, world)
    carl = await seeder.member(world.workspace, display_name="Carl Coder")
    await seeder.project_member(world.project, carl)

    async def seen(person: Any) -> tuple[set[str], int, set[str], int]:
        summary = await client.get(f"{world.base}/time-tracking/summary", headers=person.headers)
        assert summary.status_code == 200, summary.text
        worklogs = await client.get(
            f"{world.base}/projects/{world.project.id}/worklogs/summary", headers=person.headers
        )
        assert worklogs.status_code == 200, worklogs.text
        return (
            {member["display_name"] for member in summary.json()["by_member"]},
            summary.json()["total_seconds"],
            {member["display_name"] for member in worklogs.json()["members"]},
            worklogs.json()["total_minutes"],
        )

    everyone = {"Ada Lovelace", "Bob Builder"}
    # Rounded: Ada 1 h + 2 h, Bob 30 min; the worklog summary counts Ada's issue hour alone.
    assert await seen(world.admin) == (everyone, 12600, everyone, 210)
    assert await seen(carl) == (set(), 0, set(), 210)
    assert await seen(world.ada) == ({"Ada Lovelace"}, 10800, {"Ada Lovelace"}, 210)
    await arrange_team(seeder, world.workspace, carl, [world.bob])
    assert await seen(carl) == ({"Bob Builder"}, 1800, {"Bob Builder"}, 210)
    await seeder.project_member(world.project, world.bob, role="admin", verb="updated")
    assert await seen(world.bob) == (everyone, 12600, everyone, 210)
    # Asking for someone else's time shows none of it.
    asked = await client.get(
        f"{world.base}/time-tracking/summary",
        params={"user_id": str(world.bob.id)},
        headers=world.ada.headers,
    )
    assert asked.json()["total_seconds"] == 0
