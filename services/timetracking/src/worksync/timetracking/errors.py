"""The errors the timetracking service answers with, beyond the shared ones."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from worksync.common.errors import AppError, Conflict, Forbidden, NotFound, invalid_field
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


class NotProjectMember(Forbidden):
    """Time on a private project is the time of those who see it."""

    def __init__(self) -> None:
        super().__init__(
            "This user is not a member of the private project; only its members and the "
            "workspace's owners and admins have time on it",
            code="not_project_member",
        )


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


class PeriodLocked(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "This day is locked (the workspace's lockdown); only admins change its time",
            code="period_locked",
        )


class TimesheetSubmitted(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "This time belongs to a submitted timesheet; withdraw it first",
            code="timesheet_submitted",
        )


class TimesheetApproved(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "This time belongs to an approved timesheet; ask for a modification instead",
            code="timesheet_approved",
        )


class TimesheetNotOpen(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "This timesheet is submitted or approved already", code="timesheet_not_open"
        )


class TimesheetNotSubmitted(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "This timesheet is not awaiting a decision (someone may have decided already)",
            code="timesheet_not_submitted",
        )


class TimesheetNotApproved(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "Only an approved timesheet can be reopened", code="timesheet_not_approved"
        )


class TimerRunningInPeriod(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "A timer is running in this period; stop it before submitting", code="timer_running"
        )


class NotAnApprover(Forbidden):
    def __init__(self) -> None:
        super().__init__(
            "Only workspace admins and the user's team leads decide on a timesheet, "
            "never its own user",
            code="not_an_approver",
        )


class EntryNotApproved(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "This entry's timesheet is not approved; change the entry itself",
            code="entry_not_approved",
        )


class ModificationRequestPending(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "A modification request for this entry awaits a decision already",
            code="modification_request_pending",
        )


class ModificationRequestDecided(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "This modification request was decided already", code="modification_request_decided"
        )


class BreaksOverlap(Conflict):
    def __init__(self) -> None:
        super().__init__("This overlaps another break of the entry", code="breaks_overlap")


class EntryHasNoTimes(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "A duration-only entry has no span to take a break from", code="entry_has_no_times"
        )


class TooManyBreaks(Conflict):
    def __init__(self) -> None:
        super().__init__("This entry has as many breaks as it may have", code="too_many_breaks")
