"""What the request-path bench arranges through the gateway (`arrange`): an owner and a
member, a project with labels, 50 issues and a board, three weeks of their time, allocations
for utilization, and a workspace of timer users; and the bodies and parameters its requests
send."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from bench.request_path_load import TIMESTAMP
from bench.seeding import WAIT_LIMIT_SECONDS, member_headers, owner_headers, wait_for
from scripts.local_system import RunningSystem

ISSUES = 50
# Arranged time: three entries a weekday for each of two members over the last three weeks.
ENTRY_DAYS = 21
ENTRY_SLOTS = ((9, 0, 11, 0), (11, 0, 12, 30), (13, 30, 17, 0))
REPORT_DAYS = 28
# Created entries go far enough back to miss the arranged weeks: the captured one (and the
# floor's replays, a day earlier each) on CREATE_DAYS_AGO, wrk's from the day after on.
CREATE_DAYS_AGO = 60
# A stop needs a second's work: a lap of this many users lasts seconds at these rates (at
# 160, a lap of one of wrk's two threads took 1.5 s at 107 pairs/s, and one stop came early).
TIMER_USERS = 320
REGISTRATIONS_AT_ONCE = 4


@dataclass(frozen=True)
class World:
    """What `arrange` made: the owner's headers, their workspace and project, its issues
    and board; the timer workspace, its project, the user of its captured timer, the user
    whose timer runs throughout (read by its row) and the headers of wrk's timer users."""

    headers: dict[str, str]
    slug: str
    project_id: str
    issue_ids: list[str]
    board_id: str
    timer_slug: str
    timer_project_id: str
    # The captured timer's user stays out of wrk's: its floor's timers run into the future.
    timer_capturer: dict[str, str] = field(repr=False)
    timer_reader: dict[str, str] = field(repr=False)
    timer_headers: list[dict[str, str]] = field(repr=False)

    @property
    def base(self) -> str:
        return f"/api/v1/workspaces/{self.slug}/projects/{self.project_id}"


def current_day() -> date:
    return datetime.now(UTC).date()


def at_time(day: date, hour: int, minute: int) -> str:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC).strftime(TIMESTAMP)


def arrange(system: RunningSystem) -> World:
    """An owner with a second member; a project with two labels, 50 issues over its states,
    each with both members assigned and both labels, and a board; three entries a weekday
    for each member over three weeks, and an allocation each; a timer workspace of its own."""
    with httpx.Client(base_url=system.gateway_url, timeout=30.0) as client:
        headers = owner_headers(client)
        slug = f"bench-path-{uuid.uuid4().hex[:8]}"
        client.post(
            "/api/v1/workspaces", json={"slug": slug, "name": "Bench"}, headers=headers
        ).raise_for_status()
        other = owner_headers(client)
        other_id = client.get("/api/v1/auth/me", headers=other).json()["id"]
        owner_id = client.get("/api/v1/auth/me", headers=headers).json()["id"]
        client.post(
            f"/api/v1/workspaces/{slug}/members", json={"user_id": other_id}, headers=headers
        ).raise_for_status()
        project = client.post(
            f"/api/v1/workspaces/{slug}/projects",
            json={"identifier": "RP", "name": "Request path"},
            headers=headers,
        )
        project.raise_for_status()
        project_id = project.json()["id"]
        base = f"/api/v1/workspaces/{slug}/projects/{project_id}"
        wait_for(lambda: client.get(f"{base}/labels", headers=headers).status_code == 200)
        labels = [
            client.post(f"{base}/labels", json={"name": name}, headers=headers).json()["id"]
            for name in ("bug", "backend")
        ]
        states = client.get(f"{base}/states", headers=headers).json()["items"]
        issue_ids = []
        for n in range(ISSUES):
            created = client.post(
                f"{base}/issues",
                json={
                    "title": f"Issue {n}",
                    "description": "Something to do " * 8,
                    "assignee_ids": [owner_id, other_id],
                    "label_ids": labels,
                    "state_id": states[n % len(states)]["id"],
                },
                headers=headers,
            )
            created.raise_for_status()
            issue_ids.append(created.json()["id"])
        board = client.post(f"{base}/boards", json={"name": "Sprint board"}, headers=headers)
        board.raise_for_status()
        _arrange_time(client, headers, slug, project_id, [owner_id, other_id], issue_ids)
        timer_slug, timer_project_id = _workspace_with_project(client, headers, "TM")
    timer_headers = asyncio.run(_timer_users(system, headers, timer_slug))
    reader = timer_headers[-1]
    with httpx.Client(base_url=system.gateway_url, timeout=30.0) as client:
        client.post(
            f"/api/v1/workspaces/{timer_slug}/timer/start",
            json={"project_id": timer_project_id, "description": "Read throughout"},
            headers=reader,
        ).raise_for_status()
    return World(
        headers=headers,
        slug=slug,
        project_id=project_id,
        issue_ids=issue_ids,
        board_id=board.json()["id"],
        timer_slug=timer_slug,
        timer_project_id=timer_project_id,
        timer_capturer=timer_headers[0],
        timer_reader=reader,
        timer_headers=timer_headers[1:-1],
    )


def _arrange_time(
    client: httpx.Client,
    headers: dict[str, str],
    slug: str,
    project_id: str,
    user_ids: list[str],
    issue_ids: list[str],
) -> None:
    """Entries (through the gateway, the owner logging for both), an allocation each, and
    the wait until resources has heard of every entry."""
    today = current_day()
    days = [today - timedelta(days=n) for n in range(1, ENTRY_DAYS + 1)]
    workdays = [day for day in days if day.weekday() < 5]
    logged_hours = 0.0
    for number, (day, user_id, slot) in enumerate(
        (day, user_id, slot) for day in workdays for user_id in user_ids for slot in ENTRY_SLOTS
    ):
        start_hour, start_minute, end_hour, end_minute = slot
        client.post(
            f"/api/v1/workspaces/{slug}/time-entries",
            json={
                "project_id": project_id,
                "issue_id": issue_ids[number % len(issue_ids)],
                "user_id": user_id,
                "description": "Worked on it",
                "started_at": at_time(day, start_hour, start_minute),
                "ended_at": at_time(day, end_hour, end_minute),
            },
            headers=headers,
        ).raise_for_status()
        logged_hours += end_hour - start_hour + (end_minute - start_minute) / 60
    allocations = f"/api/v1/workspaces/{slug}/allocations"
    for user_id in user_ids:
        allocation = {
            "user_id": user_id,
            "project_id": project_id,
            "hours_per_week": 20,
            "start_date": (today - timedelta(days=REPORT_DAYS)).isoformat(),
            "end_date": (today + timedelta(days=REPORT_DAYS)).isoformat(),
        }

        # Resources learns of the member from an event: refused until then.
        def allocated(body: dict[str, Any] = allocation) -> bool:
            return client.post(allocations, json=body, headers=headers).status_code == 201

        wait_for(allocated)
    params = utilization_params()

    def actuals_arrived() -> bool:
        answer = client.get(
            f"/api/v1/workspaces/{slug}/utilization", params=params, headers=headers
        )
        if answer.status_code != 200:
            return False
        hours = sum(float(item["actual_hours"]) for item in answer.json()["items"])
        return hours >= logged_hours - 0.01

    wait_for(actuals_arrived)


def _workspace_with_project(
    client: httpx.Client, headers: dict[str, str], identifier: str
) -> tuple[str, str]:
    slug = f"bench-timer-{uuid.uuid4().hex[:8]}"
    client.post(
        "/api/v1/workspaces", json={"slug": slug, "name": "Bench timers"}, headers=headers
    ).raise_for_status()
    project = client.post(
        f"/api/v1/workspaces/{slug}/projects",
        json={"identifier": identifier, "name": "Timers"},
        headers=headers,
    )
    project.raise_for_status()
    return slug, project.json()["id"]


async def _timer_users(
    system: RunningSystem, owner: dict[str, str], slug: str
) -> list[dict[str, str]]:
    """TIMER_USERS + 2 members of the timer workspace (registered straight at identity), each
    known to timetracking (their timer answers `no_running_timer`)."""
    at_once = asyncio.Semaphore(REGISTRATIONS_AT_ONCE)
    identity = system.service_urls["identity"]
    members = f"{system.gateway_url}/api/v1/workspaces/{slug}/members"
    timer_url = f"{system.service_urls['timetracking']}/api/v1/workspaces/{slug}/timer"
    async with httpx.AsyncClient(timeout=60.0) as client:

        async def one() -> dict[str, str]:
            async with at_once:
                headers = await member_headers(client, identity)
                me = await client.get(f"{identity}/api/v1/auth/me", headers=headers)
            body = {"user_id": me.json()["id"]}
            # The workspace service learns of the user from identity's event: until then the
            # user is `user_not_found`.
            deadline = time.monotonic() + WAIT_LIMIT_SECONDS
            added = await client.post(members, json=body, headers=owner)
            while added.status_code == 404 and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
                added = await client.post(members, json=body, headers=owner)
            added.raise_for_status()
            answer = await client.get(timer_url, headers=headers)
            if answer.json().get("code") != "no_running_timer":
                raise RuntimeError(f"timer answered {answer.status_code}: {answer.text}")
            return headers

        return list(await asyncio.gather(*(one() for _ in range(TIMER_USERS + 2))))


def utilization_params() -> dict[str, str]:
    today = current_day()
    return {
        "from": (today - timedelta(days=REPORT_DAYS - 1)).isoformat(),
        "to": today.isoformat(),
        "granularity": "week",
    }


def report_params(project_id: str) -> dict[str, str]:
    today = current_day()
    return {
        "group_by": "user",
        "then_by": "day",
        "project_id": project_id,
        "from": (today - timedelta(days=REPORT_DAYS - 1)).isoformat(),
        "to": today.isoformat(),
    }


def week_day() -> str:
    """A day of last week: a whole week of entries."""
    return (current_day() - timedelta(days=7)).isoformat()


def timed_entry_body(world: World, day: date, hour: int) -> dict[str, Any]:
    return {
        "project_id": world.project_id,
        "issue_id": world.issue_ids[0],
        "description": "Benched",
        "started_at": at_time(day, hour, 0),
        "ended_at": at_time(day, hour, 15),
    }


WORKLOG_BODY = {"duration_minutes": 30, "description": "Benched"}


def worklogs_path(world: World) -> str:
    return f"{world.base}/issues/{world.issue_ids[1]}/worklogs"


def timer_body(world: World) -> dict[str, Any]:
    return {"project_id": world.timer_project_id, "description": "Benched"}
