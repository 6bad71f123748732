"""Checking a resource's optimistic concurrency in API tests: its `ETag` is its version and its
writes honour `If-Match` (see `worksync.common.preconditions`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx

from worksync.common.testing.problems import assert_problem


def version_of(response: httpx.Response) -> int:
    """The version an answer's `ETag` names (a strong tag, `"7"`)."""
    etag = response.headers["ETag"]
    assert etag.startswith('"'), etag
    assert etag.endswith('"'), etag
    return int(etag[1:-1])


async def read_etag(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], *, version_field: str | None
) -> tuple[str, httpx.Response]:
    response = await client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    if version_field is not None:
        assert version_of(response) == response.json()[version_field]
    return response.headers["ETag"], response


async def assert_honours_if_match(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    change: Callable[[int], dict[str, Any]],
    *,
    read_url: str | None = None,
    method: str = "PATCH",
    version_field: str | None = "version",
) -> None:
    """The whole contract of one resource's change: the read's `ETag` is its version, a change
    with it succeeds and answers the next one, a stale one is refused with 412 and changes
    nothing, a malformed one is a 400, `*` and no `If-Match` at all change unconditionally.
    `change(n)` is a body whose writes for n = 1, 3 and 4, in that order, each change
    something (n = 2 is refused)."""
    read_url = read_url or url
    etag, before = await read_etag(client, read_url, headers, version_field=version_field)

    def write(n: int, if_match: str | None) -> Any:
        conditional = {} if if_match is None else {"If-Match": if_match}
        return client.request(method, url, json=change(n), headers={**headers, **conditional})

    stale = f'"{version_of(before) - 1}"'
    assert_problem(await write(1, stale), 412, "precondition_failed")
    assert_problem(await write(1, f"W/{etag}"), 412, "precondition_failed")
    assert_problem(await write(1, etag.strip('"')), 400, "malformed_if_match")
    unchanged = await client.get(read_url, headers=headers)
    assert (unchanged.json(), unchanged.headers["ETag"]) == (before.json(), etag)

    changed = await write(1, f'"{version_of(before) + 100}", {etag}')
    assert changed.status_code == 200, changed.text
    assert version_of(changed) > version_of(before)
    now, _ = await read_etag(client, read_url, headers, version_field=version_field)
    assert now == changed.headers["ETag"]

    # The classic lost update: a second writer still holding the first version.
    assert_problem(await write(2, etag), 412, "precondition_failed")

    for n, if_match in ((3, "*"), (4, None)):
        response = await write(n, if_match)
        assert response.status_code == 200, response.text
        assert version_of(response) > version_of(changed)
        changed = response


async def assert_delete_honours_if_match(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    *,
    read_url: str | None = None,
    version_field: str | None = "version",
    expected_status: int = 204,
) -> None:
    """A stale `If-Match` refuses the deletion (412, the resource stays); the current one
    deletes."""
    read_url = read_url or url
    etag, before = await read_etag(client, read_url, headers, version_field=version_field)
    refused = await client.delete(
        url, headers={**headers, "If-Match": f'"{version_of(before) + 1}"'}
    )
    assert_problem(refused, 412, "precondition_failed")
    still = await client.get(read_url, headers=headers)
    assert (still.status_code, still.headers["ETag"]) == (200, etag)
    deleted = await client.delete(url, headers={**headers, "If-Match": etag})
    assert deleted.status_code == expected_status, deleted.text


async def assert_racing_writes_one_wins(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    bodies: tuple[dict[str, Any], dict[str, Any]],
    *,
    method: str = "PATCH",
) -> httpx.Response:
    """Two writes sent at once with the same `If-Match`, each on its own connection: exactly
    one succeeds, the other is refused with 412. Answers the one that succeeded."""
    etag, _ = await read_etag(client, url, headers, version_field=None)
    conditional = {**headers, "If-Match": etag}
    answers = await asyncio.gather(
        *(client.request(method, url, json=body, headers=conditional) for body in bodies)
    )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200, 412], [answer.text for answer in answers]
    loser = next(answer for answer in answers if answer.status_code == 412)
    assert_problem(loser, 412, "precondition_failed")
    return next(answer for answer in answers if answer.status_code == 200)
