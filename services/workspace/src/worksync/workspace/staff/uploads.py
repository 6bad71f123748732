"""Reading a bulk-import body into rows: a JSON list, a CSV text, or a CSV or JSON file
uploaded as multipart/form-data (field `file`).

Multipart bodies are read with the standard library's MIME parser: the service has no
form-parsing dependency, and an upload of one small file needs none.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from worksync.common.errors import AppError, BadRequest, FieldError, Unprocessable
from worksync.workspace.staff.cells import read_skills_cell, read_text_cell
from worksync.workspace.staff.schemas import StaffImportRow

MAX_IMPORT_ROWS = 5000
# Room for MAX_IMPORT_ROWS rows with long notes; the body is read no further.
MAX_IMPORT_BYTES = 16 * 1024 * 1024
# Columns the export writes that an import reads past: they are derived, not set.
IGNORED_COLUMNS = frozenset({"display_name", "is_department_manager"})
KNOWN_COLUMNS = frozenset(StaffImportRow.model_fields) | IGNORED_COLUMNS
# Where csv.DictReader puts values beyond the header's columns.
EXTRA_VALUES = "__extra_values__"

Rows = list[dict[str, Any]]


class TooManyRows(AppError):
    def __init__(self) -> None:
        super().__init__(
            detail=f"An import takes at most {MAX_IMPORT_ROWS} rows; split the file",
            code="too_many_rows",
            status=413,
        )


class BodyTooLarge(AppError):
    def __init__(self) -> None:
        super().__init__(
            detail=f"An import body takes at most {MAX_IMPORT_BYTES} bytes; split the file",
            code="body_too_large",
            status=413,
        )


class UnsupportedMediaType(AppError):
    def __init__(self) -> None:
        super().__init__(
            detail="Send text/csv, application/json or multipart/form-data with a `file`",
            code="unsupported_media_type",
            status=415,
        )


def _invalid(field: str, message: str) -> Unprocessable:
    return Unprocessable(
        "The import is not valid; nothing was imported",
        errors=[FieldError(field=field, message=message)],
    )


def _text(data: bytes) -> str:
    try:
        # utf-8-sig: spreadsheets save CSV with a byte order mark.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadRequest("The body is not UTF-8 text", code="malformed_body") from exc


async def read_body(chunks: AsyncIterator[bytes], declared_length: str | None) -> bytes:
    """The request body, refused (413) as soon as it is known to exceed MAX_IMPORT_BYTES."""
    if declared_length and declared_length.isdigit() and int(declared_length) > MAX_IMPORT_BYTES:
        raise BodyTooLarge()
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > MAX_IMPORT_BYTES:
            raise BodyTooLarge()
    return bytes(body)


def _json_rows(data: bytes) -> Rows:
    try:
        rows = json.loads(_text(data))
    except json.JSONDecodeError as exc:
        raise BadRequest("The body is not valid JSON", code="malformed_body") from exc
    except RecursionError as exc:
        # Rows are flat objects: nesting this deep is no import.
        raise _invalid("rows", "the JSON is nested too deeply") from exc
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise BadRequest("The body must be a JSON list of objects", code="malformed_body")
    return [{k: v for k, v in row.items() if k not in IGNORED_COLUMNS} for row in rows]


def _csv_rows(data: bytes) -> Rows:
    """Rows keyed by the header's column names; empty cells are absent values."""
    reader = csv.DictReader(io.StringIO(_text(data), newline=""), restkey=EXTRA_VALUES)
    columns = reader.fieldnames
    if not columns:
        raise _invalid("columns", "the file has no header row")
    unknown = sorted(set(columns) - KNOWN_COLUMNS)
    if unknown:
        raise _invalid("columns", f"unknown columns: {', '.join(unknown)}")
    if len(set(columns)) != len(columns):
        raise _invalid("columns", "a column appears twice")
    rows: Rows = []
    try:
        for row in reader:
            rows.append(
                {
                    column: _csv_value(column, value)
                    for column, value in row.items()
                    if column not in IGNORED_COLUMNS
                }
            )
    except csv.Error as exc:
        # A field past the csv module's limit (128 KiB, far beyond any column's maximum)
        # or a quote never closed.
        raise _invalid(f"rows[{len(rows)}]", f"cannot be read as CSV: {exc}") from exc
    return rows


def _csv_value(column: str, cell: Any) -> Any:
    """An empty cell is an absent value (no skills for `skills`); a neutralised formula is
    its text again; the skills cell is their list."""
    if column == EXTRA_VALUES:
        return cell
    if column == "skills":
        return read_skills_cell(cell)
    return read_text_cell(cell) if cell else None


def _uploaded_file(content_type: str, body: bytes) -> tuple[bytes, bool]:
    """The `file` part of a multipart body, and whether it is JSON (else CSV)."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        raise BadRequest("The multipart body cannot be read", code="malformed_body")
    for part in message.iter_parts():
        if not isinstance(part, EmailMessage):
            continue
        if part.get_param("name", header="content-disposition") == "file":
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            filename = part.get_filename() or ""
            is_json = part.get_content_type() == "application/json" or filename.endswith(".json")
            return data, is_json
    raise _invalid("file", "the form has no field `file`")


def read_rows(content_type: str, body: bytes) -> Rows:
    """The rows of an import body, at most MAX_IMPORT_ROWS of them, at least one."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/json":
        rows = _json_rows(body)
    elif media_type in {"text/csv", "application/csv"}:
        rows = _csv_rows(body)
    elif media_type == "multipart/form-data":
        data, is_json = _uploaded_file(content_type, body)
        rows = _json_rows(data) if is_json else _csv_rows(data)
    else:
        raise UnsupportedMediaType()
    if len(rows) > MAX_IMPORT_ROWS:
        raise TooManyRows()
    if not rows:
        raise _invalid("rows", "there is nothing to import")
    return rows
