"""Examples of request bodies in the OpenAPI document: what Swagger UI shows and pre-fills,
what a client's author copies, and what schemathesis sends first (its examples phase).

A request model states its examples in its config, so they land on its schema in
`components/schemas`::

    class WorklogCreate(BaseModel):
        model_config = ConfigDict(
            extra="forbid",
            json_schema_extra=body_examples({"duration_minutes": 90, "logged_at": "2026-03-02"}),
        )

Each example is validated by the model whenever its schema is built, so an example the
model refuses (a rule across fields included, which the schema cannot state) fails
`make contracts` and every test that builds the document, naming the model; the contract
tests also validate every example against the document's own schema.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from pydantic.config import JsonDict


def body_examples(*examples: JsonDict) -> Callable[[JsonDict, type[Any]], None]:
    """For `ConfigDict(json_schema_extra=...)` of a request model: its schema lists
    `examples`, after the model has accepted each."""

    def add_examples(schema: JsonDict, model: type[Any]) -> None:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise TypeError(f"body_examples configures a pydantic model, not {model!r}")
        for example in examples:
            model.model_validate(example)
        # Copies: the generator may refine the schema it is given, never our constants.
        schema["examples"] = [copy.deepcopy(example) for example in examples]

    return add_examples
