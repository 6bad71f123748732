"""The kit's pure rules: role order, money and time-zone fields, error factories."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import pytest
from pydantic import BaseModel, ValidationError

from worksync.common.errors import invalid_field, not_found, unknown_reference
from worksync.common.fields import Money, MoneyText, NotNull, TimeZone, money_text
from worksync.common.roles import ProjectRole, ProjectVisibility, WorkspaceRole, sees_project

pytestmark = pytest.mark.fast


class Priced(BaseModel):
    rate: Money | None = None
    zone: Annotated[TimeZone | None, NotNull] = None


class Carried(BaseModel):
    amount: MoneyText


@pytest.mark.parametrize(
    ("role", "required", "holds"),
    [
        (WorkspaceRole.OWNER, WorkspaceRole.ADMIN, True),
        (WorkspaceRole.ADMIN, WorkspaceRole.ADMIN, True),
        (WorkspaceRole.MEMBER, WorkspaceRole.ADMIN, False),
        (WorkspaceRole.GUEST, WorkspaceRole.MEMBER, False),
        (WorkspaceRole.GUEST, WorkspaceRole.GUEST, True),
    ],
)
def test_workspace_roles_are_ordered_from_guest_to_owner(
    role: WorkspaceRole, required: WorkspaceRole, holds: bool
) -> None:
    assert role.at_least(required) is holds


def test_only_owners_and_admins_administer_every_project() -> None:
    assert [role for role in WorkspaceRole if role.administers] == [
        WorkspaceRole.ADMIN,
        WorkspaceRole.OWNER,
    ]
    assert ProjectRole.ADMIN.at_least(ProjectRole.MEMBER)
    assert not ProjectRole.GUEST.at_least(ProjectRole.MEMBER)


@pytest.mark.parametrize("given", ["85", 85, "85.0", Decimal("85.00")])
def test_money_is_exact_to_the_cent_and_travels_as_a_string(given: object) -> None:
    priced = Priced.model_validate({"rate": given})

    assert priced.rate == Decimal("85.00")
    assert priced.model_dump(mode="json")["rate"] == "85.00"


@pytest.mark.parametrize("given", ["-1", "0.001", "12345678901.00", "NaN"])
def test_money_refuses_what_is_not_an_amount(given: str) -> None:
    with pytest.raises(ValidationError):
        Priced.model_validate({"rate": given})


def test_an_event_carries_money_with_two_places() -> None:
    assert money_text(Decimal("85")) == "85.00"
    assert money_text(Decimal("0.5")) == "0.50"
    assert money_text(None) is None
    assert Carried(amount="85.00").amount == "85.00"
    with pytest.raises(ValidationError):
        Carried(amount="85.5")


def test_a_patch_field_may_be_left_out_but_not_null() -> None:
    assert Priced.model_validate({}).zone is None
    assert Priced.model_validate({"zone": "Asia/Kolkata"}).zone == "Asia/Kolkata"
    with pytest.raises(ValidationError, match="may be left out but not null"):
        Priced.model_validate({"zone": None})
    with pytest.raises(ValidationError, match="IANA time zone"):
        Priced.model_validate({"zone": "Mars/Olympus"})


def test_error_factories_name_the_resource_in_a_stable_code() -> None:
    missing = not_found("time_entry")
    assert (missing.status, missing.code, missing.detail) == (
        404,
        "time_entry_not_found",
        "No such time entry",
    )
    invalid = invalid_field("end", "must be after the start")
    assert (invalid.status, invalid.code) == (422, "validation_failed")
    assert invalid.errors is not None
    assert (invalid.errors[0].field, invalid.errors[0].message) == (
        "end",
        "must be after the start",
    )
    unknown = unknown_reference("state_id", "state", where="in this project")
    assert unknown.code == "unknown_reference"
    assert unknown.errors is not None
    assert unknown.errors[0].message == "no such state in this project"


@pytest.mark.parametrize(
    ("workspace_role", "visibility", "member_role", "sees"),
    [
        (WorkspaceRole.MEMBER, ProjectVisibility.PUBLIC, None, True),
        (WorkspaceRole.MEMBER, ProjectVisibility.PRIVATE, None, False),
        (WorkspaceRole.MEMBER, ProjectVisibility.PRIVATE, ProjectRole.GUEST, True),
        (WorkspaceRole.ADMIN, ProjectVisibility.PRIVATE, None, True),
        (WorkspaceRole.OWNER, ProjectVisibility.PRIVATE, None, True),
        (WorkspaceRole.GUEST, ProjectVisibility.PUBLIC, None, False),
        (WorkspaceRole.GUEST, ProjectVisibility.PRIVATE, ProjectRole.MEMBER, True),
    ],
)
def test_private_projects_are_seen_by_their_members_and_the_workspace_admins_only(
    workspace_role: WorkspaceRole,
    visibility: ProjectVisibility,
    member_role: ProjectRole | None,
    sees: bool,
) -> None:
    assert sees_project(workspace_role, visibility, member_role) is sees
