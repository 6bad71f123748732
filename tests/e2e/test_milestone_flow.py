"""End to end through the gateway: a milestone template applied to a project, issues linked,
the critical path and the report, an issue completed in work-items moving the milestone's
progress (an event between real processes), two allocations in conflict and a bulk change
that resolves it."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from scripts.local_system import RunningSystem

from .people import Person, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_template_issues_critical_path_progress_and_bulk_allocations(
    system: RunningSystem,
) -> None:
    with httpx.Client(base_url=system.gateway_url, timeout=15) as client:
        owner = Person(client, "owner")
        member = Person(client, "member")
        slug = f"plan-{uuid.uuid4().hex[:8]}"
        ws = f"/api/v1/workspaces/{slug}"
        _ok(
            client.post(
                "/api/v1/workspaces", json={"slug": slug, "name": "Plan"}, headers=owner.headers
            ),
            201,
        )
        invitation = _ok(
            client.post(
                f"{ws}/invitations",
                json={"email": member.email, "role": "member"},
                headers=owner.headers,
            ),
            201,
        )
        accepted = client.post(
            f"/api/v1/invitations/{invitation['token']}/accept", headers=member.headers
        )
        assert accepted.status_code in (200, 201), accepted.text
        project = _ok(
            client.post(
                f"{ws}/projects",
                json={"identifier": "PLAN", "name": "Launch"},
                headers=owner.headers,
            ),
            201,
        )
        project_url = f"{ws}/projects/{project['id']}"
        _ok(
            client.post(
                f"{project_url}/members",
                json={"user_id": member.id, "role": "member"},
                headers=owner.headers,
            ),
            201,
        )

        template = _ok(
            client.post(
                f"{ws}/milestone-templates",
                json={
                    "name": "Release",
                    "milestones": [
                        {
                            "key": "build",
                            "title": "Build",
                            "offset_days": 0,
                            "duration_days": 10,
                            "deliverables": [{"title": "Spec", "required": True}],
                        },
                        {
                            "key": "launch",
                            "title": "Launch",
                            "offset_days": 11,
                            "duration_days": 2,
                            "depends_on": [{"key": "build", "lag_days": 1}],
                        },
                    ],
                },
                headers=owner.headers,
            ),
            201,
        )
        # A Monday two weeks ahead: nothing is late yet.
        today = date.today()
        anchor = today + timedelta(days=14 - today.weekday())
        build, launch = _ok(
            client.post(
                f"{project_url}/milestones/from-template",
                json={"template_id": template["id"], "anchor_date": anchor.isoformat()},
                headers=owner.headers,
            ),
            201,
        )["milestones"]
        assert launch["depends_on"] == [{"depends_on_id": build["id"], "lag_days": 1}]

        issues = [
            _ok(
                client.post(
                    f"{project_url}/issues",
                    json={"title": title, "estimate_minutes": minutes},
                    headers=owner.headers,
                ),
                201,
            )
            for title, minutes in (("Backend", 60), ("Frontend", 120))
        ]
        build_url = f"{project_url}/milestones/{build['id']}"
        linked = _ok(
            client.patch(
                build_url,
                json={"issue_ids": [issue["id"] for issue in issues]},
                headers=owner.headers,
            )
        )
        assert linked["progress"] == 0

        path = _ok(client.get(f"{project_url}/critical-path", headers=member.headers))
        assert path["chains"] == [[build["id"], launch["id"]]]
        assert path["finish_variance_days"] == 0
        report = _ok(client.get(f"{project_url}/milestone-report", headers=member.headers))
        assert {line["health"] for line in report["milestones"]} == {"on_track"}

        states = _ok(client.get(f"{project_url}/states", headers=owner.headers))["items"]
        done = next(state for state in states if state["group"] == "completed")
        _ok(
            client.patch(
                f"{project_url}/issues/{issues[0]['id']}",
                json={"state_id": done["id"]},
                headers=owner.headers,
            )
        )
        # 60 of 180 estimated minutes done, once work-items' event has arrived.
        eventually(lambda: client.get(build_url, headers=member.headers).json()["progress"] == 33)
        refused = client.patch(build_url, json={"status": "completed"}, headers=owner.headers)
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "required_deliverables_open"

        eventually(
            lambda: any(
                profile["user_id"] == member.id
                for profile in client.get(f"{ws}/team-members", headers=owner.headers).json()[
                    "items"
                ]
            )
        )
        allocations = [
            _ok(
                client.post(
                    f"{ws}/allocations",
                    json={
                        "user_id": member.id,
                        "project_id": project["id"],
                        "hours_per_week": hours,
                        "start_date": "2026-03-02",
                        "end_date": "2026-03-27",
                    },
                    headers=owner.headers,
                ),
                201,
            )
            for hours in (30, 20)
        ]
        conflicts = _ok(client.get(f"{ws}/conflicts?status=open", headers=owner.headers))
        (conflict,) = conflicts["items"]
        assert set(conflict["allocation_ids"]) == {a["id"] for a in allocations}

        bulk = _ok(
            client.put(
                f"{ws}/allocations/bulk",
                json={
                    "operations": [
                        {"action": "update", "id": allocations[1]["id"], "hours_per_week": 10},
                        {
                            "action": "create",
                            "user_id": owner.id,
                            "project_id": project["id"],
                            "hours_per_week": 10,
                            "start_date": "2026-03-02",
                            "end_date": "2026-03-27",
                        },
                    ]
                },
                headers={**owner.headers, "Idempotency-Key": "rebalance"},
            )
        )
        assert [result["action"] for result in bulk["results"]] == ["update", "create"]
        open_now = _ok(client.get(f"{ws}/conflicts?status=open", headers=owner.headers))
        assert open_now["items"] == []
