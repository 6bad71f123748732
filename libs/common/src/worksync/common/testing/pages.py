"""Lists paged by several readers at once, for the lists whose select is built once per
shape with the reader bound."""

from __future__ import annotations

from collections.abc import Mapping

import httpx


async def pages_in_turn(
    client: httpx.AsyncClient,
    url: str,
    readers: Mapping[str, Mapping[str, str]],
    params: Mapping[str, str],
) -> dict[str, list[str]]:
    """Each reader (a name and its request headers) pages through `url` with `params`, a
    page of one item at a time, the readers taking turns page by page; the ids each was
    listed, in order. One reader's values left in a shared select would show here as
    another reader's items."""
    listed: dict[str, list[str]] = {name: [] for name in readers}
    cursors: dict[str, str | None] = dict.fromkeys(readers)
    waiting = set(readers)
    while waiting:
        for name, headers in readers.items():
            if name not in waiting:
                continue
            cursor = cursors[name]
            after = {} if cursor is None else {"cursor": cursor}
            response = await client.get(
                url, params={**params, "limit": "1", **after}, headers=dict(headers)
            )
            assert response.status_code == 200, response.text
            page = response.json()
            listed[name] += [item["id"] for item in page["items"]]
            cursors[name] = page["next_cursor"]
            if cursors[name] is None:
                waiting.discard(name)
    return listed
