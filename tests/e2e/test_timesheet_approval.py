"""End to end through the gateway: a member logs a week in a workspace that rounds to 15
minutes, submits it; the lead of her team (known to time tracking through the workspace's
team events) rejects it with a comment; she fixes an entry and submits again; the lead
approves; her change to an approved entry becomes a modification request the lead
accepts; the project's budget and the report (by client, known through the workspace's
client events) count the rounded hours, and the budget's 80 % event reaches a consumer of
the broker once."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import aio_pika
import httpx
import pytest
from aio_pika.abc import AbstractConnection

from scripts.local_system import RunningSystem
from worksync.common.testing.broker import EventTap

from .people import Person, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _join(client: httpx.Client, ws: str, owner: Person, person: Person) -> None:
    invitation = _ok(
        client.post(
            f"{ws}/invitations",
            json={"email": person.email, "role": "member"},
            headers=owner.headers,
        ),
        201,
    )
    accepted = client.post(
        f"/api/v1/invitations/{invitation['token']}/accept", headers=person.headers
    )
    assert accepted.status_code in (200, 201), accepted.text


@contextmanager
def tapped(system: RunningSystem, routing_key: str) -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """A consumer of the system's exchange of its own: an exclusive queue bound to
    `routing_key`, kept by a loop in a thread of its own while this synchronous test runs;
    yields what reached it so far."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def call(coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout=30)

    async def open_tap() -> tuple[AbstractConnection, EventTap]:
        connection = await aio_pika.connect(system.amqp_url)
        channel = await connection.channel()
        queue = await channel.declare_queue(f"tap-{uuid.uuid4().hex}", exclusive=True)
        await queue.bind(system.exchange, routing_key=routing_key)
        return connection, EventTap(queue)

    connection, tap = call(open_tap())
    try:
        yield lambda: list(call(tap.drain()))
    finally:
        call(connection.close())
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


def test_a_week_rejected_fixed_approved_and_modified(system: RunningSystem) -> None:
    with (
        httpx.Client(base_url=system.gateway_url, timeout=15) as client,
        tapped(system, "timetracking.budget.#") as budget_events,
    ):
        owner, member, lead = (Person(client, name) for name in ("owner", "member", "lead"))
        slug = f"sheet-{uuid.uuid4().hex[:8]}"
        ws = f"/api/v1/workspaces/{slug}"
        settings = {
            "timezone": "Europe/Berlin",
            "rounding": {"duration": {"step_minutes": 15, "mode": "up"}},
        }
        _ok(
            client.post(
                "/api/v1/workspaces",
                json={"slug": slug, "name": "Sheets", "settings": settings},
                headers=owner.headers,
            ),
            201,
        )
        _join(client, ws, owner, member)
        _join(client, ws, owner, lead)
        acme = _ok(
            client.post(f"{ws}/clients", json={"name": "Acme Payroll Ltd"}, headers=owner.headers),
            201,
        )
        project = _ok(
            client.post(
                f"{ws}/projects",
                json={
                    "identifier": "SHEET",
                    "name": "Payroll",
                    "budget_hours": "10",
                    "client_id": acme["id"],
                },
                headers=owner.headers,
            ),
            201,
        )
        _ok(
            client.post(
                f"{ws}/projects/{project['id']}/members",
                json={"user_id": member.id, "role": "member"},
                headers=owner.headers,
            ),
            201,
        )
        team = _ok(
            client.post(
                f"{ws}/teams", json={"name": "Payroll", "lead_id": lead.id}, headers=owner.headers
            ),
            201,
        )
        _ok(
            client.post(
                f"{ws}/teams/{team['id']}/members",
                json={"user_id": member.id},
                headers=owner.headers,
            ),
            201,
        )

        # Last week, Monday to Friday: 09:07-09:53 (46 minutes, billed 60) and 10:00-12:00.
        monday = date.today() - timedelta(days=date.today().weekday() + 7)

        def rounding_known() -> bool:
            """Time tracking has the workspace's settings (its event has arrived)."""
            probe = _ok(
                client.post(
                    f"{ws}/time-entries",
                    json={
                        "project_id": project["id"],
                        "work_date": str(monday - timedelta(days=7)),
                        "duration_seconds": 60,
                    },
                    headers=owner.headers,
                ),
                201,
            )
            deleted = client.delete(f"{ws}/time-entries/{probe['id']}", headers=owner.headers)
            assert deleted.status_code == 204, deleted.text
            return bool(probe["rounded_duration_seconds"] == 900)

        eventually(rounding_known)
        entries: list[dict[str, Any]] = []
        for offset in range(5):
            day = monday + timedelta(days=offset)
            for start, end in (("09:07", "09:53"), ("10:00", "12:00")):
                entries.append(
                    _ok(
                        client.post(
                            f"{ws}/time-entries",
                            json={
                                "project_id": project["id"],
                                "started_at": f"{day}T{start}:00",
                                "ended_at": f"{day}T{end}:00",
                            },
                            headers=member.headers,
                        ),
                        201,
                    )
                )
        assert entries[0]["duration_seconds"] == 46 * 60
        assert entries[0]["rounded_duration_seconds"] == 3600

        sheet = _ok(
            client.post(
                f"{ws}/timesheets/submit", json={"date": str(monday)}, headers=member.headers
            )
        )
        assert (sheet["state"], sheet["total_seconds"]) == ("submitted", 5 * 3 * 3600)
        refused = client.patch(
            f"{ws}/time-entries/{entries[1]['id']}",
            json={"description": "late"},
            headers=member.headers,
        )
        assert refused.status_code == 409
        assert refused.json()["code"] == "timesheet_submitted"

        # The lead decides once time tracking has heard of the team.
        sheet_url = f"{ws}/timesheets/{sheet['id']}"
        eventually(lambda: client.get(sheet_url, headers=lead.headers).status_code == 200)
        queue = _ok(client.get(f"{ws}/timesheets?state=submitted", headers=lead.headers))
        assert [item["id"] for item in queue["items"]] == [sheet["id"]]
        rejected = _ok(
            client.post(
                f"{sheet_url}/reject", json={"comment": "Friday ended at 11"}, headers=lead.headers
            )
        )
        assert (rejected["state"], rejected["comment"]) == ("rejected", "Friday ended at 11")

        friday_late = entries[-1]
        _ok(
            client.patch(
                f"{ws}/time-entries/{friday_late['id']}",
                json={"ended_at": f"{monday + timedelta(days=4)}T11:00:00"},
                headers=member.headers,
            )
        )
        again = _ok(
            client.post(
                f"{ws}/timesheets/submit", json={"date": str(monday)}, headers=member.headers
            )
        )
        assert (again["id"], again["total_seconds"]) == (sheet["id"], 15 * 3600 - 3600)
        approved = _ok(client.post(f"{sheet_url}/approve", headers=lead.headers))
        assert approved["state"] == "approved"

        # An approved entry changes only through a modification request.
        frozen = client.patch(
            f"{ws}/time-entries/{entries[0]['id']}",
            json={"description": "Stand-up"},
            headers=member.headers,
        )
        assert frozen.json()["code"] == "timesheet_approved"
        request = _ok(
            client.post(
                f"{ws}/time-entries/{entries[0]['id']}/modification-requests",
                json={
                    "action": "change",
                    "changes": {"description": "Stand-up"},
                    "reason": "Name it",
                },
                headers=member.headers,
            ),
            201,
        )
        accepted = _ok(
            client.post(f"{ws}/modification-requests/{request['id']}/accept", headers=lead.headers)
        )
        assert accepted["state"] == "accepted"
        entry = _ok(client.get(f"{ws}/time-entries/{entries[0]['id']}", headers=member.headers))
        assert entry["description"] == "Stand-up"

        budget = _ok(client.get(f"{ws}/projects/{project['id']}/budget", headers=owner.headers))
        assert budget["consumed_hours"] == "14.00"
        assert budget["hours_percent"] == "140.0"

        # The report: the week's rounded hours, under the project's client once its event
        # has arrived, all approved with their timesheet.
        week = {"from": str(monday), "to": str(monday + timedelta(days=6))}

        def by_client() -> list[tuple[str | None, str]]:
            report = _ok(
                client.get(
                    f"{ws}/time-tracking/report",
                    params={**week, "group_by": "client", "approval_state": "approved"},
                    headers=owner.headers,
                )
            )
            return [(row["group"]["label"], row["hours"]) for row in report["rows"]]

        eventually(lambda: by_client() == [("Acme Payroll Ltd", "14.00")])
        per_user = _ok(
            client.get(
                f"{ws}/time-tracking/report",
                params={**week, "group_by": "user", "client_id": acme["id"]},
                headers=lead.headers,
            )
        )
        assert [(row["group"]["key"], row["hours"]) for row in per_user["rows"]] == [
            (member.id, "14.00")
        ]
        assert per_user["total_hours"] == "14.00"

        # 80 % and 100 % of the 10 budget hours were crossed while the week was logged: the
        # 80 % event reached the consumer once (its 100 % sibling came after it).
        def thresholds() -> list[int]:
            return [
                event["data"]["threshold_percent"]
                for event in budget_events()
                if event["type"] == "timetracking.budget.threshold_reached"
                and event["data"]["project_id"] == project["id"]
                and event["data"]["measure"] == "hours"
            ]

        eventually(lambda: 100 in thresholds())
        assert sorted(thresholds()) == [80, 100]
        reached = next(
            event
            for event in budget_events()
            if event["type"] == "timetracking.budget.threshold_reached"
            and event["data"]["threshold_percent"] == 80
        )
        assert Decimal(reached["data"]["budget"]) == 10
        assert reached["workspaceid"] == project["workspace_id"]
