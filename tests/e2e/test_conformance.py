"""The conformance suite (tests/conformance), run as another team runs it against a
deployment (`make conformance URL=...`): here against the system this session started."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import httpx
import pytest

from scripts.local_system import RunningSystem
from scripts.system import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

SUITE = ROOT / "tests" / "conformance"
TIMEOUT_SECONDS = 600
WARM_UP_SECONDS = 120.0


def _merged_document_is_complete(system: RunningSystem) -> None:
    """The suite is parametrised from the gateway's merged document, which leaves out a
    service that was too slow to answer (a cold start on a busy machine) until it retries.
    Each service is asked first, then the gateway until it lists some path of each."""
    deadline = time.monotonic() + WARM_UP_SECONDS
    with httpx.Client(timeout=30) as client:
        own = {
            name: set(client.get(f"{url}/openapi.json").json()["paths"])
            for name, url in system.service_urls.items()
        }
        while True:
            merged = set(client.get(f"{system.gateway_url}/openapi.json").json()["paths"])
            missing = [name for name, paths in own.items() if not paths & merged]
            if not missing:
                return
            assert time.monotonic() < deadline, f"the gateway's document lacks {missing}"
            time.sleep(1)


def test_the_conformance_suite_passes_through_the_gateway(system: RunningSystem) -> None:
    _merged_document_is_complete(system)
    # Without the repository's pytest plugin and in a process of its own, as it runs
    # anywhere.
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTEST_")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(SUITE),
            "-p",
            "no:worksync",
            "-p",
            "no:cacheprovider",
            "-q",
            "--tb=line",
            "--base-url",
            system.gateway_url,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    failed = re.findall(r"^(?:FAILED|ERROR) .*$", result.stdout, re.M)
    assert result.returncode == 0, "\n".join([*failed, result.stdout[-5000:], result.stderr])
