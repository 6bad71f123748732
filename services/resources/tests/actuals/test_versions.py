"""Which version of each entry a batch of its events leaves: pure rules, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from worksync.common.ids import new_id
from worksync.resources.actuals.versions import EntryVersion, newest_states, worked_days
from worksync.resources.messaging.consumed import EntryDay, EntrySnapshot

MONDAY, TUESDAY = date(2026, 1, 5), date(2026, 1, 6)
WORKSPACE, USER = new_id(), new_id()
OCCURRED_AT = datetime(2026, 1, 6, 9, tzinfo=UTC)


def _version(
    entry_id: UUID,
    sequence: int,
    *days: tuple[date, int],
    deleted: bool = False,
    project_id: UUID | None = None,
) -> EntryVersion:
    entry = EntrySnapshot(
        entry_id=entry_id,
        workspace_id=WORKSPACE,
        user_id=USER,
        project_id=project_id or WORKSPACE,
        days=[EntryDay(date=day, seconds=seconds) for day, seconds in days],
    )
    return EntryVersion(entry, sequence, deleted, OCCURRED_AT)


def test_the_highest_sequence_of_an_entry_wins_whatever_the_order() -> None:
    entry_id = new_id()
    older, newer = _version(entry_id, 2, (MONDAY, 60)), _version(entry_id, 3, (TUESDAY, 90))
    for versions in ([older, newer], [newer, older]):
        (state,) = newest_states(versions)
        assert (state.sequence, state.days) == (3, ((TUESDAY, 90),))


def test_of_versions_as_new_as_each_other_the_first_wins() -> None:
    """Applied one after another, the second is not newer than the first."""
    entry_id, first_project, second_project = new_id(), new_id(), new_id()
    (state,) = newest_states(
        [
            _version(entry_id, 2, (MONDAY, 60), project_id=first_project),
            _version(entry_id, 2, (MONDAY, 60), project_id=second_project),
        ]
    )
    assert state.project_id == first_project


def test_a_deletion_keeps_no_days_and_overrides_what_it_follows() -> None:
    entry_id = new_id()
    (state,) = newest_states(
        [_version(entry_id, 1, (MONDAY, 60)), _version(entry_id, 2, (MONDAY, 60), deleted=True)]
    )
    assert (state.deleted, state.sequence, state.days) == (True, 2, ())


def test_one_state_per_entry_in_entry_order() -> None:
    entry_ids = [new_id() for _ in range(5)]
    versions = [_version(entry_id, 1) for entry_id in reversed(entry_ids)]
    assert [state.entry_id for state in newest_states([*versions, *versions])] == sorted(entry_ids)


def test_worked_days_add_up_a_repeated_date_and_drop_empty_ones() -> None:
    entry = _version(new_id(), 1, (TUESDAY, 30), (MONDAY, 60), (TUESDAY, 30), (date(2026, 1, 7), 0))
    assert worked_days(entry.data, deleted=False) == ((MONDAY, 60), (TUESDAY, 60))
    assert worked_days(entry.data, deleted=True) == ()
