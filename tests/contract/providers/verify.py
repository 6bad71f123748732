"""Verifying a provider's running app against a consumer contract: the requests the consumer
sends, with a real caller's token, answered with the statuses it handles and, on 200, a body
that has every field it reads as it reads it (the contract's `response`) and that fits the
provider's own documented schema."""

from __future__ import annotations

import json
from typing import Any

import httpx

from scripts.contracts.consumers import CONSUMERS_DIR, reader_model
from scripts.contracts.openapi_snapshots import snapshot_path

from ..validation import Validator, errors, in_document, standalone


def _documented_validator(provider: str, path: str, method: str) -> Validator:
    document: dict[str, Any] = json.loads(snapshot_path(provider).read_text())
    schema = document["paths"][path][method.lower()]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    return in_document(document, schema["$ref"])


async def verify_provider(
    client: httpx.AsyncClient,
    contract_name: str,
    *,
    headers: dict[str, str],
    answered: dict[str, str],
    absent: dict[str, str],
) -> None:
    """`answered` and `absent` map each interaction to a URL the seeded provider answers 200
    and 404 to; every interaction of the contract is in both."""
    contract = json.loads((CONSUMERS_DIR / f"{contract_name}.json").read_text())
    assert set(answered) == set(contract["interactions"]) == set(absent)
    for name, spec in contract["interactions"].items():
        request = spec["request"]
        assert set(headers) == set(request["headers"]), "send what the consumer sends"
        response = await client.request(request["method"], answered[name], headers=headers)
        assert response.status_code == 200, f"{name}: {response.status_code} {response.text}"
        body = response.json()
        for validator in (
            standalone(spec["response"]),
            _documented_validator(contract["provider"], request["path"], request["method"]),
        ):
            found = errors(validator, body)
            assert not found, f"{name}: {found}"
        reader_model(spec["reads"]).model_validate(body)
        missing = await client.request(request["method"], absent[name], headers=headers)
        assert missing.status_code == 404, f"{name}: {missing.status_code} {missing.text}"
        assert str(missing.status_code) in spec["statuses"]
