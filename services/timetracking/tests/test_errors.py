"""The time rules' refusals answered as 422s on the field they name."""

from __future__ import annotations

import pytest

from worksync.common.errors import Unprocessable
from worksync.timetracking.errors import invalid_times
from worksync.timetracking.time_rules import TimeRuleViolation

pytestmark = pytest.mark.fast


def test_a_refused_time_is_a_422_on_its_field_with_its_code() -> None:
    with pytest.raises(Unprocessable) as answered, invalid_times():
        raise TimeRuleViolation("ended_at", "may be at most 24 hours from now", "entry_in_future")
    problem = answered.value.problem()
    assert (problem.status, problem.code) == (422, "entry_in_future")
    assert [(e.field, e.message) for e in problem.errors or []] == [
        ("ended_at", "may be at most 24 hours from now")
    ]


def test_other_errors_pass_through() -> None:
    with pytest.raises(ValueError, match="else"), invalid_times():
        raise ValueError("something else")
