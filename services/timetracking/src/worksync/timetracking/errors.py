"""The errors the timetracking service answers with, beyond the shared ones."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from worksync.common.errors import AppError, Conflict, NotFound, invalid_field
from worksync.timetracking.time_rules import TimeRuleViolation


@contextmanager
def invalid_times() -> Iterator[None]:
    """What the time rules refuse (`TimeRuleViolation`), as a 422 on the field it names."""
    try:
        yield
    except TimeRuleViolation as exc:
        raise invalid_field(exc.field, exc.message, code=exc.code) from exc


class TimerAlreadyRunning(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "A timer is running already; stop it first or start with stop_running",
            code="timer_already_running",
        )


class EntryOverlaps(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "This overlaps another timed entry (or the running timer) of the same user",
            code="entry_overlaps",
        )


class NoRunningTimer(NotFound):
    def __init__(self) -> None:
        super().__init__("No timer is running", code="no_running_timer")


class TimerAlreadyPaused(Conflict):
    def __init__(self) -> None:
        super().__init__("The timer is paused already", code="timer_paused")


class TimerNotPaused(Conflict):
    def __init__(self) -> None:
        super().__init__("The timer is not paused", code="timer_not_paused")


class TimerTooShort(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "Less than a second was worked; discard the timer instead", code="timer_too_short"
        )


class TimeTrackingDisabled(Conflict):
    def __init__(self) -> None:
        super().__init__("Time tracking is disabled in this project", code="time_tracking_disabled")


class ProjectArchived(Conflict):
    def __init__(self) -> None:
        super().__init__("The project is archived", code="project_archived")


class EntryIsRunning(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "This entry is a running timer; use the timer endpoints", code="entry_is_running"
        )


class EntryIsTimed(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "This entry has a start and an end; change them under /time-entries",
            code="entry_is_timed",
        )


class WorkItemsUnavailable(AppError):
    """The issue projection missed and the work-items API failed."""

    def __init__(self) -> None:
        super().__init__(
            detail="Issues cannot be checked right now; try again shortly",
            code="work_items_unavailable",
            status=503,
            headers={"Retry-After": "1"},
        )
