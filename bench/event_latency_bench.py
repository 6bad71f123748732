"""Event latency benchmark: from a committed time entry to its hours in resources.

Writes time entries through the gateway at a steady rate (each request's answer means its
transaction committed, entry and outbox row together), then reads, for each entry, when
resources applied its `timetracking.entry.created` event (`actual_entries.applied_at`, the
database clock at that write). Latency = applied_at - the moment the client had the answer:
the relay's wake-up and publish with confirm, the broker, the consumer's inbox transaction.
Both clocks are this machine's. Prints p50, p99 and the worst.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from datetime import date, timedelta

import httpx
import psycopg

from bench.seeding import owner_headers, wait_for

RATE_PER_SECOND = 20
SECONDS = 20

APPLIED_AT = """
SELECT entry_id, EXTRACT(EPOCH FROM applied_at)
FROM resources.actual_entries
WHERE entry_id = ANY(%(entry_ids)s::uuid[])
"""


def _arrange(client: httpx.Client) -> tuple[str, str, dict[str, str]]:
    headers = owner_headers(client)
    slug = f"bench-latency-{uuid.uuid4().hex[:8]}"
    client.post(
        "/api/v1/workspaces", json={"slug": slug, "name": "Bench"}, headers=headers
    ).raise_for_status()
    project = client.post(
        f"/api/v1/workspaces/{slug}/projects",
        json={"identifier": "LAT", "name": "Latency"},
        headers=headers,
    )
    project.raise_for_status()
    return slug, project.json()["id"], headers


async def _write_steadily(
    gateway_url: str, slug: str, project_id: str, headers: dict[str, str]
) -> dict[str, float]:
    """POST one entry every 1/RATE s for SECONDS s; entry id -> when its answer arrived."""
    answered: dict[str, float] = {}
    # Distinct days keep a user's duration entries apart from any limit per day.
    first_day = date.today() - timedelta(days=RATE_PER_SECOND * SECONDS)
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as client:

        async def write(number: int) -> None:
            body = {
                "project_id": project_id,
                "work_date": (first_day + timedelta(days=number)).isoformat(),
                "duration_seconds": 1800,
            }
            response = await client.post(
                f"/api/v1/workspaces/{slug}/time-entries", json=body, headers=headers
            )
            received = time.time()
            response.raise_for_status()
            answered[response.json()["id"]] = received

        loop = asyncio.get_running_loop()
        start = loop.time()
        writes = []
        for number in range(RATE_PER_SECOND * SECONDS):
            await asyncio.sleep(max(0.0, start + number / RATE_PER_SECOND - loop.time()))
            writes.append(asyncio.create_task(write(number)))
        await asyncio.gather(*writes)
    return answered


def run(gateway_url: str, database_url: str) -> None:
    with httpx.Client(base_url=gateway_url, timeout=30) as client:
        slug, project_id, headers = _arrange(client)
        entries_url = f"/api/v1/workspaces/{slug}/time-entries"
        wait_for(lambda: client.get(entries_url, headers=headers).status_code == 200)
    answered = asyncio.run(_write_steadily(gateway_url, slug, project_id, headers))
    entry_ids = list(answered)
    with psycopg.connect(database_url, autocommit=True) as conn:

        def applied() -> dict[str, float]:
            rows = conn.execute(APPLIED_AT, {"entry_ids": entry_ids}).fetchall()
            return {str(entry_id): float(epoch) for entry_id, epoch in rows}

        wait_for(lambda: len(applied()) == len(entry_ids))
        applied_at = applied()
    latencies = sorted((applied_at[entry] - answered[entry]) * 1000 for entry in entry_ids)
    p99 = latencies[max(0, round(len(latencies) * 0.99) - 1)]
    print(
        f"\nevent latency benchmark: {len(latencies)} time entries at {RATE_PER_SECOND}/s "
        "through the gateway, committed -> applied in resources"
    )
    print("| p50 ms | p99 ms | worst ms |")
    print("|--------|--------|----------|")
    print(f"| {statistics.median(latencies):6.1f} | {p99:6.1f} | {latencies[-1]:8.1f} |")
