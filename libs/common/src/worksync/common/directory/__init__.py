"""The membership and project directory every service other than workspace keeps.

A local projection of workspaces (slug -> id), memberships with their roles, projects and
project memberships, fed by `workspace.*` events, from which a service authorises
requests without a network call; on a miss it asks the workspace API once with the
caller's token (see `access` for the rule). A service wires it in three places:

- `tables.define_directory_tables(Base.metadata)` beside its models (its migrations create them);
- `handlers.directory_handlers(tables)` in its worker's event consumer;
- `create_service_app(directory_tables=...)` builds the `access.Directory` at
  `app.state.directory`; endpoints take the role guards of `dependencies` (`WorkspaceMember`,
  `ProjectAdmin`, …) and services the `DirectoryDep`.
"""

from worksync.common.directory.access import (
    Directory,
    DirectoryProject,
    ProjectNotFound,
    WorkspaceNotFound,
    ensure_role,
)
from worksync.common.directory.dependencies import (
    DIRECTORY_ERRORS,
    VIEWER_ERRORS,
    DirectoryDep,
    ProjectAdmin,
    ProjectContext,
    ProjectMember,
    ProjectSetUp,
    ProjectViewer,
    WorkspaceAdmin,
    WorkspaceContext,
    WorkspaceGuest,
    WorkspaceMember,
    project_context,
    workspace_context,
)
from worksync.common.directory.handlers import directory_handlers, merge_handlers
from worksync.common.directory.store import (
    READER_ID,
    READER_WORKSPACE_ID,
    DirectoryMembership,
    ReaderIds,
    projects_seen_by,
    reader_values,
)
from worksync.common.directory.tables import DirectoryTables, define_directory_tables
from worksync.common.directory.workspace_api import DirectoryUnavailable
from worksync.common.roles import ProjectRole, ProjectVisibility, WorkspaceRole

__all__ = [
    "DIRECTORY_ERRORS",
    "READER_ID",
    "READER_WORKSPACE_ID",
    "VIEWER_ERRORS",
    "Directory",
    "DirectoryDep",
    "DirectoryMembership",
    "DirectoryProject",
    "DirectoryTables",
    "DirectoryUnavailable",
    "ProjectAdmin",
    "ProjectContext",
    "ProjectMember",
    "ProjectNotFound",
    "ProjectRole",
    "ProjectSetUp",
    "ProjectViewer",
    "ProjectVisibility",
    "ReaderIds",
    "WorkspaceAdmin",
    "WorkspaceContext",
    "WorkspaceGuest",
    "WorkspaceMember",
    "WorkspaceNotFound",
    "WorkspaceRole",
    "define_directory_tables",
    "directory_handlers",
    "ensure_role",
    "merge_handlers",
    "project_context",
    "projects_seen_by",
    "reader_values",
    "workspace_context",
]
