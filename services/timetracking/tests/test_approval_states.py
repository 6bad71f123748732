"""An entry's approval is its timesheet's state; an open period (or none) is a draft."""

from __future__ import annotations

import pytest

from worksync.timetracking.models import ApprovalState, TimesheetState

pytestmark = pytest.mark.fast


@pytest.mark.parametrize(
    ("sheet", "entry"),
    [
        (None, ApprovalState.DRAFT),
        (TimesheetState.OPEN, ApprovalState.DRAFT),
        (TimesheetState.SUBMITTED, ApprovalState.SUBMITTED),
        (TimesheetState.APPROVED, ApprovalState.APPROVED),
        (TimesheetState.REJECTED, ApprovalState.REJECTED),
    ],
)
def test_the_entry_takes_its_timesheets_state(
    sheet: TimesheetState | None, entry: ApprovalState
) -> None:
    assert ApprovalState.of_timesheet(sheet) is entry
