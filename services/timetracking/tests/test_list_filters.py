"""Each list's filters are conditions bound by name in a select built once per shape: a
filter field without its condition would be silently ignored, so each field has one."""

from __future__ import annotations

from dataclasses import fields

from worksync.timetracking.entries import repository as entries
from worksync.timetracking.entries.schemas import EntryFilters
from worksync.timetracking.timesheets import repository as timesheets
from worksync.timetracking.timesheets.schemas import TimesheetFilters


def test_every_entry_filter_has_its_condition() -> None:
    assert set(entries._FILTERS) == {field.name for field in fields(EntryFilters)}


def test_every_timesheet_filter_has_its_condition() -> None:
    assert set(timesheets._FILTERS) == {field.name for field in fields(TimesheetFilters)}
