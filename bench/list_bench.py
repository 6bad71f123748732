"""List benchmark: keyset pagination over 100,000 members and staff profiles stays flat.

Seeds one workspace with N members and a staff profile for each straight into the
workspace schema (the API would take minutes to add them one by one; the rows are what the
API itself writes), then walks `GET .../members?limit=100` and `GET .../staff?limit=100`
through the gateway from the first page to the last, timing every page. Prints p50 of the
first, middle and last tenth of each walk and their ratio: flat means the last pages cost
what the first ones do.
"""

from __future__ import annotations

import statistics
import time
import uuid

import httpx
import psycopg

from bench.seeding import owner_headers

PAGE_SIZE = 100

SEED_MEMBERS = """
INSERT INTO workspace.memberships
    (id, workspace_id, user_id, role, email, display_name, joined_at, version)
SELECT gen_random_uuid(), %(workspace_id)s, gen_random_uuid(), 'member',
       'bench-' || n || '@example.com', 'Member ' || lpad(n::text, 7, '0'),
       now() - n * interval '1 second', 0
FROM generate_series(1, %(count)s) AS n
"""

SEED_STAFF = """
INSERT INTO workspace.staff_profiles
    (id, workspace_id, user_id, staff_id, employment_status, is_department_manager, version)
SELECT gen_random_uuid(), workspace_id, user_id,
       'S' || lpad((row_number() OVER (ORDER BY display_name))::text, 7, '0'),
       'active', false, 0
FROM workspace.memberships
WHERE workspace_id = %(workspace_id)s AND role = 'member'
"""


def _walk(client: httpx.Client, path: str, headers: dict[str, str]) -> list[float]:
    """Milliseconds per page, first to last."""
    timings: list[float] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        started = time.perf_counter()
        response = client.get(path, params=params, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return timings


def _tenth(timings: list[float], which: str) -> float:
    size = max(1, len(timings) // 10)
    middle = len(timings) // 2
    part = {
        "first": timings[:size],
        "middle": timings[middle - size // 2 : middle + size // 2 + 1],
        "last": timings[-size:],
    }[which]
    return statistics.median(part)


def run(gateway_url: str, database_url: str, members: int = 100_000) -> None:
    with httpx.Client(base_url=gateway_url, timeout=30) as client:
        headers = owner_headers(client)
        slug = f"bench-{uuid.uuid4().hex[:8]}"
        created = client.post(
            "/api/v1/workspaces", json={"slug": slug, "name": "Bench"}, headers=headers
        )
        created.raise_for_status()
        seed = {"workspace_id": created.json()["id"], "count": members}
        with psycopg.connect(database_url) as conn:
            conn.execute(SEED_MEMBERS, seed)
            conn.execute(SEED_STAFF, seed)
            conn.execute("ANALYZE workspace.memberships")
            conn.execute("ANALYZE workspace.staff_profiles")
        walks = {}
        for resource in ("members", "staff"):
            path = f"/api/v1/workspaces/{slug}/{resource}"
            _walk(client, path, headers)  # warm caches and prepared statements
            walks[resource] = _walk(client, path, headers)
    print(f"\nlist benchmark: {members:,} rows each, pages of {PAGE_SIZE}, through the gateway")
    print(
        "| list    | pages | first tenth p50 ms | middle p50 ms | last tenth p50 ms | last/first |"
    )
    print(
        "|---------|-------|--------------------|---------------|-------------------|------------|"
    )
    for resource, timings in walks.items():
        first, middle, last = (_tenth(timings, part) for part in ("first", "middle", "last"))
        print(
            f"| {resource:7} | {len(timings):5} | {first:18.2f} | {middle:13.2f} "
            f"| {last:17.2f} | {last / first:10.2f} |"
        )
