"""How a milestone stands (no I/O): on track, at risk or overdue, and why.

Open milestones (pending, in progress) only; a completed one is on track.

- **overdue**: its due date has passed (`past_due`).
- **at risk** when either holds:
  - `slack_consumed`: its dependencies push its earliest finish (critical path) past its
    due date;
  - `progress_behind`: progress trails the elapsed share of its working days by more than
    `PROGRESS_BEHIND_POINTS` percentage points (elapsed counts the working days from its
    start up to yesterday, of its working days; from its start date on only).
- **on track** otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from worksync.resources.milestones.calendar import working_days_between
from worksync.resources.milestones.schemas import Health, ReportReason
from worksync.resources.models import MilestoneStatus

PROGRESS_BEHIND_POINTS = 20


@dataclass(frozen=True)
class Standing:
    health: Health
    reasons: list[ReportReason]
    detail: str | None


def standing(
    *,
    status: MilestoneStatus,
    start: date,
    due: date,
    progress: int,
    finish_variance: int | None,
    today: date,
) -> Standing:
    """The health of a milestone on `today`, with `finish_variance` working days from its
    due date to its earliest finish on the critical path."""
    if status is MilestoneStatus.COMPLETED:
        return Standing(Health.ON_TRACK, [], None)
    if due < today:
        return Standing(
            Health.OVERDUE,
            [ReportReason.PAST_DUE],
            f"due {due.isoformat()}, {(today - due).days} day(s) ago",
        )
    reasons: list[ReportReason] = []
    details: list[str] = []
    if finish_variance is not None and finish_variance > 0:
        reasons.append(ReportReason.SLACK_CONSUMED)
        details.append(
            f"its dependencies let it finish {finish_variance} working day(s) after its due date"
        )
    duration = working_days_between(start, due)
    if duration > 0 and today > start:
        elapsed = working_days_between(start, today - timedelta(days=1)) * 100 // duration
        if elapsed - progress > PROGRESS_BEHIND_POINTS:
            reasons.append(ReportReason.PROGRESS_BEHIND)
            details.append(f"{progress}% done with {elapsed}% of its working days gone")
    if reasons:
        return Standing(Health.AT_RISK, reasons, "; ".join(details))
    return Standing(Health.ON_TRACK, [], None)
