"""Whether what one side sends can be read by the other, from their JSON Schemas.

The reader's schema says what it accepts (a consumer's pydantic model, validation mode);
the writer's says what it sends (a producer's event model, a provider's OpenAPI response).
Pydantic writes every field it declares, so a property the writer declares is always sent.
Both schemas come from pydantic, so the subset of JSON Schema handled here is the one it
emits: `$ref`, `anyOf`/`oneOf`/`allOf`, `type`, `enum`/`const`, `format`, `properties`,
`required`, `items`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Schema = dict[str, Any]

NUMERIC = {"integer", "number"}


def resolve(schema: Schema, roots: Sequence[Schema]) -> Schema:
    """`schema` with its `$ref`s followed, each looked up in the first root that has it."""
    for _ in range(32):
        ref = schema.get("$ref")
        if ref is None:
            return schema
        schema = _lookup(ref, roots)
    raise ValueError("$ref chain too long")


def _lookup(ref: str, roots: Sequence[Schema]) -> Schema:
    if not ref.startswith("#/"):
        raise ValueError(f"only local references are read: {ref}")
    steps = [step.replace("~1", "/").replace("~0", "~") for step in ref[2:].split("/")]
    for root in roots:
        node: Any = root
        for step in steps:
            node = node.get(step) if isinstance(node, dict) else None
        if isinstance(node, dict):
            return node
    raise ValueError(f"unresolvable reference {ref}")


def _branches(schema: Schema, roots: Sequence[Schema]) -> list[Schema]:
    """The alternatives a value may take, references followed, unions flattened."""
    schema = resolve(schema, roots)
    for union in ("anyOf", "oneOf"):
        if union in schema:
            return [b for option in schema[union] for b in _branches(option, roots)]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _branches(schema["allOf"][0], roots)
    return [schema]


def _kind(branch: Schema) -> set[str] | None:
    """The JSON types a branch allows; None for anything."""
    if "const" in branch:
        return {_json_type(branch["const"])}
    if "enum" in branch:
        return {_json_type(value) for value in branch["enum"]}
    declared = branch.get("type")
    if declared is None:
        return None
    return {declared} if isinstance(declared, str) else set(declared)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _accepts(reader_types: set[str], sent: str) -> bool:
    return sent in reader_types or (sent == "integer" and "number" in reader_types)


def _strings(branches: list[Schema]) -> list[Schema]:
    return [b for b in branches if (_kind(b) or set()) & {"string"}]


def _enum_values(string_branches: list[Schema]) -> set[object] | None:
    """The strings allowed, or None when some branch allows any string."""
    values: set[object] = set()
    for branch in string_branches:
        if "const" in branch:
            values.add(branch["const"])
        elif "enum" in branch:
            values.update(branch["enum"])
        else:
            return None
    return values


def incompatibilities(
    reader: Schema,
    reader_roots: Sequence[Schema],
    writer: Schema,
    writer_roots: Sequence[Schema],
    where: str = "",
) -> list[str]:
    """How values the writer may send would fail the reader (empty: compatible)."""
    place = where or "the value"
    reader_branches = _branches(reader, reader_roots)
    writer_branches = _branches(writer, writer_roots)
    reader_types: set[str] = set()
    for branch in reader_branches:
        kind = _kind(branch)
        if kind is None:
            return []
        reader_types |= kind
    problems: list[str] = []
    for branch in writer_branches:
        kind = _kind(branch)
        if kind is None:
            problems.append(f"{place}: may be anything, read as {sorted(reader_types)}")
            continue
        for sent in sorted(kind):
            if not _accepts(reader_types, sent):
                problems.append(f"{place}: sent as {sent}, read as {sorted(reader_types)}")
    problems += _string_problems(place, reader_branches, writer_branches)
    problems += _nested_problems(
        where, reader_branches, reader_roots, writer_branches, writer_roots
    )
    return problems


def _string_problems(
    place: str, reader_branches: list[Schema], writer_branches: list[Schema]
) -> list[str]:
    reader_strings, writer_strings = _strings(reader_branches), _strings(writer_branches)
    if not reader_strings or not writer_strings:
        return []
    problems: list[str] = []
    allowed = _enum_values(reader_strings)
    if allowed is not None:
        sent = _enum_values(writer_strings)
        if sent is None:
            problems.append(
                f"{place}: sent as any string, read as one of {sorted(map(str, allowed))}"
            )
        elif sent - allowed:
            problems.append(f"{place}: may be {sorted(map(str, sent - allowed))}, not read")
    reader_formats = {b.get("format") for b in reader_strings}
    if None not in reader_formats:
        for branch in writer_strings:
            if "enum" not in branch and branch.get("format") not in reader_formats:
                problems.append(
                    f"{place}: sent as format {branch.get('format')}, "
                    f"read as {sorted(map(str, reader_formats))}"
                )
    return problems


def _single(branches: list[Schema], json_type: str) -> Schema | None:
    found = [b for b in branches if _kind(b) == {json_type}]
    return found[0] if len(found) == 1 else None


def _nested_problems(
    where: str,
    reader_branches: list[Schema],
    reader_roots: Sequence[Schema],
    writer_branches: list[Schema],
    writer_roots: Sequence[Schema],
) -> list[str]:
    problems: list[str] = []
    reader_array, writer_array = (
        _single(reader_branches, "array"),
        _single(writer_branches, "array"),
    )
    if reader_array is not None and writer_array is not None:
        problems += incompatibilities(
            reader_array.get("items", {}),
            reader_roots,
            writer_array.get("items", {}),
            writer_roots,
            f"{where}[]",
        )
    reader_object = _single(reader_branches, "object")
    writer_object = _single(writer_branches, "object")
    if reader_object is not None and writer_object is not None:
        problems += object_incompatibilities(
            reader_object, reader_roots, writer_object, writer_roots, where
        )
    return problems


def object_incompatibilities(
    reader: Schema,
    reader_roots: Sequence[Schema],
    writer: Schema,
    writer_roots: Sequence[Schema],
    where: str = "",
) -> list[str]:
    """Fields the reader requires that the writer does not send, and fields read otherwise
    than they are sent."""
    reader_props: dict[str, Schema] = reader.get("properties", {})
    writer_props: dict[str, Schema] = writer.get("properties", {})
    required = set(reader.get("required", []))
    problems: list[str] = []
    for name, reader_field in sorted(reader_props.items()):
        field_place = f"{where}.{name}" if where else name
        if name not in writer_props:
            if name in required:
                problems.append(f"{field_place}: required but not sent")
            continue
        problems += incompatibilities(
            reader_field, reader_roots, writer_props[name], writer_roots, field_place
        )
    return problems
