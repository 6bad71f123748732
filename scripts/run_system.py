"""Start the whole WorkSync system locally: migrations, every service's API and worker, gateway.

`make up` runs this (`python -m scripts.run_system`). Configuration comes from the
environment (see the README); ports move with `<SERVICE>_PORT`, the database with
`WORKSYNC_DATABASE_URL`, which only migrations use. Least privilege: each service's
migrations create (or update) the service's own login role, with rights on its own schema
alone, and its API and worker connect as that role (`<SERVICE>_DATABASE_URL`, set here) and
receive only the secrets they use (`SECRET_HOLDERS`). A role is named after the database and
the schema (`worksync_identity`), or `<SERVICE>_DB_ROLE`; its password is
`<SERVICE>_DB_PASSWORD`, or a new random one each run, never printed. Services listen on
127.0.0.1 (`<SERVICE>_HOST` overrides), only the gateway on every interface (`GATEWAY_HOST`
overrides). Ctrl-C (or SIGTERM) stops every process; if one process dies, the others are
stopped too.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import psycopg
from psycopg import sql

from scripts.system import GATEWAY, ROOT, SERVICES, Service

DEFAULT_DATABASE_URL = "postgresql://postgres@localhost:5432/worksync"
LOOPBACK = "127.0.0.1"
# The gateway is the one listener beyond loopback.
GATEWAY_DEFAULT_HOST = "0.0.0.0"
# Eleven processes importing at once on a small, busy machine (CI) take a while.
STARTUP_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 10.0
POSTGRES_NAME_LENGTH = 63
# Secrets reach only the processes that use them (as in Compose): the internal secret
# identity and the gateway, the key-encryption secret identity alone.
SECRET_HOLDERS: dict[str, frozenset[str]] = {
    "WORKSYNC_INTERNAL_SECRET": frozenset({"identity", GATEWAY.name}),
    "IDENTITY_KEY_ENCRYPTION_SECRET": frozenset({"identity"}),
}
# What a role name may hold, as `worksync.common.migrations` accepts it.
NOT_IN_ROLE_NAME = re.compile(r"[^a-z0-9_]")


def database_url() -> str:
    return os.environ.get("WORKSYNC_DATABASE_URL", DEFAULT_DATABASE_URL)


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


@dataclass(frozen=True)
class DatabaseRole:
    """A service's own login role: its schema and nothing else."""

    name: str
    password: str

    def url(self, admin_url: str) -> str:
        """`admin_url` with this role's credentials instead of the administrator's."""
        parts = urlsplit(admin_url)
        host = parts.netloc.rpartition("@")[2]
        credentials = f"{quote(self.name, safe='')}:{quote(self.password, safe='')}"
        return parts._replace(netloc=f"{credentials}@{host}").geturl()


def role_name(database: str, schema: str) -> str:
    """`<database>_<schema>`: roles are shared by the whole server, so two databases on
    one server (parallel test systems) never share a role or overwrite its password."""
    prefix = NOT_IN_ROLE_NAME.sub("_", database.lower())
    if not prefix[:1].isalpha():
        prefix = f"db_{prefix}"
    return f"{prefix[: POSTGRES_NAME_LENGTH - len(schema) - 1]}_{schema}"


def database_roles(env: dict[str, str]) -> dict[str, DatabaseRole]:
    """Each service's role by service name, from `<SERVICE>_DB_ROLE`/`_DB_PASSWORD` when
    set, else named after the database with a password new for this run."""
    database = database_name(env["WORKSYNC_DATABASE_URL"])
    return {
        service.name: DatabaseRole(
            name=env.get(f"{service.env_prefix}_DB_ROLE") or role_name(database, service.schema),
            password=env.get(f"{service.env_prefix}_DB_PASSWORD") or secrets.token_urlsafe(24),
        )
        for service in SERVICES
        if service.schema is not None
    }


def ensure_database(url: str) -> None:
    """Create the configured database when the server has none of that name yet."""
    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://"))
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def system_environment() -> dict[str, str]:
    """Tell every process where the others are, unless the caller said otherwise."""
    env = dict(os.environ)
    env.setdefault("WORKSYNC_ENVIRONMENT", "development")
    # On a laptop an account is usable at once; identity allows this in development only.
    if env.get("IDENTITY_ENVIRONMENT", env["WORKSYNC_ENVIRONMENT"]) == "development":
        env.setdefault("IDENTITY_AUTO_VERIFY_EMAILS", "true")
    env.setdefault("WORKSYNC_DATABASE_URL", database_url())
    by_name = {service.name: service for service in SERVICES}
    env.setdefault("WORKSYNC_JWKS_URL", f"{by_name['identity'].url}/.well-known/jwks.json")
    env.setdefault("WORKSYNC_WORKSPACE_API_URL", by_name["workspace"].url)
    # Time tracking asks work-items about an issue whose event has not arrived yet.
    env.setdefault("TIMETRACKING_WORK_ITEMS_API_URL", by_name["work-items"].url)
    for service in SERVICES:
        env.setdefault(f"GATEWAY_{service.env_prefix}_URL", service.url)
        # Services listen on loopback only, so nothing reaches them around the gateway.
        env.setdefault(f"{service.env_prefix}_HOST", LOOPBACK)
    # The gateway is the one front door: every interface, unless GATEWAY_HOST says otherwise.
    env.setdefault(f"{GATEWAY.env_prefix}_HOST", GATEWAY_DEFAULT_HOST)
    env.setdefault("GATEWAY_ENABLED_UPSTREAMS", ",".join(s.name for s in SERVICES))
    return env


def _without_database_credentials(env: dict[str, str]) -> dict[str, str]:
    names = {"WORKSYNC_DATABASE_URL", "WORKSYNC_DB_ROLE", "WORKSYNC_DB_PASSWORD"}
    for service in SERVICES:
        names |= {f"{service.env_prefix}_{n}" for n in ("DATABASE_URL", "DB_ROLE", "DB_PASSWORD")}
    return {key: value for key, value in env.items() if key not in names}


def migration_environment(
    env: dict[str, str], service: Service, role: DatabaseRole
) -> dict[str, str]:
    """Migrations alone connect as the administrator, and create or update `role`."""
    prefix = service.env_prefix
    return {
        **_without_database_credentials(env),
        f"{prefix}_DATABASE_URL": env["WORKSYNC_DATABASE_URL"],
        f"{prefix}_DB_ROLE": role.name,
        f"{prefix}_DB_PASSWORD": role.password,
    }


def serving_environment(
    env: dict[str, str], service: Service, roles: dict[str, DatabaseRole]
) -> dict[str, str]:
    """An API or worker gets its own role's URL and no other credentials (the gateway none),
    and only the secrets it uses."""
    serving = _without_database_credentials(env)
    for variable, holders in SECRET_HOLDERS.items():
        if service.name not in holders:
            serving.pop(variable, None)
    role = roles.get(service.name)
    if role is not None:
        serving[f"{service.env_prefix}_DATABASE_URL"] = role.url(env["WORKSYNC_DATABASE_URL"])
    return serving


def migrate(env: dict[str, str], roles: dict[str, DatabaseRole]) -> None:
    for service in SERVICES:
        if service.migrations is None:
            continue
        print(f"migrating {service.name}", flush=True)
        subprocess.run(
            [sys.executable, "-m", "alembic", "-c", str(service.migrations), "upgrade", "head"],
            check=True,
            env=migration_environment(env, service, roles[service.name]),
            cwd=ROOT,
        )


def start(
    env: dict[str, str], roles: dict[str, DatabaseRole]
) -> dict[str, subprocess.Popen[bytes]]:
    processes: dict[str, subprocess.Popen[bytes]] = {}
    for service in (*SERVICES, GATEWAY):
        own = serving_environment(env, service, roles)
        processes[service.name] = subprocess.Popen([sys.executable, "-m", service.module], env=own)
        if service.has_worker:
            processes[f"{service.name}-worker"] = subprocess.Popen(
                [sys.executable, "-m", f"{service.module}.worker"], env=own
            )
    return processes


def wait_until_ready(url: str, processes: dict[str, subprocess.Popen[bytes]]) -> bool:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes.values()):
            return False
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    return False


def stop(processes: dict[str, subprocess.Popen[bytes]]) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--migrate-only", action="store_true", help="apply migrations and exit")
    args = parser.parse_args()

    env = system_environment()
    ensure_database(env["WORKSYNC_DATABASE_URL"])
    roles = database_roles(env)
    migrate(env, roles)
    if args.migrate_only:
        return 0

    stopping = False

    def request_stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    processes = start(env, roles)
    try:
        if not wait_until_ready(GATEWAY.url, processes):
            print("WorkSync did not become ready; stopping.", file=sys.stderr, flush=True)
            return 1
        print(f"WorkSync is up: gateway at {GATEWAY.url} (docs at {GATEWAY.url}/docs)", flush=True)
        while not stopping:
            exited = {name: p.returncode for name, p in processes.items() if p.poll() is not None}
            if exited:
                print(f"stopping: a process exited {exited}", file=sys.stderr, flush=True)
                return 1
            time.sleep(0.5)
        return 0
    finally:
        stop(processes)


if __name__ == "__main__":
    sys.exit(main())
