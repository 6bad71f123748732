"""A milestone's progress from its linked issues (no I/O).

Counted are the linked issues that are neither deleted nor cancelled; an issue not yet
heard of counts as open without an estimate. Done are those in the `completed` state
group. When every counted issue has an estimate, progress is the completed share of the
estimated minutes, else the completed share of the issues; it is rounded down, so 100
means all done. Without a counted issue there is nothing to derive from (None): the
milestone's own progress applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

COMPLETED = "completed"
CANCELLED = "cancelled"


@dataclass(frozen=True)
class IssueState:
    state_group: str
    estimate_minutes: int | None
    deleted: bool = False


def derived_progress(issues: Iterable[IssueState | None]) -> int | None:
    """Progress in percent, or None when no linked issue counts (`None` = not heard of)."""
    counted = [
        issue
        for issue in issues
        if issue is None or not (issue.deleted or issue.state_group == CANCELLED)
    ]
    if not counted:
        return None
    estimates = [issue.estimate_minutes for issue in counted if issue is not None]
    if len(estimates) == len(counted) and all(e is not None for e in estimates):
        total = sum(e for e in estimates if e is not None)
        if total > 0:
            done = sum(
                issue.estimate_minutes or 0
                for issue in counted
                if issue is not None and issue.state_group == COMPLETED
            )
            return done * 100 // total
    done_count = sum(1 for issue in counted if issue is not None and issue.state_group == COMPLETED)
    return done_count * 100 // len(counted)
