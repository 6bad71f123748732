"""Two requests that deadlock on each other's rows: PostgreSQL aborts one, which answers 503
`transaction_conflict` with a short `Retry-After` and leaves nothing behind; the other
commits."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from worksync.common.testing.problems import assert_problem


async def _widget(client: httpx.AsyncClient, auth: dict[str, str]) -> str:
    body = {"name": f"w-{uuid.uuid4().hex[:12]}", "rank": 1}
    created = await client.post("/api/v1/widgets", json=body, headers=auth)
    assert created.status_code == 201, created.text
    widget_id: str = created.json()["id"]
    return widget_id


async def test_of_two_deadlocked_requests_one_commits_and_one_answers_503_having_changed_nothing(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    first, second = await _widget(client, auth), await _widget(client, auth)
    answers = await asyncio.gather(
        *(
            client.post(
                "/api/v1/widgets/rank-moves",
                json={"first": one, "second": other, "pause_seconds": 0.3},
            )
            for one, other in ((first, second), (second, first))
        )
    )

    assert sorted(answer.status_code for answer in answers) == [204, 503]
    (lost,) = (answer for answer in answers if answer.status_code == 503)
    assert_problem(lost, 503, "transaction_conflict")
    assert lost.headers["retry-after"] == "1"
    ranks = [
        (await client.get(f"/api/v1/widgets/{widget}")).json()["rank"] for widget in (first, second)
    ]
    assert ranks == [2, 2], "the winner's two moves stand, the loser's are rolled back"
