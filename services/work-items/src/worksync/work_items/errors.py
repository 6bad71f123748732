"""The errors the work-items service answers with, beyond the shared ones."""

from __future__ import annotations

from worksync.common.errors import Conflict, Forbidden


class NotAllowed(Forbidden):
    def __init__(self, detail: str) -> None:
        super().__init__(detail, code="insufficient_role")


class StateInUse(Conflict):
    """Live issues are in the state (also when one was put there after the check: the
    states repository answers the refused reference with it)."""

    def __init__(self) -> None:
        super().__init__(
            "Issues are in this state; move them to another state first", code="state_in_use"
        )
