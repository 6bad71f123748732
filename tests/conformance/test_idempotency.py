"""Idempotency keys on every create that documents `Idempotency-Key`: the same key and body
replay the first answer and create nothing new; the same key with another body is refused
(422 `idempotency_key_reused`) and creates nothing either."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import httpx

from .client import Gateway, assert_problem, expect, unique
from .openapi import Operation
from .test_paging import walk
from .world import Tenant, identifier, past_entries, rfc3339

REUSED = "idempotency_key_reused"
# Bodies for creates whose rules a schema cannot state (unique names, free intervals...),
# made fresh for each use.
_days_back = iter(range(10, 300))


def _entry(tenant: Tenant) -> dict[str, Any]:
    start, end = past_entries(next(_days_back))[0]
    return {
        "project_id": tenant.id_for("/api/v1/workspaces/{ws}/projects/{pid}", "pid"),
        "started_at": rfc3339(start),
        "ended_at": rfc3339(end),
        "description": unique("entry"),
    }


def _break(tenant: Tenant) -> dict[str, Any]:
    start, _ = past_entries(3)[0]
    return {
        "started_at": rfc3339(start + timedelta(minutes=5)),
        "ended_at": rfc3339(start + timedelta(minutes=10)),
    }


def _department(tenant: Tenant) -> dict[str, Any]:
    return {
        "name": unique("department"),
        "code": identifier(),
        "short_name": identifier()[:10],
        "dept_code": f"{random.randrange(10_000):04d}",
    }


SPECIAL: dict[str, Any] = {
    "/api/v1/auth/register": lambda tenant: {
        "email": f"{unique('register')}@example.com",
        "password": "conformance " + uuid.uuid4().hex,
        "display_name": "Conformance replay",
    },
    "/api/v1/workspaces": lambda tenant: {"slug": unique("ws"), "name": "Conformance replay"},
    "/api/v1/workspaces/{ws}/departments": _department,
    "/api/v1/workspaces/{ws}/time-entries": _entry,
    "/api/v1/workspaces/{ws}/timer/start": lambda tenant: {
        "project_id": tenant.id_for("/api/v1/workspaces/{ws}/projects/{pid}", "pid"),
        "description": unique("timer"),
    },
    "/api/v1/workspaces/{ws}/time-entries/{entry_id}/breaks": _break,
    "/api/v1/workspaces/{ws}/time-entries/{entry_id}/duplicate": lambda tenant: {
        "work_date": (date.today() - timedelta(days=next(_days_back))).isoformat()
    },
}
# Creates the suite cannot repeat in one workspace with the people it has: each person
# gets one staff profile and one capacity profile (made by an event, as a member joins);
# an import and a bulk change need rows naming such people; a modification request needs
# an approved timesheet; a milestone template is applied from another check's data.
NOT_REPEATABLE = {
    "/api/v1/workspaces/{ws}/staff",
    "/api/v1/workspaces/{ws}/staff/bulk-import",
    "/api/v1/workspaces/{ws}/team-members",
    "/api/v1/workspaces/{ws}/allocations/bulk",
    "/api/v1/workspaces/{ws}/time-entries/{entry_id}/modification-requests",
    "/api/v1/workspaces/{ws}/projects/{pid}/milestones/from-template",
}
# Members that say what a request is, in the order a changed request changes them.
TEXT_MEMBERS = ("name", "title", "description", "body", "reason", "comment", "display_name")


def select(operation: Operation) -> bool:
    return (
        operation.parameter("Idempotency-Key", "header") is not None
        and operation.path not in NOT_REPEATABLE
    )


def _body(tenant: Tenant, operation: Operation) -> Any:
    special = SPECIAL.get(operation.path)
    return special(tenant) if special is not None else tenant.body_for(operation)


def _other(body: Any) -> Any:
    """The same request but for one member: its text, a number, its end or its address."""
    changed = dict(body)
    for name in TEXT_MEMBERS:
        if isinstance(body.get(name), str):
            changed[name] = body[name] + " (other)"
            return changed
    for name, value in body.items():
        if isinstance(value, int) and not isinstance(value, bool):
            changed[name] = value + 1
            return changed
    for name in ("end_date", "work_date"):
        if isinstance(body.get(name), str):
            changed[name] = (date.fromisoformat(body[name]) + timedelta(days=1)).isoformat()
            return changed
    if isinstance(body.get("ended_at"), str):
        ended = datetime.fromisoformat(body["ended_at"].replace("Z", "+00:00"))
        changed["ended_at"] = rfc3339(ended - timedelta(minutes=1))
        return changed
    for name in ("email", "slug"):
        if isinstance(body.get(name), str):
            changed[name] = "other-" + body[name]
            return changed
    raise AssertionError(f"no member of {body} to change")


def _same_answer(first: Any, replayed: Any) -> bool:
    """Equal, but that a secret shown once (an API token, an invitation link) is withheld
    from the replay."""
    if isinstance(first, dict) and isinstance(replayed, dict):
        return first.keys() == replayed.keys() and all(
            replayed[name] is None or replayed[name] == value for name, value in first.items()
        )
    return bool(first == replayed)


def _count(gateway: Gateway, tenant: Tenant, operation: Operation) -> int | None:
    listing = tenant.operations.get(("get", operation.path))
    if listing is None or not listing.is_keyset_list:
        return None
    return len(walk(gateway, tenant, listing))


def _send(
    gateway: Gateway, tenant: Tenant, operation: Operation, key: str, body: Any
) -> httpx.Response:
    token = None if not operation.needs_token else tenant.owner.token
    return gateway.request(
        operation.method.upper(),
        tenant.fill(operation.path),
        token=token,
        json=body,
        headers={"Idempotency-Key": key},
    )


def _clean_up(gateway: Gateway, tenant: Tenant, operation: Operation, created: Any) -> None:
    """What a create left that would stand in other checks' way."""
    if operation.path == "/api/v1/workspaces":
        gateway.request("DELETE", f"/api/v1/workspaces/{created['slug']}", token=tenant.owner.token)
    if operation.path.endswith("/timer/start"):
        gateway.request(
            "POST", tenant.fill("/api/v1/workspaces/{ws}/timer/discard"), token=tenant.owner.token
        )


def test_a_repeated_key_replays_and_creates_nothing(
    operation: Operation, gateway: Gateway, mine: Tenant, seeded: object
) -> None:
    body = _body(mine, operation)
    key = f"conformance-{uuid.uuid4()}"
    before = _count(gateway, mine, operation)
    first = _send(gateway, mine, operation, key, body)
    created = expect(first, *operation.success_statuses)
    try:
        replayed = _send(gateway, mine, operation, key, body)
        assert replayed.status_code == first.status_code, replayed.text
        assert _same_answer(created, replayed.json()), f"{operation}: the replay differs"
        assert replayed.headers.get("Idempotent-Replayed") == "true"
        refused = _send(gateway, mine, operation, key, _other(body))
        assert_problem(refused, (422,), REUSED)
        if before is not None:
            assert _count(gateway, mine, operation) == before + 1, f"{operation}: created twice"
    finally:
        _clean_up(gateway, mine, operation, created)
