"""The operator's command line against the running system: outbox status, and a projection
rebuilt from republished snapshots exactly as the events had built it."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql

from scripts.local_system import RunningSystem
from scripts.system import ROOT, SERVICES

from .people import Person, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

# Timetracking's directory, issue and team projections, as `rebuild` names them.
PROJECTIONS = {
    "directory": (
        "directory_workspaces",
        "directory_members",
        "directory_projects",
        "directory_project_members",
    ),
    "issues": ("issues",),
    "teams": ("teams", "team_members"),
}
REFILLED_BY = (
    "workspace.workspace",
    "workspace.member",
    "workspace.project",
    "workspace.project_member",
    "workitems.issue",
    "workspace.team",
)


def ops(system: RunningSystem, *argv: str) -> tuple[int, str]:
    """`python -m worksync.common.ops`, each service's database as its processes reach it."""
    env = {
        **system.env,
        **{
            f"{service.env_prefix}_DATABASE_URL": system.service_database_url(service.name)
            for service in SERVICES
        },
    }
    done = subprocess.run(
        [sys.executable, "-m", "worksync.common.ops", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def projection_rows(system: RunningSystem, workspace_id: str) -> dict[str, list[tuple[Any, ...]]]:
    """Timetracking's projection rows of one workspace (the suite's other tests add theirs).

    A team membership's sequence is the team's version at the membership's last event; its
    snapshot carries the team's current version, as valid a guard (a later event of the team
    is newer still) but another number, so it is left out of the comparison.
    """
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with psycopg.connect(system.database_url) as connection:
        for tables in PROJECTIONS.values():
            for table in tables:
                column = "id" if table == "directory_workspaces" else "workspace_id"
                query = sql.SQL("SELECT * FROM timetracking.{} WHERE {} = %s ORDER BY 1, 2").format(
                    sql.Identifier(table), sql.Identifier(column)
                )
                cursor = connection.execute(query, (workspace_id,))
                names = [described.name for described in cursor.description or ()]
                kept = [
                    i
                    for i, name in enumerate(names)
                    if not (table == "team_members" and name == "sequence")
                ]
                rows[table] = [tuple(row[i] for i in kept) for row in cursor.fetchall()]
    return rows


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_outbox_status_reports_every_service(system: RunningSystem) -> None:
    status, output = ops(system, "outbox", "status", "--json")

    assert status == 0, output
    reported = {entry["service"]: entry for entry in json.loads(output)}
    assert set(reported) == {service.name for service in SERVICES}
    for service in SERVICES:
        entry = reported[service.name]
        assert entry["errors"] == {}
        assert entry["schema"] == service.schema
        assert (
            entry["queue"]["queue"]
            == f"{system.env['WORKSYNC_EVENTS_QUEUE_PREFIX']}{service.name}.events"
        )
        assert entry["queue"]["consumers"] == 1
        assert entry["outbox"]["unpublished"] >= 0


def test_a_rebuilt_projection_is_refilled_by_republishing_as_it_was(
    system: RunningSystem,
) -> None:
    with httpx.Client(base_url=system.gateway_url, timeout=10) as client:
        owner, member, leaver = (Person(client, name) for name in ("owner", "member", "leaver"))
        slug = f"ops-{uuid.uuid4().hex[:8]}"
        workspace = _ok(
            client.post(
                "/api/v1/workspaces",
                json={"slug": slug, "name": "Ops", "settings": {"timezone": "Europe/Berlin"}},
                headers=owner.headers,
            ),
            201,
        )
        ws = f"/api/v1/workspaces/{slug}"
        for person in (member, leaver):
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
        project = _ok(
            client.post(
                f"{ws}/projects", json={"identifier": "OPS", "name": "Ops"}, headers=owner.headers
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
        gone = _ok(
            client.post(
                f"{ws}/projects", json={"identifier": "OLD", "name": "Old"}, headers=owner.headers
            ),
            201,
        )
        assert (
            client.delete(f"{ws}/projects/{gone['id']}", headers=owner.headers).status_code == 204
        )
        assert client.delete(f"{ws}/members/{leaver.id}", headers=owner.headers).status_code == 204
        issue = _ok(
            client.post(
                f"{ws}/projects/{project['id']}/issues",
                json={"title": "Rebuild me", "estimate_minutes": 30},
                headers=owner.headers,
            ),
            201,
        )

        team = _ok(
            client.post(
                f"{ws}/teams",
                json={"name": "Rebuilders", "lead_id": owner.id},
                headers=owner.headers,
            ),
            201,
        )
        for person in (owner, member):
            _ok(
                client.post(
                    f"{ws}/teams/{team['id']}/members",
                    json={"user_id": person.id, "allocation_percent": 50},
                    headers=owner.headers,
                ),
                201,
            )

    def settled() -> bool:
        rows = projection_rows(system, workspace["id"])
        return (
            len(rows["directory_members"]) == 3
            and any(row[-1] for row in rows["directory_members"])  # the leaver's tombstone
            and len(rows["directory_projects"]) == 2
            and len(rows["directory_project_members"]) >= 1
            and [row[0] for row in rows["issues"]] == [uuid.UUID(issue["id"])]
            and len(rows["team_members"]) == 2
        )

    eventually(settled)
    before = projection_rows(system, workspace["id"])

    for projection in PROJECTIONS:
        status, output = ops(system, "rebuild", "timetracking", projection, "--yes")
        assert status == 0, output
    assert all(rows == [] for rows in projection_rows(system, workspace["id"]).values())

    status, output = ops(system, "republish", *REFILLED_BY, "--workspace", workspace["id"])
    assert status == 0, output
    assert output.count("republished") == len(REFILLED_BY)

    eventually(lambda: projection_rows(system, workspace["id"]) == before)


def _now(system: RunningSystem) -> Any:
    with psycopg.connect(system.database_url) as connection:
        row = connection.execute("SELECT clock_timestamp()").fetchone()
    assert row is not None
    return row[0]


def _snapshots(system: RunningSystem, schema: str, since: Any) -> list[dict[str, Any]]:
    """The envelopes `schema`'s outbox got since `since`, each with the sequence of the
    newest event its subject had before."""
    query = sql.SQL(
        "SELECT o.envelope, (SELECT max((e.envelope->>'sequence')::int) FROM {outbox} e"
        " WHERE e.envelope->>'subject' = o.envelope->>'subject' AND e.created_at < %s)"
        " FROM {outbox} o WHERE o.created_at >= %s"
    ).format(outbox=sql.Identifier(schema, "outbox"))
    with psycopg.connect(system.database_url) as connection:
        rows = connection.execute(query, (since, since)).fetchall()
    return [{**envelope, "previous_sequence": previous} for envelope, previous in rows]


def test_every_aggregate_type_republishes_its_current_version_as_no_news(
    system: RunningSystem,
) -> None:
    with httpx.Client(base_url=system.gateway_url, timeout=10) as client:
        owner = Person(client, "owner")
        slug = f"snap-{uuid.uuid4().hex[:8]}"
        workspace = _ok(
            client.post(
                "/api/v1/workspaces", json={"slug": slug, "name": "S"}, headers=owner.headers
            ),
            201,
        )
        ws = f"/api/v1/workspaces/{slug}"
        project = _ok(
            client.post(
                f"{ws}/projects", json={"identifier": "SNAP", "name": "S"}, headers=owner.headers
            ),
            201,
        )
        base = f"{ws}/projects/{project['id']}"
        _ok(client.post(f"{base}/issues", json={"title": "Snap"}, headers=owner.headers), 201)
        _ok(client.post(f"{ws}/teams", json={"name": "Snappers"}, headers=owner.headers), 201)
        body = {"project_id": project["id"], "work_date": "2026-03-02", "duration_seconds": 60}
        _ok(client.post(f"{ws}/time-entries", json=body, headers=owner.headers), 201)

    def published() -> bool:
        status, output = ops(system, "outbox", "status", "--json")
        return status == 0 and all(s["outbox"]["unpublished"] == 0 for s in json.loads(output))

    eventually(published)
    before = projection_rows(system, workspace["id"])
    since = _now(system)
    types = {
        "workspace": [
            f"workspace.{kind}"
            for kind in ("workspace", "member", "project", "project_member", "team")
        ],
        "work_items": ["workitems.issue"],
        "timetracking": ["timetracking.entry"],
        "identity": ["identity.user"],
    }
    in_workspace = [t for schema, kinds in types.items() if schema != "identity" for t in kinds]
    status, output = ops(system, "republish", *in_workspace, "--workspace", workspace["id"])
    assert status == 0, output
    status, output = ops(system, "republish", *types["identity"])  # users belong to no workspace
    assert status == 0, output

    for schema, aggregate_types in types.items():
        snapshots = _snapshots(system, schema, since)
        kinds = {snapshot["type"].rpartition(".")[0] for snapshot in snapshots}
        assert kinds >= set(aggregate_types)
        for snapshot in snapshots:
            assert snapshot["type"].rpartition(".")[2] in ("updated", "member_updated"), snapshot
            assert snapshot["sequence"] == snapshot["previous_sequence"], snapshot

    eventually(published)

    def handled_without_dead_letters() -> bool:
        status, output = ops(system, "outbox", "status", "--json")
        queues = [s["queue"] for s in json.loads(output)]
        return status == 0 and all(q["ready"] == 0 and q["dead"] == 0 for q in queues)

    eventually(handled_without_dead_letters)
    assert projection_rows(system, workspace["id"]) == before
