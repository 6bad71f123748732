"""Every operation of a service's API, read from its OpenAPI document, for tests that must
cover each route (tenancy, roles) the moment it exists."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from fastapi import FastAPI

API = "/api/v1"
WORKSPACE_SCOPED = f"{API}/workspaces/{{ws}}"
PARAMETER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class ApiOperation:
    method: str
    template: str  # below /api/v1, e.g. /workspaces/{ws}/allocations/{allocation_id}
    parameters: tuple[str, ...]  # in path order, `ws` first
    has_body: bool

    def url(self, slug: str, ids: dict[str, str]) -> str:
        """The operation's URL in workspace `slug`, with `ids` for the other parameters."""
        path = self.template.replace("{ws}", slug)
        for name in self.parameters[1:]:
            path = path.replace(f"{{{name}}}", ids[name])
        return API + path


def api_operations(
    app: FastAPI, *, unscoped: Collection[tuple[str, str]] = ()
) -> list[ApiOperation]:
    """Every operation under /api/v1; each must be workspace-scoped unless listed in
    `unscoped` as (METHOD, path)."""
    found: list[ApiOperation] = []
    for path, item in app.openapi()["paths"].items():
        if not path.startswith(API):
            continue
        for method, operation in item.items():
            if (method.upper(), path) in unscoped:
                continue
            assert path.startswith(WORKSPACE_SCOPED), f"{method.upper()} {path} is unscoped"
            found.append(
                ApiOperation(
                    method=method.upper(),
                    template=path.removeprefix(API),
                    parameters=tuple(PARAMETER.findall(path)),
                    has_body="requestBody" in operation,
                )
            )
    return found
