"""Consumer contracts, as the stand-ins for other services' APIs answer from them.

A contract (`tests/contract/consumers/<consumer>-on-<provider>.json`) records what one
service expects of another's API: per interaction the method, path template, query and
headers it sends, the statuses it handles, the fields it reads (`response`) and an
`example` answer in the provider's full shape. `tests/contract` checks every contract
against the provider's OpenAPI document and its running app; the stand-ins serve the
contract's paths and build every answer from the example, so they cannot drift from what
the provider was verified to send.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# libs/common/src/worksync/common/testing/ -> the repository root
CONSUMERS_DIR = Path(__file__).resolve().parents[6] / "tests" / "contract" / "consumers"


@dataclass(frozen=True)
class Interaction:
    name: str
    method: str
    path: str
    query: dict[str, Any]
    headers: dict[str, str]
    statuses: dict[str, str]
    response: dict[str, Any]
    example: dict[str, Any]

    def answer(self, **values: Any) -> dict[str, Any]:
        """The example answer with `values` in place of its own; a field the provider does
        not send is refused, so a stand-in cannot invent one."""
        return _filled(self.example, values, self.name)

    def answer_item(self, field: str, **values: Any) -> dict[str, Any]:
        """One element of the example's list `field` (a page's `items`), with `values`."""
        items: list[dict[str, Any]] = self.example[field]
        return _filled(items[0], values, f"{self.name}.{field}[]")


def _filled(example: dict[str, Any], values: dict[str, Any], where: str) -> dict[str, Any]:
    unknown = set(values) - set(example)
    if unknown:
        raise KeyError(f"{where}: the provider sends no {sorted(unknown)}")
    return {**copy.deepcopy(example), **values}


@dataclass(frozen=True)
class ConsumerContract:
    consumer: str
    provider: str
    interactions: dict[str, Interaction]


def load_contract(name: str) -> ConsumerContract:
    """`tests/contract/consumers/<name>.json`."""
    raw = json.loads((CONSUMERS_DIR / f"{name}.json").read_text())
    return ConsumerContract(
        consumer=raw["consumer"],
        provider=raw["provider"],
        interactions={
            key: Interaction(
                name=key,
                method=spec["request"]["method"],
                path=spec["request"]["path"],
                query=spec["request"]["query"],
                headers=spec["request"]["headers"],
                statuses=spec["statuses"],
                response=spec["response"],
                example=spec["example"],
            )
            for key, spec in raw["interactions"].items()
        },
    )
