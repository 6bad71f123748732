"""The README documents every setting the services read."""

from __future__ import annotations

import re

from pydantic_settings import BaseSettings

from scripts.system import ROOT
from worksync.common.config import CommonSettings
from worksync.gateway.config import GatewaySettings
from worksync.identity.config import IdentitySettings
from worksync.resources.config import ResourcesSettings
from worksync.timetracking.config import TimetrackingSettings
from worksync.work_items.config import WorkItemsSettings
from worksync.workspace.config import WorkspaceSettings

SERVICE_SETTINGS: dict[str, type[BaseSettings]] = {
    "IDENTITY_": IdentitySettings,
    "WORKSPACE_": WorkspaceSettings,
    "WORK_ITEMS_": WorkItemsSettings,
    "TIMETRACKING_": TimetrackingSettings,
    "RESOURCES_": ResourcesSettings,
    "GATEWAY_": GatewaySettings,
}


def _documented() -> set[str]:
    return set(re.findall(r"`([A-Z][A-Z0-9_]+)`", (ROOT / "README.md").read_text()))


def test_every_shared_setting_is_documented() -> None:
    missing = {f"WORKSYNC_{name.upper()}" for name in CommonSettings.model_fields} - _documented()
    assert not missing, f"README.md lacks {sorted(missing)}"


def test_every_service_setting_is_documented() -> None:
    documented = _documented()
    for prefix, settings in SERVICE_SETTINGS.items():
        own = set(settings.model_fields) - set(CommonSettings.model_fields)
        missing = {f"{prefix}{name.upper()}" for name in own} - documented
        assert not missing, f"README.md lacks {sorted(missing)}"
