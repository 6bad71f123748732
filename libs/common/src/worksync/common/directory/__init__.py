"""The membership and project directory every service other than workspace keeps.

A local projection of workspaces (slug -> id), memberships with their roles, projects and
project memberships, fed by `workspace.*` events, from which a service authorises
requests without a network call; on a miss it asks the workspace API once with the
caller's token (see `access` for the rule). A service wires it in three places:

- `tables.directory_tables(Base.metadata)` beside its models (its migrations create them);
- `handlers.directory_handlers(tables)` in its worker's event consumer;
- `access.Directory(tables, http_client, workspace_api_url)` at `app.state.directory`,
  and the `dependencies` in its endpoints.
"""

from worksync.common.directory.access import (
    Directory,
    InsufficientRole,
    ProjectAccess,
    ProjectNotFound,
    WorkspaceNotFound,
    ensure_role,
)
from worksync.common.directory.dependencies import (
    DIRECTORY_ERRORS,
    ProjectContext,
    WorkspaceContext,
    project_context,
    workspace_context,
)
from worksync.common.directory.handlers import directory_handlers, merge_handlers
from worksync.common.directory.roles import Membership, ProjectRole, WorkspaceRole
from worksync.common.directory.tables import DirectoryTables, directory_tables
from worksync.common.directory.workspace_api import DirectoryUnavailable

__all__ = [
    "DIRECTORY_ERRORS",
    "Directory",
    "DirectoryTables",
    "DirectoryUnavailable",
    "InsufficientRole",
    "Membership",
    "ProjectAccess",
    "ProjectContext",
    "ProjectNotFound",
    "ProjectRole",
    "WorkspaceContext",
    "WorkspaceNotFound",
    "WorkspaceRole",
    "directory_handlers",
    "directory_tables",
    "ensure_role",
    "merge_handlers",
    "project_context",
    "workspace_context",
]
