"""The critical path and the milestone report through the API, and the report's rules."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from worksync.common.clock import utc_now
from worksync.resources.milestones.report import PROGRESS_BEHIND_POINTS, standing
from worksync.resources.milestones.schemas import Health, ReportReason
from worksync.resources.models import MilestoneStatus
from worksync.resources.testing import Team

from .conftest import add_milestone, depend

MONDAY = date(2026, 1, 5)


@pytest.mark.fast
def test_the_report_rules() -> None:
    def judge(
        today: date,
        *,
        progress: int = 0,
        variance: int | None = 0,
        status: MilestoneStatus = MilestoneStatus.IN_PROGRESS,
    ) -> tuple[Health, list[ReportReason]]:
        # Ten working days: Monday 5 to Friday 16 January.
        result = standing(
            status=status,
            start=MONDAY,
            due=date(2026, 1, 16),
            progress=progress,
            finish_variance=variance,
            today=today,
        )
        return result.health, result.reasons

    assert judge(MONDAY) == (Health.ON_TRACK, [])
    # Five of ten working days gone (50 %): 30 % done is 20 points behind, still fine.
    assert judge(date(2026, 1, 12), progress=50 - PROGRESS_BEHIND_POINTS) == (
        Health.ON_TRACK,
        [],
    )
    assert judge(date(2026, 1, 12), progress=29) == (
        Health.AT_RISK,
        [ReportReason.PROGRESS_BEHIND],
    )
    assert judge(MONDAY, variance=2) == (Health.AT_RISK, [ReportReason.SLACK_CONSUMED])
    assert judge(date(2026, 1, 16), progress=100) == (Health.ON_TRACK, [])
    assert judge(date(2026, 1, 17), progress=90) == (Health.OVERDUE, [ReportReason.PAST_DUE])
    assert judge(date(2026, 2, 1), status=MilestoneStatus.COMPLETED) == (Health.ON_TRACK, [])


async def test_the_critical_path_of_a_project(client: httpx.AsyncClient, team: Team) -> None:
    # A (3 days) -> B (5), A -> C (2, after 2 days' lag); B and C -> D (2); E (1) alone.
    a = await add_milestone(client, team, "A", "2026-01-05", "2026-01-07")
    b = await add_milestone(client, team, "B", "2026-01-05", "2026-01-09")
    c = await add_milestone(client, team, "C", "2026-01-05", "2026-01-06")
    d = await add_milestone(client, team, "D", "2026-01-05", "2026-01-06")
    await add_milestone(client, team, "E", "2026-01-05", "2026-01-05")
    cancelled = await add_milestone(client, team, "Dropped", status="cancelled")
    for successor, predecessor, lag in (
        (b, a, 0),
        (c, a, 2),
        (d, b, 0),
        (d, c, 0),
        (cancelled, d, 0),
    ):
        response = await depend(client, team, successor["id"], predecessor["id"], lag)
        assert response.status_code == 201, response.text
    response = await client.get(
        f"{team.base}/projects/{team.project.id}/critical-path", headers=team.member.headers
    )
    assert response.status_code == 200, response.text
    path = response.json()
    # A 0-3, B 3-8, C 5-7, D 8-10: finish on the 10th working day, Friday 16 January.
    assert path["chains"] == [[a["id"], b["id"], d["id"]]]
    assert path["projected_finish"] == "2026-01-16"
    assert path["latest_due_date"] == "2026-01-09"
    assert path["finish_variance_days"] == 5
    rows = {row["title"]: row for row in path["milestones"]}
    assert set(rows) == {"A", "B", "C", "D", "E"}
    assert (rows["C"]["earliest_start"], rows["C"]["total_slack_days"]) == ("2026-01-12", 1)
    assert (rows["E"]["total_slack_days"], rows["E"]["critical"]) == (9, False)
    assert rows["D"]["earliest_finish"] == "2026-01-16"
    assert rows["D"]["finish_variance_days"] == 8


async def test_the_milestone_report(client: httpx.AsyncClient, team: Team) -> None:
    today = utc_now().date()
    far = date(today.year + 1, 12, 31)
    past = await add_milestone(client, team, "Past", "2020-01-06", "2020-01-10")
    done = await add_milestone(client, team, "Done", "2020-01-06", "2020-01-10", status="completed")
    ahead = await add_milestone(client, team, "Ahead", today.isoformat(), far.isoformat())
    pushed = await add_milestone(client, team, "Pushed", today.isoformat(), far.isoformat())
    blocker = await add_milestone(
        client, team, "Blocker", today.isoformat(), date(today.year + 2, 6, 30).isoformat()
    )
    assert (await depend(client, team, pushed["id"], blocker["id"])).status_code == 201
    behind = await add_milestone(client, team, "Behind", "2020-01-06", far.isoformat())
    response = await client.get(
        f"{team.base}/projects/{team.project.id}/milestone-report", headers=team.member.headers
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["as_of"] == today.isoformat()
    lines = {line["milestone_id"]: line for line in report["milestones"]}
    assert (lines[past["id"]]["health"], lines[past["id"]]["reasons"]) == (
        "overdue",
        ["past_due"],
    )
    assert lines[done["id"]]["health"] == "on_track"
    assert lines[ahead["id"]]["health"] == "on_track"
    assert (lines[pushed["id"]]["health"], lines[pushed["id"]]["reasons"]) == (
        "at_risk",
        ["slack_consumed"],
    )
    assert (lines[behind["id"]]["health"], lines[behind["id"]]["reasons"]) == (
        "at_risk",
        ["progress_behind"],
    )
    assert lines[behind["id"]]["detail"]


async def test_an_empty_project_has_no_path(client: httpx.AsyncClient, team: Team) -> None:
    response = await client.get(
        f"{team.base}/projects/{team.project.id}/critical-path", headers=team.admin.headers
    )
    assert response.json() == {
        "milestones": [],
        "chains": [],
        "chains_truncated": False,
        "projected_finish": None,
        "latest_due_date": None,
        "finish_variance_days": None,
    }
