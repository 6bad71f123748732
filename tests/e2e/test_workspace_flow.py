"""End to end through the gateway: two people, a workspace, an invitation, a project."""

from __future__ import annotations

import csv
import io
import uuid

import httpx
import pytest

from scripts.local_system import RunningSystem

from .people import Person, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_invite_accept_project_and_membership_reach_every_service(system: RunningSystem) -> None:
    with httpx.Client(base_url=system.gateway_url, timeout=10) as client:
        owner, member, stranger = (
            Person(client, "owner"),
            Person(client, "member"),
            Person(client, "x"),
        )
        slug = f"acme-{uuid.uuid4().hex[:8]}"

        created = client.post(
            "/api/v1/workspaces",
            json={"slug": slug, "name": "Acme", "settings": {"timezone": "Europe/Berlin"}},
            headers=owner.headers,
        )
        assert created.status_code == 201, created.text
        ws = f"/api/v1/workspaces/{slug}"

        invitation = client.post(
            f"{ws}/invitations",
            json={"email": member.email, "role": "member"},
            headers=owner.headers,
        )
        assert invitation.status_code == 201, invitation.text
        token = invitation.json()["token"]

        preview = client.get(f"/api/v1/invitations/{token}")  # public: no token needed
        assert preview.status_code == 200, preview.text
        assert preview.json()["workspace_name"] == "Acme"

        wrong_person = client.post(f"/api/v1/invitations/{token}/accept", headers=stranger.headers)
        assert wrong_person.status_code == 403
        accepted = client.post(f"/api/v1/invitations/{token}/accept", headers=member.headers)
        assert accepted.status_code in (200, 201), accepted.text
        me = client.get(f"{ws}/members/me", headers=member.headers)
        assert me.status_code == 200
        assert me.json()["role"] == "member"

        project = client.post(
            f"{ws}/projects", json={"identifier": "ACME", "name": "Launch"}, headers=owner.headers
        )
        assert project.status_code == 201, project.text
        project_id = project.json()["id"]
        added = client.post(
            f"{ws}/projects/{project_id}/members",
            json={"user_id": member.id, "role": "member"},
            headers=owner.headers,
        )
        assert added.status_code == 201, added.text
        listed = client.get(f"{ws}/projects", headers=member.headers).json()["items"]
        assert [p["id"] for p in listed] == [project_id]

        # Another workspace's people see nothing of it: 404, not 403.
        assert client.get(ws, headers=stranger.headers).status_code == 404
        assert (
            client.get(f"{ws}/projects/{project_id}", headers=stranger.headers).status_code == 404
        )

        # identity learns from workspace events that the two now share a workspace.
        eventually(
            lambda: (
                client.get(f"/api/v1/users/{member.id}", headers=owner.headers).status_code == 200
            )
        )
        assert client.get(f"/api/v1/users/{member.id}", headers=stranger.headers).status_code == 404


def test_department_tree_staff_transfer_and_export(system: RunningSystem) -> None:
    with httpx.Client(base_url=system.gateway_url, timeout=10) as client:
        owner, engineer = Person(client, "owner"), Person(client, "engineer")
        slug = f"org-{uuid.uuid4().hex[:8]}"
        body = {"slug": slug, "name": "Org"}
        assert (
            client.post("/api/v1/workspaces", json=body, headers=owner.headers).status_code == 201
        )
        ws = f"/api/v1/workspaces/{slug}"
        invitation = client.post(
            f"{ws}/invitations", json={"email": engineer.email}, headers=owner.headers
        ).json()
        accepted = client.post(
            f"/api/v1/invitations/{invitation['token']}/accept", headers=engineer.headers
        )
        assert accepted.status_code in (200, 201), accepted.text

        def department(name: str, code: str, dept_code: str, parent: str | None) -> str:
            created = client.post(
                f"{ws}/departments",
                json={
                    "name": name,
                    "code": code,
                    "short_name": code.upper(),
                    "dept_code": dept_code,
                    "parent_id": parent,
                },
                headers=owner.headers,
            )
            assert created.status_code == 201, created.text
            department_id: str = created.json()["id"]
            return department_id

        company = department("Company", "co", "1000", None)
        engineering = department("Engineering", "eng", "1100", company)
        platform = department("Platform", "plat", "1110", engineering)
        sales = department("Sales", "sales", "1200", company)

        tree = client.get(f"{ws}/departments/tree", headers=engineer.headers)
        assert tree.status_code == 200
        (root,) = tree.json()["roots"]
        assert root["id"] == company
        assert [child["name"] for child in root["children"]] == ["Engineering", "Sales"]
        assert root["children"][0]["children"][0]["id"] == platform
        cycle = client.patch(
            f"{ws}/departments/{company}", json={"parent_id": platform}, headers=owner.headers
        )
        assert cycle.status_code == 409

        staff = client.post(
            f"{ws}/staff",
            json={
                "user_id": engineer.id,
                "staff_id": "E001",
                "department_id": platform,
                "position": "Engineer",
            },
            headers=owner.headers,
        )
        assert staff.status_code == 201, staff.text
        staff_id = staff.json()["id"]
        transfer = client.post(
            f"{ws}/staff/{staff_id}/transfer",
            json={"department_id": sales, "effective_date": "2026-12-01"},
            headers=owner.headers,
        )
        assert transfer.status_code in (200, 201), transfer.text
        assert (
            client.get(f"{ws}/staff/{staff_id}", headers=owner.headers).json()["department_id"]
            == sales
        )

        exported = client.get(f"{ws}/staff/export", headers=owner.headers)
        assert exported.status_code == 200
        assert exported.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(exported.text)))
        assert [row["staff_id"] for row in rows] == ["E001"]
        assert client.get(f"{ws}/staff/export", headers=engineer.headers).status_code == 403
