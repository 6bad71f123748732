"""Keeps every operation's documented problem codes true: the kit's test client checks each
problem+json answer against the app's own OpenAPI document (`worksync.common.problem_codes`).

An answer whose (status, code) the reached operation does not list fails the test, naming
the operation and saying how to update the list. With `WORKSYNC_RECORD_PROBLEM_CODES=<dir>`
the client records instead of checking, one file per process (`pytest -n` safe), which
`make problem-codes` (`scripts/problem_codes.py`) turns into the services' catalogues.

Exempt: a path or a method the document lacks (an unknown route's 404, a 405), a 500 (a bug,
which the test sees anyway), a status whose documented body is not a `Problem` (readiness's
503), and apps without a catalogue outside recording (the kit's own sample services).
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI

from worksync.common.errors import PROBLEM_JSON
from worksync.common.problem_codes import (
    PROBLEM_CODES,
    OperationFinder,
    has_catalogue,
    is_problem_response,
)

RECORD_PROBLEM_CODES = "WORKSYNC_RECORD_PROBLEM_CODES"
EXEMPT_STATUSES = frozenset({500})

ResponseHook = Callable[[httpx.Response], Awaitable[None]]


@dataclass(frozen=True)
class Observation:
    """One problem answer: the service package, its operation, the status and the code."""

    package: str
    operation: str
    status: str
    code: str


# What this process has written already, and where: a suite answers the same few codes
# thousands of times.
_recorded: set[tuple[Path, Observation]] = set()


def observations_file(directory: Path) -> Path:
    return directory / f"observed-{os.getpid()}.jsonl"


def read_observations(directory: Path) -> set[Observation]:
    """Every observation recorded in `directory`, by every process."""
    return {
        Observation(**json.loads(line))
        for path in sorted(directory.glob("observed-*.jsonl"))
        for line in path.read_text().splitlines()
        if line
    }


def _record(observation: Observation, directory: Path) -> None:
    if (directory, observation) in _recorded:
        return
    _recorded.add((directory, observation))
    directory.mkdir(parents=True, exist_ok=True)
    with observations_file(directory).open("a") as out:
        out.write(json.dumps(asdict(observation)) + "\n")


def problem_code_check(app: FastAPI) -> ResponseHook | None:
    """An httpx response hook checking (or recording) the problem codes `app` answers; None
    for an app that is not a service with a catalogue."""
    package: str | None = getattr(app.state, "problem_codes_package", None)
    recording = os.environ.get(RECORD_PROBLEM_CODES)
    if package is None or not (recording or has_catalogue(package)):
        return None
    finder: OperationFinder | None = None

    async def check(response: httpx.Response) -> None:
        nonlocal finder
        content_type = response.headers.get("content-type", "")
        if response.status_code in EXEMPT_STATUSES or not content_type.startswith(PROBLEM_JSON):
            return
        # The document is built at the first answer checked, once every router is included.
        finder = finder or OperationFinder(app.openapi())
        operation = finder.find(response.request.method, response.request.url.path)
        if operation is None:
            return
        await response.aread()
        code = str(response.json().get("code"))
        status = str(response.status_code)
        operation_id = str(operation.get("operationId"))
        if recording:
            _record(Observation(package, operation_id, status, code), Path(recording))
            return
        declared = operation.get("responses", {}).get(status)
        if declared is None:
            raise AssertionError(
                f"{operation_id} answered {status} `{code}` but declares no {status}: add it "
                "to the endpoint's `responses=error_responses(...)`, then `make problem-codes`"
            )
        if not is_problem_response(status, declared):
            return
        listed = declared.get(PROBLEM_CODES, [])
        assert code in listed, (
            f"{operation_id} answered {status} `{code}`, which its OpenAPI document does not "
            f"list (it lists {listed}): run `make problem-codes` to record the codes the "
            "tests observe, and review the catalogue's change"
        )

    return check
