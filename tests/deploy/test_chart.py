"""The Helm chart renders what scripts/system.py says WorkSync is, validly and locked down.

Checked with the real tools: helm (from a PyPI package, see `helm.py`) lints and renders the
chart with its default values and with a production-like values file, and every rendered
manifest is validated against the Kubernetes API schemas (kubernetes-validate). Each service
of scripts/system.py must have its API and worker Deployments, migration Job, Service, probes
and network policy, so a new service cannot be forgotten by the chart.
"""

from __future__ import annotations

import importlib
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml
from pydantic_settings import BaseSettings

from scripts.system import GATEWAY, ROOT, SERVICES, Service
from worksync.common.config import CommonSettings

from .helm import helm_binary

CHART = ROOT / "deploy" / "helm" / "worksync"
PRODUCTION_VALUES = CHART / "values-production.yaml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
RELEASE = "release"
FULLNAME = "release-worksync"

# Whose API each API's pods may be reached by, besides the gateway: every service reads
# identity's JWKS; the membership directory falls back to the workspace API; time tracking
# looks issues up at work-items.
CALLERS: dict[str, set[str]] = {
    "identity": {"workspace", "work-items", "timetracking", "resources"},
    "workspace": {"work-items", "timetracking", "resources"},
    "work-items": {"timetracking"},
    "timetracking": set(),
    "resources": set(),
}
# Which processes get which secret (environment variable -> Deployments that get it).
INTERNAL_SECRET_HOLDERS = {"identity", "identity-worker", "gateway"}
KEY_ENCRYPTION_SECRET_HOLDERS = {"identity", "identity-worker"}

Manifest = dict[str, Any]


@pytest.fixture(scope="module")
def helm() -> Path:
    return helm_binary()


def _run(helm: Path, *args: str) -> str:
    result = subprocess.run([str(helm), *args], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


def _render(helm: Path, values: Path | None) -> list[Manifest]:
    args = ["template", RELEASE, str(CHART), "--namespace", "worksync"]
    if values is not None:
        args += ["--values", str(values)]
    return [doc for doc in yaml.safe_load_all(_run(helm, *args)) if doc]


VALUE_FILES = {"default values": None, "production values": PRODUCTION_VALUES}


@pytest.fixture(scope="module", params=list(VALUE_FILES), ids=list(VALUE_FILES))
def manifests(request: pytest.FixtureRequest, helm: Path) -> list[Manifest]:
    return _render(helm, VALUE_FILES[request.param])


def _named(manifests: list[Manifest], kind: str) -> dict[str, Manifest]:
    return {m["metadata"]["name"]: m for m in manifests if m["kind"] == kind}


def _pod_spec(manifest: Manifest) -> dict[str, Any]:
    spec: dict[str, Any] = manifest["spec"]
    return spec if manifest["kind"] == "Pod" else spec["template"]["spec"]


def _pod_labels(manifest: Manifest) -> dict[str, str]:
    if manifest["kind"] == "Pod":
        labels: dict[str, str] = manifest["metadata"]["labels"]
        return labels
    template_labels: dict[str, str] = manifest["spec"]["template"]["metadata"]["labels"]
    return template_labels


def _workloads(manifests: list[Manifest]) -> Iterator[Manifest]:
    return (m for m in manifests if m["kind"] in ("Deployment", "Job", "Pod"))


def _container(manifest: Manifest) -> dict[str, Any]:
    (container,) = _pod_spec(manifest)["containers"]
    return dict(container)


def _api_name(service: Service) -> str:
    return f"{FULLNAME}-{service.name}"


def test_helm_lint_passes_with_default_and_production_values(helm: Path) -> None:
    _run(helm, "lint", "--strict", str(CHART))
    _run(helm, "lint", "--strict", str(CHART), "--values", str(PRODUCTION_VALUES))


def test_every_manifest_validates_against_the_kubernetes_schemas(
    manifests: list[Manifest],
) -> None:
    version = kubernetes_validate.latest_version()
    kinds = set()
    for manifest in manifests:
        kubernetes_validate.validate(manifest, version, strict=True)
        kinds.add(manifest["kind"])
    assert {"Deployment", "Service", "Job", "NetworkPolicy", "PodDisruptionBudget"} <= kinds
    assert {"HorizontalPodAutoscaler", "ConfigMap", "Pod"} <= kinds


def test_the_production_values_use_existing_secrets_and_an_ingress(helm: Path) -> None:
    manifests = _render(helm, PRODUCTION_VALUES)
    assert not _named(manifests, "Secret"), "production takes every secret from existing ones"
    (ingress,) = _named(manifests, "Ingress").values()
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == f"{FULLNAME}-gateway"
    referenced = {
        ref["name"]
        for workload in _workloads(manifests)
        for ref in _secret_refs(_container(workload))
    }
    assert referenced == {
        "worksync-postgres-admin",
        "worksync-rabbitmq",
        "worksync-internal",
        *(f"worksync-{service.name}" for service in SERVICES),
    }


def test_the_values_describe_every_service_of_the_system() -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    assert set(values["services"]) == {service.name for service in SERVICES}
    for service in SERVICES:
        described = values["services"][service.name]
        assert described["module"] == service.module
        assert described["envPrefix"] == service.env_prefix
        assert described["port"] == service.default_port
        assert described["worker"]["enabled"] == service.has_worker
        assert service.migrations is not None
        assert described["migrations"] == service.migrations.relative_to(ROOT).as_posix()
    assert values["gateway"]["module"] == GATEWAY.module
    assert values["gateway"]["port"] == GATEWAY.default_port


METRICS_PORT = 9000


def _assert_probes(container: dict[str, Any], port: int) -> None:
    assert container["ports"][0] == {"name": "http", "containerPort": port}
    assert container["livenessProbe"]["httpGet"] == {"path": "/livez", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}


def _assert_scraped(deployment: Manifest, port: int) -> None:
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(port)
    assert annotations["prometheus.io/path"] == "/metrics"


def _assert_worker_probed(worker: Manifest) -> None:
    """A worker has no API port: its monitoring port serves /metrics and /livez, which
    fails when its relay or consumer stalls."""
    container = _container(worker)
    assert container["ports"] == [{"name": "metrics", "containerPort": METRICS_PORT}]
    for probe in ("startupProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/livez", "port": "metrics"}
    assert "readinessProbe" not in container, "a worker takes no traffic"
    _assert_scraped(worker, METRICS_PORT)


def _assert_scaled_and_budgeted(manifests: list[Manifest], deployment: Manifest) -> None:
    name = deployment["metadata"]["name"]
    (hpa,) = (
        m
        for m in manifests
        if m["kind"] == "HorizontalPodAutoscaler" and m["spec"]["scaleTargetRef"]["name"] == name
    )
    assert hpa["spec"]["scaleTargetRef"]["kind"] == "Deployment"
    assert "replicas" not in deployment["spec"], "the HPA owns the replica count"
    budgets = [
        m
        for m in manifests
        if m["kind"] == "PodDisruptionBudget"
        and m["spec"]["selector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]
    ]
    assert len(budgets) == 1, name


def test_every_service_has_its_api_worker_migration_service_and_probes(
    manifests: list[Manifest],
) -> None:
    deployments = _named(manifests, "Deployment")
    jobs = _named(manifests, "Job")
    services = _named(manifests, "Service")
    for service in SERVICES:
        api = deployments[_api_name(service)]
        container = _container(api)
        assert container["command"] == ["python", "-m", service.module]
        assert container["image"].rsplit(":", 1)[0].endswith(f"/{service.name}")
        _assert_probes(container, service.default_port)
        assert len(container["ports"]) == 1, "an API serves /metrics on its own port"
        _assert_scraped(api, service.default_port)
        _assert_scaled_and_budgeted(manifests, api)
        (port,) = services[_api_name(service)]["spec"]["ports"]
        assert port["port"] == service.default_port
        assert (
            services[_api_name(service)]["spec"]["selector"]
            == (api["spec"]["selector"]["matchLabels"])
        )
        if service.has_worker:
            worker_deployment = deployments[f"{_api_name(service)}-worker"]
            worker = _container(worker_deployment)
            assert worker["command"] == ["python", "-m", f"{service.module}.worker"]
            assert worker["image"] == container["image"]
            _assert_worker_probed(worker_deployment)
        assert service.migrations is not None
        job = jobs[f"{_api_name(service)}-migrate"]
        ini = service.migrations.relative_to(ROOT).as_posix()
        assert _container(job)["command"] == ["alembic", "-c", ini, "upgrade", "head"]
        assert _container(job)["image"] == container["image"]
        hooks = job["metadata"]["annotations"]["helm.sh/hook"].split(",")
        assert sorted(hooks) == ["pre-install", "pre-upgrade"]
    gateway = deployments[f"{FULLNAME}-gateway"]
    assert _container(gateway)["command"] == ["python", "-m", GATEWAY.module]
    _assert_probes(_container(gateway), GATEWAY.default_port)
    # Its metrics on a port of their own: the public one never serves them.
    assert _container(gateway)["ports"][1:] == [{"name": "metrics", "containerPort": METRICS_PORT}]
    _assert_scraped(gateway, METRICS_PORT)
    _assert_scaled_and_budgeted(manifests, gateway)
    assert f"{FULLNAME}-gateway" in services
    expected = {_api_name(s) for s in SERVICES}
    expected |= {f"{_api_name(s)}-worker" for s in SERVICES if s.has_worker}
    assert set(deployments) == expected | {f"{FULLNAME}-gateway"}


def test_the_gateway_routes_to_every_service(manifests: list[Manifest]) -> None:
    config = _named(manifests, "ConfigMap")[f"{FULLNAME}-gateway-config"]["data"]
    assert config["GATEWAY_ENABLED_UPSTREAMS"].split(",") == sorted(s.name for s in SERVICES)
    for service in SERVICES:
        url = config[f"GATEWAY_{service.env_prefix}_URL"]
        assert url == f"http://{_api_name(service)}:{service.default_port}"


def test_secrets_that_the_migration_jobs_use_exist_before_them(helm: Path) -> None:
    manifests = _render(helm, None)
    secrets = _named(manifests, "Secret")
    for job in _named(manifests, "Job").values():
        job_weight = int(job["metadata"]["annotations"]["helm.sh/hook-weight"])
        for ref in _secret_refs(_container(job)):
            annotations = secrets[ref["name"]]["metadata"]["annotations"]
            assert set(annotations["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
            assert int(annotations["helm.sh/hook-weight"]) < job_weight
            assert ref["key"] in secrets[ref["name"]]["data"]


def _secret_refs(container: dict[str, Any]) -> list[dict[str, str]]:
    assert not any("secretRef" in source for source in container.get("envFrom", []))
    return [
        entry["valueFrom"]["secretKeyRef"]
        for entry in container.get("env", [])
        if "secretKeyRef" in entry.get("valueFrom", {})
    ]


def _env_names(container: dict[str, Any]) -> set[str]:
    return {entry["name"] for entry in container.get("env", [])}


def test_secrets_reach_only_the_processes_that_need_them(manifests: list[Manifest]) -> None:
    for workload in _workloads(manifests):
        name = workload["metadata"]["name"].removeprefix(f"{FULLNAME}-")
        container = _container(workload)
        names = _env_names(container)
        assert not any("secret" in volume for volume in _pod_spec(workload).get("volumes", []))
        assert ("WORKSYNC_INTERNAL_SECRET" in names) == (name in INTERNAL_SECRET_HOLDERS), name
        assert ("IDENTITY_KEY_ENCRYPTION_SECRET" in names) == (
            name in KEY_ENCRYPTION_SECRET_HOLDERS
        ), name
        refs = _secret_refs(container)
        if workload["kind"] == "Pod":
            assert refs == [], "the smoke test needs no secret"
            continue
        part = _pod_labels(workload)["worksync.dev/part"]
        component = _pod_labels(workload)["app.kubernetes.io/component"]
        keys = {ref["key"] for ref in refs}
        if component == "migrations":
            # The admin URL of its own database and its role's password; no broker.
            assert keys == {f"{part}-database-url", "db-password"}, name
        elif component == "gateway":
            assert keys == {"internal-secret"}, "the gateway needs no database or broker"
        else:
            assert {"database-url", "amqp-url"} <= keys, name
            assert not any(key.endswith("-database-url") for key in keys), "no admin URL"
            assert "db-password" not in keys, name
        service_secrets = {
            ref["name"] for ref in refs if ref["key"] in ("database-url", "db-password")
        }
        assert len(service_secrets) <= 1, f"{name} reads another service's database secret"


def _settings_class(module: str) -> type[CommonSettings]:
    config = importlib.import_module(f"{module}.config")
    (settings,) = (
        value
        for value in vars(config).values()
        if isinstance(value, type)
        and issubclass(value, CommonSettings)
        and value.__module__ == config.__name__
    )
    return settings


def _known_variables() -> set[str]:
    known = {f"WORKSYNC_{field.upper()}" for field in CommonSettings.model_fields}
    for part in (*SERVICES, GATEWAY):
        settings: type[BaseSettings] = _settings_class(part.module)
        known |= {f"{part.env_prefix}_{field.upper()}" for field in settings.model_fields}
    return known


def test_every_variable_the_chart_sets_is_a_setting(manifests: list[Manifest]) -> None:
    known = _known_variables()
    set_by_chart: set[str] = set()
    for config in _named(manifests, "ConfigMap").values():
        set_by_chart |= set(config["data"])
    for workload in _workloads(manifests):
        if workload["kind"] != "Pod":
            set_by_chart |= _env_names(_container(workload))
    unknown = sorted(set_by_chart - known)
    assert not unknown, f"not read by any settings class: {unknown}"


def test_every_container_runs_locked_down(manifests: list[Manifest]) -> None:
    workloads = list(_workloads(manifests))
    workers = sum(service.has_worker for service in SERVICES)
    migrations = sum(service.migrations is not None for service in SERVICES)
    # APIs, workers, migrations, the gateway and the two test Pods (smoke, conformance).
    assert len(workloads) == len(SERVICES) + workers + migrations + 3
    for workload in workloads:
        name = workload["metadata"]["name"]
        pod = _pod_spec(workload)
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["automountServiceAccountToken"] is False, name
        tmp = {v["name"]: v for v in pod["volumes"]}["tmp"]
        assert "emptyDir" in tmp, name
        for container in pod["containers"]:
            security = container["securityContext"]
            assert security["runAsNonRoot"] is True, name
            assert security["allowPrivilegeEscalation"] is False, name
            assert security["readOnlyRootFilesystem"] is True, name
            assert security["capabilities"]["drop"] == ["ALL"], name
            assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"], name
            assert set(container["resources"]) == {"requests", "limits"}, name
            assert {"cpu", "memory"} <= set(container["resources"]["limits"]), name


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions", []):
        assert expression["operator"] == "In", "the test reads only In expressions"
        if labels.get(expression["key"]) not in expression["values"]:
            return False
    return True


def _policies_for(manifests: list[Manifest], labels: dict[str, str]) -> list[Manifest]:
    return [
        policy
        for policy in manifests
        if policy["kind"] == "NetworkPolicy" and _selects(policy["spec"]["podSelector"], labels)
    ]


def _parts_of_peers(manifests: list[Manifest], peers: list[dict[str, Any]]) -> set[str]:
    """The WorkSync parts (API, worker, gateway...) whose pods these peers admit."""
    parts = set()
    for workload in _workloads(manifests):
        labels = _pod_labels(workload)
        for peer in peers:
            assert set(peer) == {"podSelector"}, "in-release peers are selected by pod labels"
            if _selects(peer["podSelector"], labels):
                parts.add(workload["metadata"]["name"].removeprefix(f"{FULLNAME}-"))
    return parts


def _ingress_rules(manifests: list[Manifest], labels: dict[str, str]) -> list[dict[str, Any]]:
    return [
        rule
        for policy in _policies_for(manifests, labels)
        if "Ingress" in policy["spec"]["policyTypes"]
        for rule in policy["spec"].get("ingress", [])
    ]


def _egress_to_release(manifests: list[Manifest], labels: dict[str, str]) -> set[str]:
    peers = [
        peer
        for policy in _policies_for(manifests, labels)
        for rule in policy["spec"].get("egress", [])
        for peer in rule.get("to", [])
        if set(peer) == {"podSelector"}
    ]
    return _parts_of_peers(manifests, peers)


def test_every_pod_is_covered_by_a_default_deny_policy(manifests: list[Manifest]) -> None:
    for workload in _workloads(manifests):
        policies = _policies_for(manifests, _pod_labels(workload))
        deny = [
            p
            for p in policies
            if set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"}
            and not p["spec"].get("ingress")
            and not p["spec"].get("egress")
        ]
        assert deny, f"{workload['metadata']['name']} is not covered by a default deny"


def test_only_the_gateway_and_the_callers_reach_a_service(manifests: list[Manifest]) -> None:
    assert set(CALLERS) == {s.name for s in SERVICES}, "say who calls the new service"
    deployments = _named(manifests, "Deployment")
    for service in SERVICES:
        labels = _pod_labels(deployments[_api_name(service)])
        rules = _ingress_rules(manifests, labels)
        assert rules, service.name
        admitted = set()
        for rule in rules:
            assert rule["ports"] == [{"protocol": "TCP", "port": service.default_port}]
            assert "from" in rule, f"{service.name} admits anyone"
            admitted |= _parts_of_peers(manifests, rule["from"])
        assert admitted == {"gateway", *CALLERS[service.name]}, service.name
        callees = {callee for callee, callers in CALLERS.items() if service.name in callers}
        assert _egress_to_release(manifests, labels) == callees, service.name
        if service.has_worker:
            worker = _pod_labels(deployments[f"{_api_name(service)}-worker"])
            assert _policies_for(manifests, worker), f"{service.name} worker has no policy"
            assert _ingress_rules(manifests, worker) == [], "a worker receives nothing"
            assert _egress_to_release(manifests, worker) == set()
        job = _named(manifests, "Job")[f"{_api_name(service)}-migrate"]
        assert _ingress_rules(manifests, _pod_labels(job)) == []
    gateway = _pod_labels(deployments[f"{FULLNAME}-gateway"])
    (rule,) = _ingress_rules(manifests, gateway)
    assert rule["ports"] == [{"protocol": "TCP", "port": GATEWAY.default_port}]
    assert _egress_to_release(manifests, gateway) == {s.name for s in SERVICES}


def test_the_helm_test_runs_the_smoke_check_through_the_gateway(
    manifests: list[Manifest],
) -> None:
    pod = _named(manifests, "Pod")[f"{FULLNAME}-smoke-test"]
    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    container = _container(pod)
    assert container["command"] == ["python", "/app/smoke.py"]
    gateway = _container(_named(manifests, "Deployment")[f"{FULLNAME}-gateway"])
    assert container["image"] == gateway["image"]
    env = {entry["name"]: entry["value"] for entry in container["env"]}
    (service,) = _named(manifests, "Service")[f"{FULLNAME}-gateway"]["spec"]["ports"]
    assert env["SMOKE_BASE_URL"] == f"http://{FULLNAME}-gateway:{service['port']}"
    assert _egress_to_release(manifests, _pod_labels(pod)) == {"gateway"}
    assert re.search(r"^COPY deploy/smoke\.py /app/smoke\.py$", DOCKERFILE.read_text(), re.M)


def test_the_helm_test_runs_the_conformance_suite_against_the_gateway(
    manifests: list[Manifest],
) -> None:
    pod = _named(manifests, "Pod")[f"{FULLNAME}-conformance-test"]
    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    container = _container(pod)
    assert container["command"][:4] == ["python", "-m", "pytest", "/app/tests/conformance"]
    gateway = _container(_named(manifests, "Deployment")[f"{FULLNAME}-gateway"])
    assert container["image"] == gateway["image"]
    env = {entry["name"]: entry["value"] for entry in container["env"]}
    (service,) = _named(manifests, "Service")[f"{FULLNAME}-gateway"]["spec"]["ports"]
    assert env["WORKSYNC_CONFORMANCE_URL"] == f"http://{FULLNAME}-gateway:{service['port']}"
    assert (
        "WORKSYNC_CONFORMANCE_URL" in (ROOT / "tests" / "conformance" / "conftest.py").read_text()
    )
    assert _egress_to_release(manifests, _pod_labels(pod)) == {"gateway"}
    # The gateway's image carries the suite and pytest; the build context keeps the suite.
    dockerfile = DOCKERFILE.read_text()
    assert re.search(r"^COPY tests/conformance \./tests/conformance$", dockerfile, re.M)
    assert re.search(r"cp -r tests/conformance /out/tests/", dockerfile)
    assert re.search(r"uv pip install .*\bpytest\b", dockerfile)
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignored.index("!tests/conformance") > ignored.index("tests")


def test_the_conformance_hook_takes_accounts_from_a_secret_and_can_be_left_out(
    helm: Path,
) -> None:
    args = ["template", RELEASE, str(CHART), "--namespace", "worksync"]
    with_secret = [
        doc
        for doc in yaml.safe_load_all(
            _run(helm, *args, "--set", "conformanceTest.existingSecret=accounts")
        )
        if doc
    ]
    pod = _named(with_secret, "Pod")[f"{FULLNAME}-conformance-test"]
    assert _container(pod)["envFrom"] == [{"secretRef": {"name": "accounts"}}]
    without = [
        doc
        for doc in yaml.safe_load_all(_run(helm, *args, "--set", "conformanceTest.enabled=false"))
        if doc
    ]
    assert f"{FULLNAME}-conformance-test" not in _named(without, "Pod")
    assert f"{FULLNAME}-conformance-test" not in _named(without, "NetworkPolicy")


def test_scrapes_are_admitted_only_from_the_configured_peers(helm: Path) -> None:
    policy_name = f"{FULLNAME}-metrics"
    assert policy_name not in _named(_render(helm, None), "NetworkPolicy"), "no peers, no policy"
    monitoring = {"namespaceSelector": {"matchLabels": {"name": "monitoring"}}}
    rendered = _run(
        helm,
        "template",
        RELEASE,
        str(CHART),
        "--namespace",
        "worksync",
        "--set",
        "metrics.scrapeFrom[0].namespaceSelector.matchLabels.name=monitoring",
    )
    manifests = [doc for doc in yaml.safe_load_all(rendered) if doc]
    policy = _named(manifests, "NetworkPolicy")[policy_name]
    kubernetes_validate.validate(policy, kubernetes_validate.latest_version(), strict=True)
    (rule,) = policy["spec"]["ingress"]
    assert rule["from"] == [monitoring]
    ports = {port["port"] for port in rule["ports"]}
    assert ports == {METRICS_PORT} | {service.default_port for service in SERVICES}
    scraped = {
        workload["metadata"]["name"].removeprefix(f"{FULLNAME}-")
        for workload in _workloads(manifests)
        if _selects(policy["spec"]["podSelector"], _pod_labels(workload))
    }
    expected = {s.name for s in SERVICES} | {f"{s.name}-worker" for s in SERVICES if s.has_worker}
    assert scraped == expected | {"gateway"}
