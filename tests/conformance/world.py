"""The data the checks run against: each person's workspace, what the suite made in it, and
how an operation's path is filled with real ids from it.

Path ids are found the way a client finds them: the id of `/projects/{pid}` is taken from
what the suite created at `/projects`, else from the first item that `GET /projects` lists.
An id nothing provides is a fresh random one (the check then runs against "absent").
"""

from __future__ import annotations

import random
import string
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from .client import Gateway, Person, expect, unique
from .openapi import PATH_PARAMETER, WORKSPACE_PARAMETER, Operation, example, operations

# Timed entries the suite records, on one day before today, never overlapping; each lasts
# some minutes and 17 seconds, so that rounding has something to round.
ENTRY_COUNT = 5
ENTRY_MINUTES = (25, 40, 55, 70, 85)
# Body members that name a person: the tenant's owner is the one person always there.
PEOPLE = {"user_id", "lead_id", "assignee_id", "owner_id", "manager_id"}
# Body members that name something in the workspace, and where that is listed.
REFERENCES = {
    "project_id": "/api/v1/workspaces/{ws}/projects/{pid}",
    "issue_id": "/api/v1/workspaces/{ws}/projects/{pid}/issues/{iid}",
    "label_id": "/api/v1/workspaces/{ws}/projects/{pid}/labels/{label_id}",
    "state_id": "/api/v1/workspaces/{ws}/projects/{pid}/states/{state_id}",
    "milestone_id": "/api/v1/workspaces/{ws}/projects/{pid}/milestones/{milestone_id}",
    "client_id": "/api/v1/workspaces/{ws}/clients/{client_id}",
    "category_id": "/api/v1/workspaces/{ws}/project-categories/{category_id}",
    "team_id": "/api/v1/workspaces/{ws}/teams/{team_id}",
    "department_id": "/api/v1/workspaces/{ws}/departments/{department_id}",
}


def collection_key(template: str) -> str:
    """A collection's template with parameter names dropped (`{pid}` and `{project_id}` of
    two services name the same thing)."""
    return PATH_PARAMETER.sub("{}", template)


def identifier() -> str:
    return "".join(random.choices(string.ascii_uppercase, k=8))


class Tenant:
    """One person's workspace and the ids of what is in it."""

    def __init__(
        self, gateway: Gateway, owner: Person, document: dict[str, Any], slug: str
    ) -> None:
        self.gateway = gateway
        self.owner = owner
        self.document = document
        self.slug = slug
        self.operations = {(op.method, op.path): op for op in operations(document)}
        # collection key -> ids made or seen there, oldest first.
        self.known: dict[str, list[str]] = {}

    # --- paths -------------------------------------------------------------------------

    def fill(self, template: str, *, slug: str | None = None, absent: bool = False) -> str:
        """`template` with the workspace (`slug`, by default this tenant's) and ids from
        this tenant (`absent`: ids of nothing)."""
        filled = template
        for name in PATH_PARAMETER.findall(template):
            if name == WORKSPACE_PARAMETER:
                value = slug or self.slug
            elif absent:
                value = self._absent(template, name)
            else:
                value = self.id_for(template, name)
            filled = filled.replace("{" + name + "}", quote(value, safe=""), 1)
        return filled

    def id_for(self, template: str, name: str) -> str:
        """The id for parameter `name` of `template`: one made or listed at its collection."""
        prefix = template[: template.index("{" + name + "}")].rstrip("/")
        key = collection_key(prefix)
        if not self.known.get(key):
            self.known[key] = self._listed(prefix, name)
        if self.known[key]:
            return self.known[key][0]
        return self._absent(template, name)

    def _listed(self, prefix: str, name: str) -> list[str]:
        """The ids `GET prefix` lists first (`name`, or `id`, of each item)."""
        if not any(
            method == "get" and collection_key(path) == collection_key(prefix)
            for method, path in self.operations
        ):
            return []
        listed = self.gateway.request("GET", self.fill(prefix), token=self.owner.token)
        if listed.status_code != 200:
            return []
        body = listed.json()
        items = body.get("items", []) if isinstance(body, dict) else body
        if not isinstance(items, list):
            return []
        return [
            str(item.get(name, item.get("id")))
            for item in items
            if isinstance(item, dict) and (name in item or "id" in item)
        ]

    def _absent(self, template: str, name: str) -> str:
        """A value of the parameter's type that names nothing."""
        for op in self.operations.values():
            if op.path == template and (parameter := op.parameter(name, "path")) is not None:
                return str(example(self.document, parameter.get("schema", {})))
        return str(uuid.uuid4())

    def body_for(self, operation: Operation) -> Any:
        """A body for `operation` whose references name this tenant's things."""
        body = operation.request_body()
        if not isinstance(body, dict):
            return body
        filled = dict(body)
        for name in filled:
            if name in PEOPLE:
                filled[name] = self.owner.id
            elif name in REFERENCES:
                template = REFERENCES[name]
                filled[name] = self.id_for(template, PATH_PARAMETER.findall(template)[-1])
        return filled

    # --- writes --------------------------------------------------------------------------

    def create(self, template: str, body: dict[str, Any], *, id_key: str = "id") -> Any:
        """POST `body` (over the schema's minimal example) to a collection; remembers the id."""
        op = self.operations[("post", template)]
        schema = op.request_schema
        base = example(self.document, schema) if schema is not None else {}
        sent = {**base, **body} if isinstance(base, dict) else body
        created = expect(
            self.gateway.request("POST", self.fill(template), token=self.owner.token, json=sent),
            200,
            201,
        )
        if isinstance(created, dict) and id_key in created:
            self.known.setdefault(collection_key(template), []).append(str(created[id_key]))
        return created


def create_workspace(gateway: Gateway, owner: Person, document: dict[str, Any]) -> Tenant:
    slug = unique("ws")
    expect(
        gateway.request(
            "POST",
            "/api/v1/workspaces",
            token=owner.token,
            json={"slug": slug, "name": f"Conformance {slug}"},
        ),
        201,
    )
    return Tenant(gateway, owner, document, slug)


def past_entries(days_back: int = 3) -> list[tuple[datetime, datetime]]:
    """Non-overlapping timed intervals on one day before today, whole seconds, in UTC."""
    day = datetime.combine(date.today() - timedelta(days=days_back), datetime.min.time(), UTC)
    start = day + timedelta(hours=8)
    intervals = []
    for minutes in ENTRY_MINUTES[:ENTRY_COUNT]:
        end = start + timedelta(minutes=minutes, seconds=17)
        intervals.append((start, end))
        start = end + timedelta(minutes=10)
    return intervals


def rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def seed(tenant: Tenant) -> dict[str, Any]:
    """What every check finds in the first person's workspace: a project with issues,
    labels, a comment, a relation and a worklog; clients; timed entries. Returns the ids
    the time checks read."""
    ws = "/api/v1/workspaces/{ws}"
    project = tenant.create(f"{ws}/projects", {"identifier": identifier(), "name": unique("p")})
    for _ in range(ENTRY_COUNT):
        tenant.create(f"{ws}/clients", {"name": unique("client")})
    pid = f"{ws}/projects/{{pid}}"
    for _ in range(ENTRY_COUNT):
        tenant.create(f"{pid}/labels", {"name": unique("label")})
    issues = [tenant.create(f"{pid}/issues", {"title": unique("issue")}) for _ in range(3)]
    iid = f"{pid}/issues/{{iid}}"
    tenant.create(f"{iid}/comments", {"body": "A comment the conformance suite wrote"})
    tenant.create(f"{iid}/relations", {"type": "blocks", "issue_id": issues[1]["id"]})
    tenant.create(f"{iid}/worklogs", {"duration_minutes": 30, "description": "conformance"})
    board = tenant.create(f"{pid}/boards", {"name": unique("board")})
    tenant.known[collection_key(f"{pid}/boards/{{board_id}}/columns")] = [
        str(column["id"]) for column in board.get("columns", [])
    ]
    tenant.create(f"{pid}/milestones", {"title": unique("milestone")})
    tenant.create(f"{pid}/milestones/{{milestone_id}}/deliverables", {"title": unique("d")})
    tenant.create(f"{ws}/teams", {"name": unique("team")})
    tenant.create(f"{ws}/teams/{{team_id}}/members", {"user_id": tenant.owner.id}, id_key="user_id")
    tenant.create(f"{ws}/departments", {"name": unique("department")})
    tenant.create(f"{ws}/staff", {"user_id": tenant.owner.id})
    for collection in ("project-categories", "milestone-templates", "templates"):
        tenant.create(
            f"{ws}/{collection}", tenant.body_for(tenant.operations[("post", f"{ws}/{collection}")])
        )
    tenant.known[collection_key("/api/v1/users")] = [tenant.owner.id]
    entries = [
        tenant.create(
            f"{ws}/time-entries",
            {
                "project_id": project["id"],
                "started_at": rfc3339(start),
                "ended_at": rfc3339(end),
                "description": unique("entry"),
                "billable": True,
            },
        )
        for start, end in past_entries()
    ]
    return {"project": project, "issues": issues, "entries": entries}


def seed_allocation(tenant: Tenant) -> None:
    """An allocation of the owner, once their capacity profile exists (an event makes it)."""
    template = "/api/v1/workspaces/{ws}/allocations"
    tenant.create(template, tenant.body_for(tenant.operations[("post", template)]))
