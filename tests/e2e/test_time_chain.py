"""End to end through the gateway: an issue, a timer and a worklog on it, the totals a lead
reads, the planner's view of the same hours — every hop an event between real processes."""

from __future__ import annotations

import time
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from scripts.local_system import RunningSystem

from .people import Person, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
# Lets the timer accumulate worked time between its steps: the clock is the subject here.
TIMER_STEP_SECONDS = 1.1


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


class Scenario:
    """The workspace of one test, and API shortcuts that assert their own success."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.owner = Person(client, "owner")
        self.member = Person(client, "member")
        self.slug = f"chain-{uuid.uuid4().hex[:8]}"
        self.ws = f"/api/v1/workspaces/{self.slug}"

    def create_workspace(self) -> None:
        body = {"slug": self.slug, "name": "Chain", "settings": {"timezone": "Europe/Berlin"}}
        _ok(self.client.post("/api/v1/workspaces", json=body, headers=self.owner.headers), 201)

    def invite_and_accept(self) -> None:
        invitation = _ok(
            self.client.post(
                f"{self.ws}/invitations",
                json={"email": self.member.email, "role": "member"},
                headers=self.owner.headers,
            ),
            201,
        )
        accepted = self.client.post(
            f"/api/v1/invitations/{invitation['token']}/accept", headers=self.member.headers
        )
        assert accepted.status_code in (200, 201), accepted.text

    def create_project(self, identifier: str, name: str) -> str:
        project = _ok(
            self.client.post(
                f"{self.ws}/projects",
                json={"identifier": identifier, "name": name},
                headers=self.owner.headers,
            ),
            201,
        )
        _ok(
            self.client.post(
                f"{self.ws}/projects/{project['id']}/members",
                json={"user_id": self.member.id, "role": "member"},
                headers=self.owner.headers,
            ),
            201,
        )
        project_id: str = project["id"]
        return project_id

    def timer(self, action: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.client.post(
            f"{self.ws}/timer/{action}", json=body or {}, headers=self.member.headers
        )
        assert response.status_code in (200, 201), f"{action}: {response.text}"
        timer: dict[str, Any] = response.json()
        return timer

    def allocate(self, project_id: str, hours: int, start: str, end: str) -> dict[str, Any]:
        body = {
            "user_id": self.member.id,
            "project_id": project_id,
            "hours_per_week": str(hours),
            "start_date": start,
            "end_date": end,
        }
        allocation: dict[str, Any] = _ok(
            self.client.post(f"{self.ws}/allocations", json=body, headers=self.owner.headers),
            201,
        )
        return allocation


def test_issue_timer_worklog_summary_allocation_and_utilization(system: RunningSystem) -> None:
    with httpx.Client(base_url=system.gateway_url, timeout=15) as client:
        run = Scenario(client)
        run.create_workspace()
        run.invite_and_accept()
        project_id = run.create_project("CHAIN", "Launch")
        other_project_id = run.create_project("SIDE", "Side quest")
        issues = f"{run.ws}/projects/{project_id}/issues"

        issue = _ok(
            client.post(
                issues,
                json={
                    "title": "Write the launch post",
                    "estimate_minutes": 180,
                    "assignee_ids": [run.member.id],
                },
                headers=run.owner.headers,
            ),
            201,
        )
        assert issue["key"] == "CHAIN-1"

        # At once, before work-items' event may have reached time tracking.
        started = run.timer("start", {"project_id": project_id, "issue_id": issue["id"]})
        time.sleep(TIMER_STEP_SECONDS)
        run.timer("pause")
        run.timer("resume")
        time.sleep(TIMER_STEP_SECONDS)
        stopped = run.timer("stop")
        assert stopped["id"] == started["id"]
        assert stopped["duration_seconds"] >= 2
        missing = client.get(f"{run.ws}/timer", headers=run.member.headers)
        assert missing.status_code == 404

        worklogs = f"{issues}/{issue['id']}/worklogs"
        _ok(
            client.post(
                worklogs,
                json={"duration_minutes": 90, "description": "Drafting"},
                headers=run.member.headers,
            ),
            201,
        )

        summary = _ok(
            client.get(
                f"{run.ws}/projects/{project_id}/worklogs/summary", headers=run.owner.headers
            )
        )
        (per_issue,) = summary["issues"]
        assert per_issue["issue_id"] == issue["id"]
        assert per_issue["estimate_minutes"] == 180
        assert per_issue["logged_minutes"] == 90
        (per_member,) = summary["members"]
        assert per_member["user_id"] == run.member.id
        assert per_member["logged_minutes"] == 90
        assert summary["total_minutes"] == 90

        eventually(
            lambda: (
                client.get(f"{issues}/{issue['id']}", headers=run.member.headers).json()[
                    "logged_minutes"
                ]
                == 90
            )
        )

        eventually(
            lambda: any(
                profile["user_id"] == run.member.id
                for profile in client.get(
                    f"{run.ws}/team-members", headers=run.owner.headers
                ).json()["items"]
            )
        )
        first = run.allocate(project_id, 30, "2026-01-05", "2026-02-27")
        second = run.allocate(other_project_id, 20, "2026-02-02", "2026-03-27")
        conflicts = _ok(client.get(f"{run.ws}/conflicts?status=open", headers=run.owner.headers))[
            "items"
        ]
        (conflict,) = conflicts
        assert conflict["user_id"] == run.member.id
        assert (conflict["start_date"], conflict["end_date"]) == ("2026-02-02", "2026-02-27")
        assert float(conflict["over_allocation_percent"]) == 25.0
        assert set(conflict["allocation_ids"]) == {first["id"], second["id"]}

        today = date.today()
        utilization_url = (
            f"{run.ws}/utilization?granularity=week&user_id={run.member.id}"
            f"&from={today - timedelta(days=7)}&to={today + timedelta(days=7)}"
        )

        def actual_hours() -> float:
            rows = _ok(client.get(utilization_url, headers=run.owner.headers))["items"]
            return sum(float(row["actual_hours"]) for row in rows)

        eventually(lambda: round(actual_hours(), 1) == 1.5)

        _ok(
            client.patch(
                f"{run.ws}/projects/{project_id}",
                json={"is_time_tracking_enabled": False},
                headers=run.owner.headers,
            )
        )

        def worklog_refused() -> bool:
            response = client.post(
                worklogs, json={"duration_minutes": 15}, headers=run.member.headers
            )
            assert response.status_code in (201, 409), response.text
            if response.status_code == 201:
                # Time tracking has not heard yet: take the entry back (unless it has heard
                # by now, which refuses that write too) and ask again.
                deleted = client.delete(
                    f"{worklogs}/{response.json()['id']}", headers=run.member.headers
                )
                assert deleted.status_code in (204, 409), deleted.text
                return False
            assert response.json()["code"] == "time_tracking_disabled"
            return True

        eventually(worklog_refused)
