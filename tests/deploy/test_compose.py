"""The Compose file runs what the repository builds, in an order that can start."""

from __future__ import annotations

import os
import re
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


OBSERVABILITY = ROOT / "deploy" / "observability"
DOCKERIGNORE = ROOT / ".dockerignore"
# `${NAME:?message}`: Compose refuses to start when NAME is unset.
REQUIRED_VARIABLE = re.compile(r"^\$\{([A-Z0-9_]+):\?[^}]*\}$")
SECRET_KEY = re.compile(r"(SECRET|PASSWORD|_PASS)$")
URL_CREDENTIALS = re.compile(r"^[a-z+]+://(?P<user>[^:@/]+):(?P<password>\$\{[^}]+\})@")


def _environment(service: dict[str, Any]) -> dict[str, str]:
    environment: dict[str, str] = service.get("environment", {})
    return environment


def _long_running(services: dict[str, Any]) -> dict[str, Any]:
    return {n: s for n, s in services.items() if not n.endswith("-migrate")}


def test_no_secret_is_written_into_the_file() -> None:
    for name, service in _compose()["services"].items():
        for key, value in _environment(service).items():
            if SECRET_KEY.search(key):
                assert REQUIRED_VARIABLE.match(value), f"{name}: {key} is not from the environment"
            credentials = URL_CREDENTIALS.match(value)
            if "://" in value and "@" in value:
                assert credentials, f"{name}: {key} carries a password that is not a variable"
                assert REQUIRED_VARIABLE.match(credentials["password"]), f"{name}: {key}"


def test_services_connect_as_their_own_role_and_only_migrations_as_the_superuser() -> None:
    services = _compose()["services"]
    for service in SERVICES:
        prefix = service.env_prefix
        migrate = _environment(services[f"{service.name}-migrate"])
        admin = URL_CREDENTIALS.match(migrate[f"{prefix}_DATABASE_URL"])
        assert admin
        assert admin["user"] == "postgres"
        role = migrate[f"{prefix}_DB_ROLE"]
        assert role != "postgres"
        password = migrate[f"{prefix}_DB_PASSWORD"]
        for process in (service.name, f"{service.name}-worker"):
            environment = _environment(services[process])
            own = URL_CREDENTIALS.match(environment[f"{prefix}_DATABASE_URL"])
            assert own, process
            assert (own["user"], own["password"]) == (role, password), process
            assert "WORKSYNC_DATABASE_URL" not in environment, process
    for name, service in services.items():
        for key, value in _environment(service).items():
            credentials = URL_CREDENTIALS.match(value)
            if credentials and credentials["user"] == "postgres":
                assert name.endswith("-migrate"), f"{name} connects as the superuser ({key})"


def test_secrets_reach_only_the_processes_that_use_them() -> None:
    holders: dict[str, set[str]] = {
        "WORKSYNC_INTERNAL_SECRET": {"identity", "identity-worker", "gateway"},
        "IDENTITY_KEY_ENCRYPTION_SECRET": {"identity", "identity-worker"},
    }
    services = _compose()["services"]
    for variable, expected in holders.items():
        found = {name for name, service in services.items() if variable in _environment(service)}
        assert found == expected, variable
    assert "WORKSYNC_AMQP_URL" not in _environment(services[GATEWAY.name])
    for service in SERVICES:
        assert "WORKSYNC_AMQP_URL" not in _environment(services[f"{service.name}-migrate"])


def test_restart_policies_healthchecks_and_conditions() -> None:
    services = _compose()["services"]
    for name, service in services.items():
        if name.endswith("-migrate"):
            assert service["restart"] == "no", name
        else:
            assert service["restart"] == "unless-stopped", name
        for dependency, condition in service.get("depends_on", {}).items():
            assert set(condition) == {"condition"}, f"{name} -> {dependency}"
            wanted = services[dependency].get("healthcheck", {})
            if condition["condition"] == "service_healthy":
                assert "test" in wanted, f"{name} waits for {dependency}, which has no check"
    for name in ("postgres", "rabbitmq", GATEWAY.name, *(s.name for s in SERVICES)):
        check = services[name]["healthcheck"]
        assert check["test"][0] == "CMD", name
        assert check["retries"] > 0
    for service in SERVICES:
        check = " ".join(services[service.name]["healthcheck"]["test"])
        assert f"127.0.0.1:{service.default_port}/readyz" in check
        # The image's check asks the API port; workers and migrations have none.
        for process in (f"{service.name}-worker", f"{service.name}-migrate"):
            assert services[process]["healthcheck"] == {"disable": True}, process
        assert services[service.name]["depends_on"]["postgres"] == {"condition": "service_healthy"}
        assert services[service.name]["depends_on"]["rabbitmq"] == {"condition": "service_healthy"}
    gateway_waits = services[GATEWAY.name]["depends_on"]
    assert gateway_waits == {s.name: {"condition": "service_healthy"} for s in SERVICES}


def test_third_party_images_are_pinned_and_ours_built_per_service() -> None:
    services = _compose()["services"]
    for name, service in services.items():
        args = _build_args(service)
        if args:
            directory = ROOT / args["SERVICE_DIR"]
            assert (directory / "pyproject.toml").exists(), name
            part = next(p for p in (*SERVICES, GATEWAY) if p.module == args["MODULE"])
            assert args["PORT"] == str(part.default_port), name
            if part.migrations is not None:
                assert part.migrations.parent == directory, name
            continue
        tag = service["image"].partition(":")[2]
        assert re.fullmatch(r"v?\d+\.\d+(\.\d+)?(-[a-z-]+)?", tag), f"{name}: {tag!r} is not exact"


def test_the_observability_profile_brings_a_collector_and_prometheus() -> None:
    services = _compose()["services"]
    profiled = {name for name, s in services.items() if "observability" in s.get("profiles", [])}
    images = {services[name]["image"].split(":")[0] for name in profiled}
    assert images == {"otel/opentelemetry-collector-contrib", "prom/prometheus"}
    for name in profiled:
        for volume in services[name].get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (COMPOSE.parent / source).is_file(), f"{name}: {source} is missing"
    collector = yaml.safe_load((OBSERVABILITY / "otel-collector.yaml").read_text())
    assert "otlp" in collector["receivers"]
    pipelines = collector["service"]["pipelines"]
    assert pipelines["metrics"]["exporters"] == ["prometheus"]
    exporter_port = collector["exporters"]["prometheus"]["endpoint"].rsplit(":", 1)[1]
    prometheus = yaml.safe_load((OBSERVABILITY / "prometheus.yml").read_text())
    targets = {
        t
        for job in prometheus["scrape_configs"]
        for c in job["static_configs"]
        for t in c["targets"]
    }
    assert f"otel-collector:{exporter_port}" in targets
    for name, service in services.items():
        if name not in profiled:
            assert not set(service.get("depends_on", {})) & profiled, name


def test_dockerfile_is_multi_stage_pinned_non_root_and_checked() -> None:
    text = DOCKERFILE.read_text()
    assert len(re.findall(r"^FROM ", text, re.M)) >= 2
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", text, re.M)
    assert base
    assert re.fullmatch(r"python:3\.11\.\d+-slim(-[a-z]+)?(@sha256:[0-9a-f]{64})?", base[1])
    assert re.search(r"^USER 10001:10001$", text, re.M)
    assert re.search(r"^HEALTHCHECK ", text, re.M)
    for argument in ("PACKAGE", "MODULE", "SERVICE_DIR", "PORT"):
        assert re.search(rf"^ARG {argument}\b", text, re.M), argument
    # Only the chosen service's migrations, not every service's tree.
    assert "COPY --from=build /app/services" not in text


def test_dockerignore_keeps_secrets_tests_and_caches_out_of_the_context() -> None:
    patterns = {
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {"**/.git", "**/.venv", "**/.env", "**/tests", "**/__pycache__"} <= patterns
    assert "!deploy/smoke.py" in patterns
