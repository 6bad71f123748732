"""`/openapi.json`: the public paths of every enabled upstream, merged (`/docs` shows it)."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import time
from typing import Any

from worksync.common.problem_codes import (
    describe_codes,
    is_problem_response,
    problem_response_object,
)
from worksync.gateway.routes import RouteMatcher
from worksync.gateway.upstream import UpstreamError, UpstreamGroup, UpstreamPool, fetch

logger = logging.getLogger(__name__)

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
# After a failed fetch the merged document is rebuilt sooner, so a recovering upstream's
# paths come back quickly.
RETRY_AFTER_FAILURE_SECONDS = 5.0
COMPONENTS_REF_PREFIX = "#/components/"

# (section, name) of a component, e.g. ("schemas", "TeamMember").
ComponentKey = tuple[str, str]

# What the gateway itself may answer, status -> codes, whatever the service declares: on any
# operation (a client bucket is empty; the service is down, slow or answers garbage), on any
# operation with a body (more than GATEWAY_MAX_BODY_BYTES, or too slow to arrive) and on any
# operation taking a token (identity's keys cannot be fetched to verify it).
GATEWAY_RESPONSES = {
    429: ("rate_limited",),
    502: ("bad_gateway",),
    503: ("upstream_unavailable",),
    504: ("upstream_timeout",),
}
GATEWAY_BODY_RESPONSES = {408: ("request_timeout",), 413: ("payload_too_large",)}
GATEWAY_TOKEN_RESPONSES = {503: ("identity_unavailable",)}


def _gateway_responses(operation: dict[str, Any]) -> dict[int, tuple[str, ...]]:
    extra = {status: list(codes) for status, codes in GATEWAY_RESPONSES.items()}
    if "requestBody" in operation:
        extra |= {status: list(codes) for status, codes in GATEWAY_BODY_RESPONSES.items()}
    if operation.get("security"):
        for status, codes in GATEWAY_TOKEN_RESPONSES.items():
            extra.setdefault(status, []).extend(codes)
    return {status: tuple(codes) for status, codes in extra.items()}


def with_gateway_responses(operation: dict[str, Any]) -> dict[str, Any]:
    """A copy of `operation` whose responses include the gateway's own refusals: a status
    the service declares too lists the gateway's codes beside its own."""
    extra = _gateway_responses(operation)
    declared: dict[str, Any] = copy.deepcopy(operation.get("responses", {}))
    responses = {
        str(status): problem_response_object(status, codes)
        for status, codes in extra.items()
        if str(status) not in declared
    }
    for status, codes in extra.items():
        response = declared.get(str(status))
        if response is not None and is_problem_response(str(status), response):
            describe_codes(response, status, codes)
    return {**operation, "responses": {**responses, **declared}}


def _declare_gateway_responses(paths: dict[str, Any]) -> dict[str, Any]:
    return {
        path: {
            key: with_gateway_responses(value) if key in HTTP_METHODS else value
            for key, value in item.items()
        }
        for path, item in paths.items()
    }


def public_paths(document: dict[str, Any], upstream: str, matcher: RouteMatcher) -> dict[str, Any]:
    """The upstream's paths that the route table sends to that same upstream."""
    kept: dict[str, Any] = {}
    for path, item in document.get("paths", {}).items():
        route = matcher.match(path)
        if route is not None and route.upstream == upstream:
            kept[path] = item
    return kept


def _rename_refs(node: Any, renames: dict[ComponentKey, str]) -> Any:
    """A copy of `node` whose `$ref`s to renamed components point at the new names."""
    if isinstance(node, dict):
        copied = {key: _rename_refs(value, renames) for key, value in node.items()}
        ref = node.get("$ref")
        if renames and isinstance(ref, str) and ref.startswith(COMPONENTS_REF_PREFIX):
            section, _, name = ref.removeprefix(COMPONENTS_REF_PREFIX).partition("/")
            target = renames.get((section, name))
            if target is not None:
                copied["$ref"] = f"{COMPONENTS_REF_PREFIX}{section}/{target}"
        return copied
    if isinstance(node, list):
        return [_rename_refs(value, renames) for value in node]
    return node


def _clashes(
    components: dict[str, dict[str, Any]], merged: dict[str, dict[str, Any]], prefix: str
) -> dict[ComponentKey, str]:
    """The components of one upstream that must be renamed `<Upstream><Name>`: those whose
    name is taken in `merged` by different content. Content is compared with this
    upstream's renames applied, so a component that is equal in text but refers to a
    renamed one (`Page_TeamMember_` of two services with different `TeamMember`s) is
    renamed too, until nothing changes."""
    renames: dict[ComponentKey, str] = {}
    taken = {(section, name) for section, entries in merged.items() for name in entries}
    taken |= {(section, name) for section, entries in components.items() for name in entries}
    changed = True
    while changed:
        changed = False
        for section, entries in components.items():
            existing = merged.get(section, {})
            for name, entry in entries.items():
                key = (section, name)
                if key in renames or name not in existing:
                    continue
                if existing[name] != _rename_refs(entry, renames):
                    new_name = prefix + name
                    while (section, new_name) in taken:
                        new_name = prefix + new_name
                    taken.add((section, new_name))
                    renames[key] = new_name
                    changed = True
    return renames


def merge_documents(
    documents: dict[str, dict[str, Any]], matcher: RouteMatcher, title: str, version: str
) -> dict[str, Any]:
    """One OpenAPI document from several, every service's components kept apart.
    Components with one name and equal content are shared (every service has the same
    `Problem`); a clash of different content (including a reference to a component that
    clashes) renames the later upstream's `<Upstream><Name>` and rewrites its references.
    Every operation also declares what the gateway answers itself (`with_gateway_responses`)."""
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
        components: dict[str, dict[str, Any]] = original.get("components", {})
        prefix = "".join(part.capitalize() for part in upstream.split("-"))
        renames = _clashes(components, merged["components"], prefix)
        # `_rename_refs` copies, so nothing in the merged document aliases the upstream's.
        for section, entries in components.items():
            target = merged["components"].setdefault(section, {})
            for name, entry in entries.items():
                target.setdefault(renames.get((section, name), name), _rename_refs(entry, renames))
        merged["paths"].update(_declare_gateway_responses(_rename_refs(paths, renames)))
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
        upstreams: dict[str, UpstreamGroup],
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
                *(self._fetch(pool, name, upstream) for name, upstream in self._upstreams.items())
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

    async def _fetch(
        self, pool: UpstreamPool, name: str, upstream: UpstreamGroup
    ) -> dict[str, Any] | None:
        try:
            status, body = await fetch(
                pool, upstream, b"GET", b"/openapi.json", seconds=self._timeout
            )
            if status != 200:
                logger.warning("openapi of %s answered %s", name, status)
                return None
            document: dict[str, Any] = json.loads(body)
        except (UpstreamError, TimeoutError, ValueError) as exc:
            logger.warning("openapi of %s unavailable: %r", name, exc)
            return None
        return document
