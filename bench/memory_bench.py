"""Memory of every process of the running system: resident set size when idle and after load.

`make bench` takes the idle figure once everything answers and the after-load figure when
the other benchmarks chosen have run (`WORKSYNC_BENCH_ONLY=memory` alone runs a load of its
own: issues, entries, lists, a report and the week view through the gateway). Each process
is found as a descendant of the system's `run_system` process and named by its module; the
figure is `VmRSS` from `/proc/<pid>/status` (Linux), compared with the 150 MB limit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.seeding import owner_headers, wait_for
from scripts.local_system import RunningSystem

PROC = Path("/proc")
LIMIT_MB = 150.0
KIB_PER_MB = 1000.0 / 1.024
OWN_LOAD_ISSUES = 300
OWN_LOAD_ENTRIES = 300
OWN_LOAD_READS = 200


@dataclass(frozen=True)
class Snapshot:
    """Resident set size in MB (10^6 bytes) by process name."""

    rss_mb: dict[str, float]


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in (PROC / str(pid) / "task").glob("*"):
        listed = (task / "children").read_text().split()
        children.extend(int(child) for child in listed)
    return children


def _descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        for child in _children(pending.pop()):
            found.append(child)
            pending.append(child)
    return found


def _name(pid: int) -> str | None:
    """`worksync.identity`, `worksync.identity.worker`, … from `python -m <module>`."""
    arguments = (PROC / str(pid) / "cmdline").read_bytes().split(b"\0")
    if b"-m" not in arguments:
        return None
    module = arguments[arguments.index(b"-m") + 1].decode()
    return module.removeprefix("worksync.") if module.startswith("worksync.") else None


def _rss_kib(pid: int) -> int:
    for line in (PROC / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def snapshot(system: RunningSystem) -> Snapshot:
    sizes: dict[str, float] = {}
    for pid in _descendants(system.process.pid):
        try:
            name = _name(pid)
            if name is not None:
                sizes[name] = _rss_kib(pid) / KIB_PER_MB
        except FileNotFoundError:
            continue  # gone between listing and reading
    return Snapshot(dict(sorted(sizes.items())))


def own_load(gateway_url: str) -> None:
    """What a busy team does for a while, when no other benchmark ran."""
    with httpx.Client(base_url=gateway_url, timeout=30.0) as client:
        headers = owner_headers(client)
        slug = f"bench-memory-{uuid.uuid4().hex[:8]}"
        client.post(
            "/api/v1/workspaces", json={"slug": slug, "name": "Memory"}, headers=headers
        ).raise_for_status()
        project = client.post(
            f"/api/v1/workspaces/{slug}/projects",
            json={"identifier": "MEM", "name": "Memory"},
            headers=headers,
        )
        project.raise_for_status()
        project_id = project.json()["id"]
        base = f"/api/v1/workspaces/{slug}/projects/{project_id}"
        wait_for(lambda: client.get(f"{base}/issues", headers=headers).status_code == 200)
        for n in range(OWN_LOAD_ISSUES):
            client.post(
                f"{base}/issues", json={"title": f"Issue {n}"}, headers=headers
            ).raise_for_status()
        entries = f"/api/v1/workspaces/{slug}/time-entries"
        wait_for(
            lambda: (
                client.get(f"{entries}?project_id={project_id}", headers=headers).status_code == 200
            )
        )
        start = datetime(2026, 1, 5, 8, tzinfo=UTC)
        for n in range(OWN_LOAD_ENTRIES):
            began = start + timedelta(hours=n)
            client.post(
                entries,
                json={
                    "project_id": project_id,
                    "started_at": began.isoformat(),
                    "ended_at": (began + timedelta(minutes=45)).isoformat(),
                    "description": f"Entry {n}",
                },
                headers=headers,
            ).raise_for_status()
        time_tracking = f"/api/v1/workspaces/{slug}/time-tracking"
        for _ in range(OWN_LOAD_READS):
            client.get(f"{base}/issues?limit=50", headers=headers).raise_for_status()
            client.get(f"{entries}?limit=50", headers=headers).raise_for_status()
        client.get(
            f"{time_tracking}/report?from=2026-01-01&to=2026-12-31&group_by=project",
            headers=headers,
        ).raise_for_status()
        client.get(f"{time_tracking}/week?date=2026-01-05", headers=headers).raise_for_status()


def report(idle: Snapshot, after: Snapshot) -> None:
    print(f"\nmemory: resident set size per process (MB), limit {LIMIT_MB:.0f}")
    print(f"{'process':<24} {'idle':>7} {'after load':>11} {'within':>7}")
    for name in sorted(idle.rss_mb.keys() | after.rss_mb.keys()):
        before, loaded = idle.rss_mb.get(name, 0.0), after.rss_mb.get(name, 0.0)
        within = "yes" if max(before, loaded) <= LIMIT_MB else "NO"
        print(f"{name:<24} {before:>7.1f} {loaded:>11.1f} {within:>7}")
