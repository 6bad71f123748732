"""Optimistic concurrency: a resource's `ETag` is its row version, a write honours `If-Match`.

A client reads a resource (the `ETag` header, `"7"`), changes it, and sends the change with
`If-Match: "7"`; when someone else wrote in between, the row's version is no longer 7 and the
write is refused with 412 `precondition_failed`, changing nothing. Without `If-Match` a write
works as it always did; `*` matches any current version.

An endpoint takes `if_match: IfMatch` and hands it to its service, which checks it against the
row *as locked* in the write's transaction (`check_version` right after its `FOR UPDATE` read,
or `Repository.lock_version(statement, if_match)`), so two writers holding the same version
cannot both pass. Reads and writes answer the new version with
`responses.encoded(value, etag=version)`.

`If-Match` is compared strongly (RFC 9110 §13.1.1): our tags are strong, so a weak tag
(`W/"7"`) is understood but never matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header
from pydantic import WithJsonSchema

from worksync.common.errors import BadRequest, PreconditionFailed

# RFC 9110 §8.8.3: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E / obs-text.
_ENTITY_TAG = re.compile(r'\s*(W/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*')
# What the document states (ASCII tags; the parser takes obs-text too): a client generated
# from it sends nothing the server refuses as malformed.
_DOCUMENTED_TAG = r'(W/)?"[!#-~]*"'
IF_MATCH_PATTERN = rf"^(\*|{_DOCUMENTED_TAG}([ \t]*,[ \t]*{_DOCUMENTED_TAG})*)$"
IF_MATCH_DESCRIPTION = (
    'Apply only if the resource is still at this version: its `ETag` as last read (`"7"`), '
    "several comma-separated, or `*` for any. A stale version answers 412 "
    "`precondition_failed` and changes nothing; left out, the write is unconditional."
)
ETAG_DESCRIPTION = "The resource's version, for `If-Match` on its next change"


@dataclass(frozen=True)
class EntityTags:
    """A parsed `If-Match`: `*`, or the opaque tags it lists (weak ones kept apart)."""

    any: bool = False
    strong: frozenset[str] = frozenset()
    weak: frozenset[str] = frozenset()

    def matches(self, version: int) -> bool:
        return self.any or str(version) in self.strong


def entity_tag(version: int) -> str:
    """The `ETag` of a row at `version`: a strong entity tag, `"7"`."""
    return f'"{version}"'


def parse_if_match(value: str) -> EntityTags:
    """`*` or a comma-separated list of entity tags; anything else is a 400."""
    if value.strip() == "*":
        return EntityTags(any=True)
    strong: set[str] = set()
    weak: set[str] = set()
    position = 0
    while True:
        found = _ENTITY_TAG.match(value, position)
        if found is None:
            raise MalformedIfMatch()
        (weak if found.group(1) else strong).add(found.group(2))
        position = found.end()
        if position == len(value):
            return EntityTags(strong=frozenset(strong), weak=frozenset(weak))
        if value[position] != ",":
            raise MalformedIfMatch()
        position += 1


class MalformedIfMatch(BadRequest):
    def __init__(self) -> None:
        super().__init__(
            'If-Match must be "*" or a comma-separated list of entity tags such as "7"',
            code="malformed_if_match",
        )


async def if_match(
    value: Annotated[
        str | None,
        Header(alias="If-Match", description=IF_MATCH_DESCRIPTION),
        # Left out or a value, never null; the grammar is checked by `parse_if_match` (a
        # 400 `malformed_if_match`, not FastAPI's 422).
        WithJsonSchema({"type": "string", "pattern": IF_MATCH_PATTERN}),
    ] = None,
) -> EntityTags | None:
    return None if value is None else parse_if_match(value)


IfMatch = Annotated[EntityTags | None, Depends(if_match)]
"""The write's precondition, or None when the client sent no `If-Match`."""


def check_version(expected: EntityTags | None, current_version: int) -> None:
    """Refuse the write (412) unless the row, as locked by this transaction, is at a version
    the client named."""
    if expected is not None and not expected.matches(current_version):
        raise PreconditionFailed(current_version)


def precondition_documents(openapi: dict[str, Any]) -> dict[str, Any]:
    """Document the concurrency contract on every operation taking `If-Match`: its 400 and
    412, the `ETag` header on its success answers and on those of the GET of its resource
    (the same path, or for an action such as `…/{id}/approve` the path of that id)."""
    etag_header = {"ETag": {"description": ETAG_DESCRIPTION, "schema": {"type": "string"}}}
    paths: dict[str, Any] = openapi.get("paths", {})
    for path, item in paths.items():
        conditional = [
            operation
            for operation in item.values()
            if isinstance(operation, dict)
            and any(p.get("name") == "If-Match" for p in operation.get("parameters", []))
        ]
        if not conditional:
            continue
        for operation in conditional:
            operation["responses"].setdefault(
                "400",
                {
                    "description": "Malformed: an If-Match that is not entity tags or `*`",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                    },
                },
            )
            operation["responses"].setdefault(
                "412",
                {
                    "description": "Precondition Failed: the resource changed since the "
                    "version named in If-Match (code `precondition_failed`)",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                    },
                },
            )
        parent, _, last = path.rpartition("/")
        resource = item if last.startswith("{") else paths.get(parent, {})
        if "get" in resource:
            conditional.append(resource["get"])
        for operation in conditional:
            for status, response in operation["responses"].items():
                if status.startswith("2") and status != "204":
                    response.setdefault("headers", {}).update(etag_header)
    return openapi
