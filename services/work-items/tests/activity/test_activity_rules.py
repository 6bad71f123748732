"""The feed's pure rules: which fields changed, what a time entry's event logs where."""

from __future__ import annotations

import pytest

from worksync.common.ids import new_id
from worksync.work_items.activity.changes import (
    EntryState,
    FieldChange,
    TimeActivity,
    changed_fields,
    time_activity,
)
from worksync.work_items.enums import ActivityKind

pytestmark = pytest.mark.fast


def test_one_change_per_changed_field_none_for_equal_values() -> None:
    before = {"title": "A", "priority": "low", "label_ids": ["x"], "due_date": None}
    after = {"title": "B", "priority": "low", "label_ids": ["x", "y"], "due_date": "2030-01-01"}
    assert changed_fields(before, after) == [
        FieldChange("title", "A", "B"),
        FieldChange("label_ids", ["x"], ["x", "y"]),
        FieldChange("due_date", None, "2030-01-01"),
    ]
    assert changed_fields(before, dict(before)) == []


def test_time_logged_corrected_removed_and_moved() -> None:
    first, second = new_id(), new_id()
    assert time_activity(None, EntryState(first, 600)) == [
        TimeActivity(first, ActivityKind.TIME_LOGGED, None, 600)
    ]
    assert time_activity(EntryState(first, 600), EntryState(first, 900)) == [
        TimeActivity(first, ActivityKind.TIME_CORRECTED, 600, 900)
    ]
    assert time_activity(EntryState(first, 600), EntryState(first, 600)) == []
    assert time_activity(EntryState(first, 600), None) == [
        TimeActivity(first, ActivityKind.TIME_REMOVED, 600, None)
    ]
    assert time_activity(EntryState(first, 600), EntryState(second, 600)) == [
        TimeActivity(first, ActivityKind.TIME_REMOVED, 600, None),
        TimeActivity(second, ActivityKind.TIME_LOGGED, None, 600),
    ]
    assert time_activity(None, None) == []
