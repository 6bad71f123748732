"""The errors the resources service answers with, beyond the kit's and the directory's."""

from __future__ import annotations

from worksync.common.errors import AppError, Conflict


class ProfileExists(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "This member has a capacity profile already", code="capacity_profile_exists"
        )


class TimeOffOverlaps(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "This time off overlaps another period of the member's", code="time_off_overlaps"
        )


class ConflictSettled(Conflict):
    """Resolving a resolved conflict, or ignoring one that is not open."""

    def __init__(self, status: str) -> None:
        super().__init__(f"This conflict is {status} already", code="conflict_not_open")


class DependencyCycle(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "This dependency would close a cycle among the project's milestones",
            code="dependency_cycle",
        )


class DependencyExists(Conflict):
    def __init__(self) -> None:
        super().__init__("This milestone depends on that one already", code="dependency_exists")


class RequiredDeliverablesOpen(Conflict):
    def __init__(self, count: int) -> None:
        super().__init__(
            f"{count} required deliverable(s) of this milestone are still open; a workspace "
            "admin may complete it with force=true",
            code="required_deliverables_open",
        )


class SolverFailed(AppError):
    def __init__(self) -> None:
        super().__init__(
            "The optimiser's solver stopped unexpectedly; try again",
            code="solver_failed",
            status=503,
        )
