"""Time-entry events folded in arrival order: pure rules, no database."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from worksync.common.ids import new_id
from worksync.work_items.activity.changes import TimeActivity
from worksync.work_items.enums import ActivityKind
from worksync.work_items.messaging.consumed import EntrySnapshot
from worksync.work_items.time_logs.versions import EntryVersion, StoredEntry, fold

pytestmark = pytest.mark.fast

WORKSPACE, USER = new_id(), new_id()
FIRST, SECOND = new_id(), new_id()
OCCURRED_AT = datetime(2030, 1, 7, 9, tzinfo=UTC)


def _version(
    entry_id: UUID, sequence: int, issue_id: UUID | None, seconds: int, *, deleted: bool = False
) -> EntryVersion:
    entry = EntrySnapshot(
        entry_id=entry_id,
        workspace_id=WORKSPACE,
        issue_id=issue_id,
        user_id=USER,
        duration_seconds=seconds,
    )
    return EntryVersion(entry, sequence, deleted, OCCURRED_AT)


def test_a_new_entry_logs_its_time_on_its_issue() -> None:
    entry_id = new_id()
    folded = fold({}, [_version(entry_id, 1, FIRST, 600)])
    assert folded.stored == {entry_id: (WORKSPACE, StoredEntry(FIRST, 600, False, 1))}
    assert folded.touched_issue_ids == {FIRST}
    [applied] = folded.applied
    assert applied.activity == [TimeActivity(FIRST, ActivityKind.TIME_LOGGED, None, 600)]


def test_versions_of_one_entry_apply_in_turn_and_late_ones_are_no_news() -> None:
    entry_id = new_id()
    versions = [
        _version(entry_id, 2, FIRST, 600),
        _version(entry_id, 1, FIRST, 60),  # overtaken
        _version(entry_id, 3, SECOND, 900),  # moves
        _version(entry_id, 3, SECOND, 900),  # a duplicate
        _version(entry_id, 4, SECOND, 1200),  # corrected in place
        _version(entry_id, 5, SECOND, 1200, deleted=True),
    ]
    folded = fold({}, versions)
    assert [applied.version.sequence for applied in folded.applied] == [2, 3, 4, 5]
    assert [applied.activity for applied in folded.applied] == [
        [TimeActivity(FIRST, ActivityKind.TIME_LOGGED, None, 600)],
        [
            TimeActivity(FIRST, ActivityKind.TIME_REMOVED, 600, None),
            TimeActivity(SECOND, ActivityKind.TIME_LOGGED, None, 900),
        ],
        [TimeActivity(SECOND, ActivityKind.TIME_CORRECTED, 900, 1200)],
        [TimeActivity(SECOND, ActivityKind.TIME_REMOVED, 1200, None)],
    ]
    assert folded.stored == {entry_id: (WORKSPACE, StoredEntry(SECOND, 1200, True, 5))}
    assert folded.touched_issue_ids == {FIRST, SECOND}


def test_what_is_stored_decides_what_is_news() -> None:
    known, fresh = new_id(), new_id()
    stored = {known: StoredEntry(FIRST, 300, False, 7)}
    folded = fold(
        stored,
        [
            _version(known, 6, SECOND, 999),  # older than what is stored
            _version(known, 8, None, 300),  # off its issue
            _version(fresh, 1, None, 120),  # on no issue at all
        ],
    )
    assert folded.stored == {
        known: (WORKSPACE, StoredEntry(None, 300, False, 8)),
        fresh: (WORKSPACE, StoredEntry(None, 120, False, 1)),
    }
    assert [applied.activity for applied in folded.applied] == [
        [TimeActivity(FIRST, ActivityKind.TIME_REMOVED, 300, None)],
        [],
    ]
    assert folded.touched_issue_ids == {FIRST}


def test_nothing_new_changes_nothing() -> None:
    entry_id = new_id()
    folded = fold({entry_id: StoredEntry(FIRST, 60, False, 2)}, [_version(entry_id, 2, FIRST, 60)])
    assert (folded.stored, folded.applied, folded.touched_issue_ids) == ({}, [], set())
