"""Bulk import (all rows or none; every bad row named) and the CSV export."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.workspace.models import StaffProfile, messaging
from worksync.workspace.testing import API, People, Workspaces


@dataclass
class Office:
    slug: str
    admin: SeededUser
    people: list[SeededUser]
    department: dict[str, Any]

    @property
    def url(self) -> str:
        return f"{API}/workspaces/{self.slug}/staff"


async def _office(people: People, workspaces: Workspaces, size: int) -> Office:
    admin = await people.register("Ada")
    slug = (await workspaces.create(admin))["slug"]
    members = [await people.register(f"Person {n}") for n in range(size)]
    for member in members:
        await workspaces.add_member(slug, admin, member)
    department = await workspaces.create_department(slug, admin, "ENG")
    return Office(slug=slug, admin=admin, people=members, department=department)


async def _count(sessionmaker: async_sessionmaker[AsyncSession], table: Any) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


def _csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


async def test_json_csv_and_file_imports_create_every_row(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    office = await _office(people, workspaces, 6)
    first, second, third, fourth, fifth, sixth = office.people
    await client.patch(
        f"{API}/workspaces/{office.slug}/departments/{office.department['id']}",
        json={"manager_id": str(first.id)},
        headers=office.admin.headers,
    )
    as_json = [
        {"staff_id": "J1", "user_id": str(first.id), "department_code": "eng"},
        {"staff_id": "J2", "email": second.email.upper(), "phone": "+1 555 0100"},
    ]
    created = await client.post(
        f"{office.url}/bulk-import", json=as_json, headers=office.admin.headers
    )
    assert created.status_code == 201, created.text
    assert created.json()["created_count"] == 2
    by_json = created.json()["staff_profile_ids"]
    first_profile = (
        await client.get(f"{office.url}/{by_json[0]}", headers=office.admin.headers)
    ).json()
    assert (first_profile["department_id"], first_profile["is_department_manager"]) == (
        office.department["id"],
        True,
    )

    as_csv = _csv(
        [
            {"staff_id": "C1", "email": third.email, "notes": 'Says "hi", often\nand twice'},
            {"staff_id": "C2", "email": fourth.email, "notes": ""},
        ]
    )
    from_csv = await client.post(
        f"{office.url}/bulk-import",
        content=as_csv.encode(),
        headers={**office.admin.headers, "Content-Type": "text/csv"},
    )
    assert from_csv.status_code == 201, from_csv.text
    noted = (
        await client.get(
            f"{office.url}/{from_csv.json()['staff_profile_ids'][0]}", headers=office.admin.headers
        )
    ).json()
    assert noted["notes"] == 'Says "hi", often\nand twice'

    uploads: list[tuple[str, bytes, str]] = [
        ("staff.csv", _csv([{"staff_id": "F1", "email": fifth.email}]).encode(), "text/csv"),
        (
            "staff.json",
            json.dumps([{"staff_id": "F2", "user_id": str(sixth.id)}]).encode(),
            "application/json",
        ),
    ]
    for name, data, content_type in uploads:
        uploaded = await client.post(
            f"{office.url}/bulk-import",
            files={"file": (name, data, content_type)},
            headers=office.admin.headers,
        )
        assert uploaded.status_code == 201, uploaded.text
    listed = await client.get(office.url, headers=office.admin.headers)
    assert [item["staff_id"] for item in listed.json()["items"]] == [
        "C1",
        "C2",
        "F1",
        "F2",
        "J1",
        "J2",
    ]


async def test_one_bad_row_writes_nothing_and_every_bad_row_is_named(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    office = await _office(people, workspaces, 12)
    p = office.people
    await workspaces.create_staff(office.slug, office.admin, p[0], "TAKEN")
    stranger = await people.register()
    rows: list[dict[str, Any]] = [
        {"staff_id": "OK1", "user_id": str(p[1].id)},
        {"staff_id": "lower", "user_id": str(p[2].id)},  # 1: format
        {"staff_id": "OK3", "email": stranger.email},  # 2: not a member
        {"staff_id": "OK4", "user_id": str(p[4].id), "department_code": "NOPE"},  # 3
        {"staff_id": "OK1", "user_id": str(p[5].id)},  # 4: staff id repeated in the file
        {"staff_id": "TAKEN", "user_id": str(p[6].id)},  # 5: staff id taken
        {"staff_id": "OK7", "user_id": str(p[0].id)},  # 6: has a profile
        {"staff_id": "OK8", "user_id": str(p[1].id)},  # 7: member repeated in the file
        {"staff_id": "OK9"},  # 8: nobody named
        {
            "staff_id": "OK10",
            "user_id": str(p[9].id),
            "date_of_joining": "2024-02-01",
            "date_of_leaving": "2024-01-01",
        },  # 9
        {"staff_id": "OK11", "user_id": str(p[10].id), "email": p[11].email},  # 10: disagree
        {"staff_id": "OK12", "user_id": str(p[11].id), "phone": "x", "shoe_size": 44},  # 11
        {"staff_id": "OK13", "user_id": str(p[3].id)},
    ]
    profiles_before = await _count(sessionmaker, StaffProfile.__table__)
    events_before = await _count(sessionmaker, messaging.outbox)
    response = await client.post(
        f"{office.url}/bulk-import", json=rows, headers=office.admin.headers
    )
    body = assert_problem(response, 422, "validation_failed")
    assert {error["field"] for error in body["errors"]} == {
        "rows[1].staff_id",
        "rows[2].email",
        "rows[3].department_code",
        "rows[4].staff_id",
        "rows[5].staff_id",
        "rows[6].user_id",
        "rows[7].user_id",
        "rows[8].user_id",
        "rows[9].date_of_leaving",
        "rows[10].email",
        "rows[11].phone",
        "rows[11].shoe_size",
    }
    repeated = [e["message"] for e in body["errors"] if e["field"] == "rows[4].staff_id"]
    assert repeated == ["repeats rows[0].staff_id"]
    assert await _count(sessionmaker, StaffProfile.__table__) == profiles_before
    assert await _count(sessionmaker, messaging.outbox) == events_before

    # The same as CSV: a duplicate staff id inside the file, and a row too long.
    as_csv = f"staff_id,user_id\r\nD1,{p[1].id}\r\nD1,{p[2].id}\r\nD3,{p[3].id},surplus\r\n"
    from_csv = await client.post(
        f"{office.url}/bulk-import",
        content=as_csv.encode(),
        headers={**office.admin.headers, "Content-Type": "text/csv"},
    )
    body = assert_problem(from_csv, 422, "validation_failed")
    assert {error["field"] for error in body["errors"]} == {"rows[1].staff_id", "rows[2]"}
    assert await _count(sessionmaker, StaffProfile.__table__) == profiles_before


async def test_what_an_import_refuses_as_a_whole(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    office = await _office(people, workspaces, 1)
    headers = office.admin.headers
    url = f"{office.url}/bulk-import"
    csv_headers = {**headers, "Content-Type": "text/csv"}
    assert_problem(
        await client.post(url, content=b"staff_id,shoe_size\r\nA,1\r\n", headers=csv_headers),
        422,
        "validation_failed",
        fields={"columns"},
    )
    assert_problem(
        await client.post(url, content=b"", headers=csv_headers),
        422,
        "validation_failed",
        fields={"columns"},
    )
    assert_problem(
        await client.post(url, json=[], headers=headers), 422, "validation_failed", fields={"rows"}
    )
    too_many = [{"staff_id": f"X{n}", "email": "x@example.com"} for n in range(5001)]
    assert_problem(await client.post(url, json=too_many, headers=headers), 413, "too_many_rows")
    assert_problem(
        await client.post(
            url, content=b"<staff/>", headers={**headers, "Content-Type": "application/xml"}
        ),
        415,
        "unsupported_media_type",
    )
    for malformed in (b"[{", b'{"staff_id": "A"}', b"\xff\xfe"):
        response = await client.post(
            url, content=malformed, headers={**headers, "Content-Type": "application/json"}
        )
        assert_problem(response, 400, "malformed_body")
    assert_problem(
        await client.post(url, files={"upload": ("a.csv", b"staff_id\r\n")}, headers=headers),
        422,
        "validation_failed",
        fields={"file"},
    )


async def test_imports_honour_idempotency_keys(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    office = await _office(people, workspaces, 2)
    headers = {**office.admin.headers, "Idempotency-Key": "import-1"}
    rows = [{"staff_id": "A1", "user_id": str(office.people[0].id)}]
    first = await client.post(f"{office.url}/bulk-import", json=rows, headers=headers)
    again = await client.post(f"{office.url}/bulk-import", json=rows, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other = [{"staff_id": "B1", "user_id": str(office.people[1].id)}]
    assert_problem(
        await client.post(f"{office.url}/bulk-import", json=other, headers=headers),
        422,
        "idempotency_key_reused",
    )


async def test_the_export_is_csv_that_imports_again(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    office = await _office(people, workspaces, 3)
    bob, cy, dee = office.people
    headers = office.admin.headers
    await workspaces.create_staff(
        office.slug,
        office.admin,
        bob,
        "B1",
        department_id=office.department["id"],
        position='Lead, "platform"',
        phone="+1 (555) 0100",
        date_of_joining="2024-01-15",
        notes="Line one\nline two",
        skills=["Python", "=SUM(A1)"],
    )
    await workspaces.create_staff(
        office.slug, office.admin, cy, "C1", employment_status="probation", skills=["-Go"]
    )
    await workspaces.create_staff(
        office.slug, office.admin, dee, "D1", employment_status="resigned"
    )

    export = await client.get(
        f"{office.url}/export", params={"employment_status": "active"}, headers=headers
    )
    assert export.status_code == 200, export.text
    assert export.headers["content-type"].startswith("text/csv")
    assert "attachment" in export.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(export.text, newline="")))
    assert rows == [
        {
            "staff_id": "B1",
            "user_id": str(bob.id),
            "email": bob.email,
            "display_name": "Person 0",
            "department_code": "ENG",
            "position": 'Lead, "platform"',
            "job_grade": "",
            # Neutralised like every cell a spreadsheet could take for a formula.
            "phone": "'+1 (555) 0100",
            "date_of_joining": "2024-01-15",
            "date_of_leaving": "",
            "employment_status": "active",
            "is_department_manager": "false",
            "notes": "Line one\nline two",
            # One cell; neutralised as a whole only where it starts like a formula.
            "skills": "Python; =SUM(A1)",
        }
    ]

    everyone = await client.get(f"{office.url}/export", headers=headers)
    assert "'-Go" in everyone.text
    listed = (await client.get(office.url, headers=headers)).json()["items"]
    assert [item["skills"] for item in listed] == [["Python", "=SUM(A1)"], ["-Go"], []]
    assert [row["staff_id"] for row in csv.DictReader(io.StringIO(everyone.text))] == [
        "B1",
        "C1",
        "D1",
    ]
    # Round trip: delete everyone, import the export, and the profiles are as they were.
    for item in listed:
        assert (
            await client.delete(f"{office.url}/{item['id']}", headers=headers)
        ).status_code == 204
    reimported = await client.post(
        f"{office.url}/bulk-import",
        content=everyone.content,
        headers={**headers, "Content-Type": "text/csv"},
    )
    assert reimported.status_code == 201, reimported.text
    again = (await client.get(office.url, headers=headers)).json()["items"]
    volatile = {"id", "version", "created_at", "updated_at"}

    def stable(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in item.items() if k not in volatile} for item in items]

    assert stable(again) == stable(listed)


async def test_the_export_neutralises_formulas_and_the_import_restores_them(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    admin = await people.register("Ada")
    slug = (await workspaces.create(admin))["slug"]
    sneaky = await people.register('=HYPERLINK("https://evil.example")')
    await workspaces.add_member(slug, admin, sneaky)
    url = f"{API}/workspaces/{slug}/staff"
    details = {
        "position": "@SUM(A1:A9)",
        "job_grade": "-2+3",
        "phone": "+44 20 7946 0000",
        "notes": "=1+1\n'=kept as typed",
    }
    await workspaces.create_staff(slug, admin, sneaky, "S1", **details)
    quoted = await workspaces.create_staff(
        slug, admin, await _member(people, workspaces, slug, admin), "S2", notes="'quoted"
    )

    export = await client.get(f"{url}/export", headers=admin.headers)
    rows = {row["staff_id"]: row for row in csv.DictReader(io.StringIO(export.text, newline=""))}
    assert rows["S1"]["display_name"] == '\'=HYPERLINK("https://evil.example")'
    assert rows["S1"]["position"] == "'@SUM(A1:A9)"
    assert rows["S1"]["job_grade"] == "'-2+3"
    assert rows["S1"]["phone"] == "'+44 20 7946 0000"
    assert rows["S1"]["notes"] == "'=1+1\n'=kept as typed"
    # A leading apostrophe of the value itself is doubled, so that the import keeps it.
    assert rows["S2"]["notes"] == "''quoted"
    for cell in (cell for row in rows.values() for cell in row.values()):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))

    listed = (await client.get(url, headers=admin.headers)).json()["items"]
    for item in listed:
        await client.delete(f"{url}/{item['id']}", headers=admin.headers)
    reimported = await client.post(
        f"{url}/bulk-import",
        content=export.content,
        headers={**admin.headers, "Content-Type": "text/csv"},
    )
    assert reimported.status_code == 201, reimported.text
    again = {
        item["staff_id"]: item
        for item in (await client.get(url, headers=admin.headers)).json()["items"]
    }
    assert {key: again["S1"][key] for key in details} == details
    assert again["S2"]["notes"] == quoted["notes"] == "'quoted"


async def _member(
    people: People, workspaces: Workspaces, slug: str, admin: SeededUser
) -> SeededUser:
    member = await people.register("Bea")
    await workspaces.add_member(slug, admin, member)
    return member


async def test_an_import_too_big_or_too_deep_is_refused_not_a_server_error(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    office = await _office(people, workspaces, 1)
    url = f"{office.url}/bulk-import"
    csv_headers = {**office.admin.headers, "Content-Type": "text/csv"}
    json_headers = {**office.admin.headers, "Content-Type": "application/json"}

    long_field = b"staff_id,notes\r\nA1," + b"x" * 200_000 + b"\r\n"
    assert_problem(
        await client.post(url, content=long_field, headers=csv_headers),
        422,
        "validation_failed",
        fields={"rows[0]"},
    )
    quoted_forever = b'staff_id,notes\r\nA1,"' + b"x" * 200_000
    assert_problem(
        await client.post(url, content=quoted_forever, headers=csv_headers),
        422,
        "validation_failed",
        fields={"rows[0]"},
    )
    deep = b"[" * 100_000 + b"]" * 100_000
    assert_problem(
        await client.post(url, content=deep, headers=json_headers),
        422,
        "validation_failed",
        fields={"rows"},
    )
    nested_row = b'[{"staff_id": "A1", "notes": ' + b"[" * 5_000 + b"]" * 5_000 + b"}]"
    assert_problem(
        await client.post(url, content=nested_row, headers=json_headers),
        422,
        "validation_failed",
        fields={"rows"},
    )
    shallower = b'[{"staff_id": "A1", "notes": ' + b"[" * 900 + b"]" * 900 + b"}]"
    assert_problem(
        await client.post(
            url, content=shallower, headers={**json_headers, "Idempotency-Key": "deep-1"}
        ),
        422,
        "validation_failed",
        fields={"rows[0].notes"},
    )
    deep_file = {"file": ("staff.json", deep, "application/json")}
    assert_problem(
        await client.post(url, files=deep_file, headers=office.admin.headers),
        422,
        "validation_failed",
        fields={"rows"},
    )
    huge = b"staff_id,notes\r\n" + b"A1,note\r\n" * 2_500_000
    assert_problem(await client.post(url, content=huge, headers=csv_headers), 413, "body_too_large")
