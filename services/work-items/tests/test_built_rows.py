"""`built_rows`: the INSERT of rows built in memory carries the values they were built with,
under their columns' names, and leaves the rest to defaults."""

from __future__ import annotations

import pytest

from worksync.common.ids import new_id
from worksync.work_items.built_rows import insert_built
from worksync.work_items.models import IssueRelation

pytestmark = pytest.mark.fast


def test_values_are_what_the_rows_were_built_with() -> None:
    ids = [new_id() for _ in range(5)]
    rows = [
        IssueRelation(
            id=ids[n],
            workspace_id=ids[0],
            project_id=ids[1],
            issue_id=ids[2],
            related_id=ids[n + 1],
            kind="blocks",
            created_by=ids[4],
            version=1,
        )
        for n in range(2)
    ]
    statement, values = insert_built(rows)
    assert statement.table is IssueRelation.__table__
    assert values == [
        {
            "id": ids[n],
            "workspace_id": ids[0],
            "project_id": ids[1],
            "issue_id": ids[2],
            "related_id": ids[n + 1],
            "kind": "blocks",
            "created_by": ids[4],
            "version": 1,
        }
        for n in range(2)
    ]
