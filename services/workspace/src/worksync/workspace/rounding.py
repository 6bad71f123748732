"""Rounding rules as the API and the events show them, and as rows keep them.

A rule names, for each place (begin, end, duration), a step and a mode, or null: that place
is not rounded. Workspaces hold one in their settings; a project may hold its own, which
then rounds its time instead of the workspace's (time tracking applies them).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from worksync.common.fields import JsonInteger
from worksync.workspace.enums import RoundingMode, RoundingPlace
from worksync.workspace.models import Project
from worksync.workspace.models.base import RoundingColumns

MAX_STEP_MINUTES = 1440


class RoundingStep(BaseModel):
    """Round to multiples of `step_minutes` (on the user's local clock for begin and end)."""

    model_config = ConfigDict(extra="forbid")

    step_minutes: Annotated[int, Field(ge=1, le=MAX_STEP_MINUTES), JsonInteger]
    mode: RoundingMode


PLACE = "null: this place is not rounded"


class RoundingRule(BaseModel):
    """A step for each place, or null where nothing is rounded."""

    model_config = ConfigDict(extra="forbid")

    begin: RoundingStep | None = Field(default=None, description=PLACE)
    end: RoundingStep | None = Field(default=None, description=PLACE)
    duration: RoundingStep | None = Field(default=None, description=PLACE)


class RoundingRuleUpdate(BaseModel):
    """Places given replace that place (null turns it off); places left out stay."""

    model_config = ConfigDict(extra="forbid")

    begin: RoundingStep | None = None
    end: RoundingStep | None = None
    duration: RoundingStep | None = None

    def applied_to(self, rule: RoundingRule) -> RoundingRule:
        return rule.model_copy(
            update={place: getattr(self, place) for place in self.model_fields_set}
        )


def rule_of(row: RoundingColumns) -> RoundingRule:
    """The rule a row keeps in its columns."""
    places: dict[str, RoundingStep | None] = {}
    for place in RoundingPlace:
        step, mode = (getattr(row, f"rounding_{place}_{part}") for part in ("step_minutes", "mode"))
        places[place] = None if step is None else RoundingStep(step_minutes=step, mode=mode)
    return RoundingRule.model_validate(places)


def rule_columns(rule: RoundingRule | None) -> dict[str, Any]:
    """The columns that keep `rule` (None: every place unset)."""
    columns: dict[str, Any] = {}
    for place in RoundingPlace:
        step = None if rule is None else getattr(rule, place)
        columns[f"rounding_{place}_step_minutes"] = None if step is None else step.step_minutes
        columns[f"rounding_{place}_mode"] = None if step is None else step.mode.value
    return columns


def override_of(project: Project) -> RoundingRule | None:
    """The project's own rule, or None when it follows its workspace's."""
    return rule_of(project) if project.rounding_overridden else None


def override_columns(rule: RoundingRule | None) -> dict[str, Any]:
    """The project columns that keep its own rule (None: it follows the workspace's)."""
    return {"rounding_overridden": rule is not None, **rule_columns(rule)}
