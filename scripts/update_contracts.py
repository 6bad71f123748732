"""Refresh the committed contracts: OpenAPI snapshots and docs/asyncapi.json.

`make contracts` runs this. A snapshot is not overwritten with a change that breaks
clients unless `--allow-breaking` is given (and the change is versioned, per ARCHITECTURE.md).
"""

from __future__ import annotations

import argparse
import json
import sys

from scripts.contracts.catalogue import asyncapi_document
from scripts.contracts.openapi_diff import breaking_changes
from scripts.contracts.openapi_snapshots import current_spec, render, snapshot_path
from scripts.system import ROOT, SERVICES


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
    asyncapi = ROOT / "docs" / "asyncapi.json"
    asyncapi.write_text(json.dumps(asyncapi_document(), indent=2, sort_keys=True) + "\n")
    print(f"wrote {asyncapi.relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
