"""`/openapi.json`: the public paths of every enabled upstream, merged (`/docs` shows it)."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import time
from typing import Any

from worksync.gateway.routes import RouteMatcher
from worksync.gateway.upstream import Origin, UpstreamError, UpstreamPool, fetch

logger = logging.getLogger(__name__)

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
# After a failed fetch the merged document is rebuilt sooner, so a recovering upstream's
# paths come back quickly.
RETRY_AFTER_FAILURE_SECONDS = 5.0
SCHEMA_REF_PREFIX = "#/components/schemas/"


def public_paths(document: dict[str, Any], upstream: str, matcher: RouteMatcher) -> dict[str, Any]:
    """The upstream's paths that the route table sends to that same upstream."""
    kept: dict[str, Any] = {}
    for path, item in document.get("paths", {}).items():
        route = matcher.match(path)
        if route is not None and route.upstream == upstream:
            kept[path] = item
    return kept


def _rename_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_REF_PREFIX):
            target = renames.get(ref.removeprefix(SCHEMA_REF_PREFIX))
            if target is not None:
                node = {**node, "$ref": SCHEMA_REF_PREFIX + target}
        return {key: _rename_refs(value, renames) for key, value in node.items()}
    if isinstance(node, list):
        return [_rename_refs(value, renames) for value in node]
    return node


def merge_documents(
    documents: dict[str, dict[str, Any]], matcher: RouteMatcher, title: str, version: str
) -> dict[str, Any]:
    """One OpenAPI document from several. Components with one name and equal content are
    shared (every service has the same `Problem`); a clash of different content renames
    the later one `<Upstream><Name>` and rewrites the references to it."""
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": {},
        "components": {},
    }
    tags: dict[str, Any] = {}
    for upstream, original in documents.items():
        paths = public_paths(original, upstream, matcher)
        if not paths:
            continue
        document = {"paths": paths, "components": original.get("components", {})}
        prefix = "".join(part.capitalize() for part in upstream.split("-"))
        schemas = document["components"].get("schemas", {})
        existing = merged["components"].get("schemas", {})
        renames = {
            name: prefix + name
            for name, schema in schemas.items()
            if name in existing and existing[name] != schema
        }
        if renames:
            document = _rename_refs(document, renames)
            document["components"]["schemas"] = {
                renames.get(name, name): schema
                for name, schema in document["components"]["schemas"].items()
            }
        for section, entries in document["components"].items():
            target = merged["components"].setdefault(section, {})
            for name, entry in entries.items():
                target.setdefault(name, copy.deepcopy(entry))
        merged["paths"].update(copy.deepcopy(document["paths"]))
        for tag in original.get("tags", []):
            tags.setdefault(tag.get("name"), tag)
    if tags:
        merged["tags"] = list(tags.values())
    return merged


class OpenApiAggregator:
    """Fetches upstream documents on demand, caches the merged result, and keeps each
    upstream's last good document, so an upstream that is down costs its paths only
    until it first answered."""

    def __init__(
        self,
        upstreams: dict[str, Origin],
        matcher: RouteMatcher,
        *,
        cache_seconds: float,
        fetch_timeout_seconds: float,
    ) -> None:
        self._upstreams = upstreams
        self._matcher = matcher
        self._cache_seconds = cache_seconds
        self._timeout = fetch_timeout_seconds
        self._last_good: dict[str, dict[str, Any]] = {}
        self._body: bytes | None = None
        self._valid_until = float("-inf")
        self._lock = asyncio.Lock()

    async def document(self, pool: UpstreamPool) -> bytes:
        if self._body is not None and time.monotonic() < self._valid_until:
            return self._body
        async with self._lock:
            if self._body is not None and time.monotonic() < self._valid_until:
                return self._body
            results = await asyncio.gather(
                *(self._fetch(pool, name, origin) for name, origin in self._upstreams.items())
            )
            for name, document in zip(self._upstreams, results, strict=True):
                if document is not None:
                    self._last_good[name] = document
            available = {
                name: self._last_good[name] for name in self._upstreams if name in self._last_good
            }
            merged = merge_documents(available, self._matcher, "WorkSync API", "1.0.0")
            self._body = json.dumps(merged).encode()
            all_fresh = all(document is not None for document in results)
            ttl = self._cache_seconds if all_fresh else RETRY_AFTER_FAILURE_SECONDS
            self._valid_until = time.monotonic() + min(ttl, self._cache_seconds)
            return self._body

    async def _fetch(self, pool: UpstreamPool, name: str, origin: Origin) -> dict[str, Any] | None:
        try:
            status, body = await fetch(
                pool, origin, b"GET", b"/openapi.json", seconds=self._timeout
            )
            if status != 200:
                logger.warning("openapi of %s answered %s", name, status)
                return None
            document: dict[str, Any] = json.loads(body)
        except (UpstreamError, TimeoutError, ValueError) as exc:
            logger.warning("openapi of %s unavailable: %r", name, exc)
            return None
        return document
