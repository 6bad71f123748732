"""New rows built in memory, written in one statement that reads nothing back.

The unit of work writes new rows with `INSERT … RETURNING` (the models' `eager_defaults`)
and any later change to them, such as the version bump of recording their events, with one
`UPDATE … RETURNING` a row: fine for a few, over a second for the hundreds of issues and
relations a template applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Insert, insert, inspect

from worksync.common.repository import orm_table
from worksync.work_items.models.base import Base


def insert_built(rows: Sequence[Base]) -> tuple[Insert, list[dict[str, Any]]]:
    """An executemany `INSERT` of rows of one class and its parameters: the column values
    each row was built with; what a row leaves out, the columns' defaults and the database
    fill in, as at a flush. The rows set the same attributes."""
    model = type(rows[0])
    columns = [
        (attribute.key, attribute.columns[0].key) for attribute in inspect(model).column_attrs
    ]
    values = []
    for row in rows:
        built = inspect(row).dict
        values.append({column: built[key] for key, column in columns if key in built})
    return insert(orm_table(model)), values
