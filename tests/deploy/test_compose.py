"""The Compose file runs what the repository builds, in an order that can start."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.system import GATEWAY, ROOT, SERVICES

COMPOSE = ROOT / "deploy" / "compose.yaml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"


def _compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return document


def _build_args(service: dict[str, Any]) -> dict[str, str]:
    args: dict[str, str] = service.get("build", {}).get("args", {})
    return args


def test_every_service_has_api_worker_and_migrations_in_compose() -> None:
    services = _compose()["services"]
    for service in SERVICES:
        assert service.name in services, f"{service.name} API missing"
        assert _build_args(services[service.name])["MODULE"] == service.module
        if service.has_worker:
            worker = services[f"{service.name}-worker"]
            assert worker["command"] == ["python", "-m", f"{service.module}.worker"]
        if service.migrations is not None:
            migrate = services[f"{service.name}-migrate"]
            ini = service.migrations.relative_to(ROOT).as_posix()
            assert migrate["command"] == ["alembic", "-c", ini, "upgrade", "head"]
            assert services[service.name]["depends_on"][f"{service.name}-migrate"] == {
                "condition": "service_completed_successfully"
            }
    gateway = services[GATEWAY.name]
    assert _build_args(gateway)["MODULE"] == GATEWAY.module
    enabled = gateway["environment"]["GATEWAY_ENABLED_UPSTREAMS"].split(",")
    assert sorted(enabled) == sorted(s.name for s in SERVICES)


def test_build_arguments_name_real_packages() -> None:
    services = _compose()["services"]
    for name, service in services.items():
        args = _build_args(service)
        if not args:
            continue
        package = args["PACKAGE"]
        module_dir = args["MODULE"].removeprefix("worksync.")
        candidates = [ROOT / "services" / module_dir.replace("_", "-"), ROOT / module_dir]
        found = [c for c in candidates if (c / "pyproject.toml").exists()]
        assert found, f"{name}: no package directory for {args['MODULE']}"
        assert f'name = "{package}"' in found[0].joinpath("pyproject.toml").read_text()
        assert (found[0] / "src" / "worksync" / module_dir).is_dir()


def test_dependencies_point_at_declared_services() -> None:
    services = _compose()["services"]
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown {dependency}"


def test_dockerfile_takes_the_arguments_compose_passes() -> None:
    text = DOCKERFILE.read_text()
    assert "ARG PACKAGE" in text
    assert "ARG MODULE" in text


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,
    reason="the docker compose client is not installed here",
)
def test_docker_compose_accepts_the_file() -> None:
    env = {
        **os.environ,
        "WORKSYNC_INTERNAL_SECRET": "x" * 32,
        "IDENTITY_KEY_ENCRYPTION_SECRET": "y" * 32,
    }
    result = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE), "config", "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(COMPOSE).parent,
    )
    assert result.returncode == 0, result.stderr
