"""Record the problem `code`s each operation answers into its service's catalogue.

`make problem-codes` runs this: the services' test suites (the fuzz tests aside) with the
kit's test client recording every problem answer (`WORKSYNC_RECORD_PROBLEM_CODES`,
`worksync.common.testing.problem_codes`), then each service's
`src/worksync/<package>/problem_codes.json` rewritten from what they observed, less the codes
the kit lists itself (`worksync.common.problem_codes.kit_codes`). A code no test answers any
more leaves the catalogue, unless no test answers its operation with that status at all: then
the catalogued codes are kept and listed, for a test to be written (a new such code is added
to the catalogue by hand). Review the change like any other. A run whose tests fail writes
nothing (`--allow-failures` writes what the others observed). An answer with a status its
operation does not declare is reported (exit 1): declare it in the endpoint's `responses=`.

`make problem-codes ARGS="identity workspace"` records those services alone.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scripts.contracts.openapi_snapshots import current_spec
from scripts.system import ROOT, SERVICES, Service
from worksync.common.problem_codes import (
    CATALOGUE_FILE,
    Catalogue,
    is_problem_response,
    kit_codes,
    operations,
)
from worksync.common.testing.problem_codes import (
    RECORD_PROBLEM_CODES,
    Observation,
    read_observations,
)


def catalogue_path(service: Service) -> Path:
    package_file = importlib.import_module(service.module).__file__
    if package_file is None:
        raise LookupError(f"{service.module} is not a regular package")
    return Path(package_file).parent / CATALOGUE_FILE


def build_catalogue(
    document: dict[str, Any], observed: Iterable[Observation], previous: Catalogue
) -> tuple[Catalogue, list[str], list[str]]:
    """The catalogue of what was `observed`, the answers of statuses left undeclared, and
    the statuses no test answered whose `previous` codes were kept."""
    by_id = {operation.get("operationId"): operation for _, _, operation in operations(document)}
    codes: dict[str, dict[str, set[str]]] = {}
    undeclared: list[str] = []
    observed = list(observed)
    answered = {(seen.operation, seen.status) for seen in observed}
    kept: list[str] = []
    for operation_id, statuses in previous.items():
        operation = by_id.get(operation_id)
        for status, listed in statuses.items():
            if (
                operation is not None
                and (operation_id, status) not in answered
                and is_problem_response(status, operation.get("responses", {}).get(status, {}))
            ):
                codes.setdefault(operation_id, {})[status] = set(listed)
                kept.append(f"{operation_id} {status} {', '.join(listed)}")
    for seen in observed:
        operation = by_id[seen.operation]
        response = operation.get("responses", {}).get(seen.status)
        if response is None:
            undeclared.append(f"{seen.operation} answered {seen.status} `{seen.code}`")
        elif is_problem_response(seen.status, response) and seen.code not in kit_codes(
            operation, seen.status
        ):
            codes.setdefault(seen.operation, {}).setdefault(seen.status, set()).add(seen.code)
    catalogue = {
        operation: {status: sorted(found) for status, found in statuses.items()}
        for operation, statuses in codes.items()
    }
    return catalogue, sorted(undeclared), sorted(kept)


def render(catalogue: Catalogue) -> str:
    return json.dumps(catalogue, indent=2, sort_keys=True) + "\n"


def record(
    services: list[Service], workers: int, *, allow_failures: bool
) -> set[Observation] | None:
    """What the services' suites answered, or None when a test failed (unless allowed)."""
    with tempfile.TemporaryDirectory(prefix="problem-codes-") as directory:
        command = [
            sys.executable,
            "-m",
            "pytest",
            *(str(ROOT / "services" / service.name / "tests") for service in services),
            "-p",
            "no:cacheprovider",
            "-q",
            "-m",
            "not fuzz",
            *(["-n", str(workers), "--dist", "loadgroup"] if workers > 1 else []),
        ]
        env = {**os.environ, RECORD_PROBLEM_CODES: directory}
        failed = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode != 0
        if failed and not allow_failures:
            return None
        return read_observations(Path(directory))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    names = [s.name for s in SERVICES]
    parser.add_argument("services", nargs="*", help=f"of {', '.join(names)}; all when none")
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers")
    parser.add_argument(
        "--allow-failures",
        action="store_true",
        help="write the catalogues even when tests fail (what failing tests answer is missed)",
    )
    args = parser.parse_args()
    unknown = set(args.services) - set(names)
    if unknown:
        parser.error(f"no such service: {', '.join(sorted(unknown))}")
    services = [s for s in SERVICES if not args.services or s.name in args.services]
    observed = record(services, args.workers, allow_failures=args.allow_failures)
    if observed is None:
        print("tests failed: no catalogue written", file=sys.stderr)
        return 1
    status = 0
    for service in services:
        path = catalogue_path(service)
        catalogue, undeclared, kept = build_catalogue(
            current_spec(service.name),
            (o for o in observed if o.package == service.module),
            json.loads(path.read_text()) if path.exists() else {},
        )
        path.write_text(render(catalogue))
        count = sum(len(codes) for statuses in catalogue.values() for codes in statuses.values())
        print(f"wrote {path.relative_to(ROOT)}: {len(catalogue)} operations, {count} codes")
        if kept:
            print(f"{service.name}: no test answers these, codes kept:", *kept, sep="\n  ")
        if undeclared:
            print(f"{service.name}: statuses not declared:", *undeclared, sep="\n  ")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
