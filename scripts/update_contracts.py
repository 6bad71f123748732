"""Refresh the committed contracts: OpenAPI snapshots, docs/asyncapi.json and the fields each
consumer contract (tests/contract/consumers) reads.

`make contracts` runs this. A snapshot or the event catalogue is not overwritten with a
change that breaks clients or consumers unless `--allow-breaking` is given (and the change
is versioned, per ARCHITECTURE.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scripts.contracts.asyncapi_diff import breaking_event_changes
from scripts.contracts.catalogue import asyncapi_document
from scripts.contracts.consumers import contract_paths, refreshed
from scripts.contracts.consumers import render as render_contract
from scripts.contracts.openapi_diff import breaking_changes
from scripts.contracts.openapi_snapshots import current_spec, render, snapshot_path
from scripts.system import ROOT, SERVICES

ASYNCAPI_PATH = ROOT / "docs" / "asyncapi.json"


def refresh_asyncapi(path: Path, document: dict[str, object], *, allow_breaking: bool) -> list[str]:
    """Write the event catalogue, unless it breaks consumers of the one at `path`: then
    return the breaking changes and keep the file."""
    if path.exists() and not allow_breaking:
        broken = breaking_event_changes(json.loads(path.read_text()), document)
        if broken:
            return broken
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--allow-breaking", action="store_true")
    args = parser.parse_args()
    status = 0
    for service in SERVICES:
        path = snapshot_path(service.name)
        spec = current_spec(service.name)
        if path.exists() and not args.allow_breaking:
            broken = breaking_changes(json.loads(path.read_text()), spec)
            if broken:
                print(f"{service.name}: breaking changes, snapshot kept:", *broken, sep="\n  ")
                status = 1
                continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(spec))
        print(f"wrote {path.relative_to(ROOT)}")
    broken = refresh_asyncapi(
        ASYNCAPI_PATH, asyncapi_document(), allow_breaking=args.allow_breaking
    )
    if broken:
        print("events: breaking changes, catalogue kept:", *broken, sep="\n  ")
        status = 1
    else:
        print(f"wrote {ASYNCAPI_PATH.relative_to(ROOT)}")
    for path in contract_paths():
        path.write_text(render_contract(refreshed(json.loads(path.read_text()))))
        print(f"wrote {path.relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
