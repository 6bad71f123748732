"""Property-based API tests: schemathesis against a service's own OpenAPI document, in-process.

Every service's `tests/test_api_fuzz.py` uses the same harness: a fresh app of the service
(its lifespan run by schemathesis, in schemathesis's own event-loop thread), trusting the test
`minter`, a workspace seeded by the suite's fixtures, a valid token on every request and the
seeded ids as path parameters. Every check is on and NUL bytes are generated; the budget is
small and fixed per operation and the run is derandomised, so a failure reproduces and
`make test` stays within minutes::

    pytestmark = pytest.mark.fuzz  # `pytest -m fuzz` runs them alone, `-m "not fuzz"` skips
    schema = schemathesis.pytest.from_fixture("fuzz_schema")

    @pytest.fixture
    def fuzz_schema(...) -> Iterator[OpenApiSchema]:
        yield load_fuzz_schema(app, minter=minter, token=owner.token, path_parameters={...})
        stop_fuzzed_apps()

    @schema.parametrize()
    def test_api_conforms(case: schemathesis.Case[Any]) -> None:
        call_and_validate(case)

A running system's document (the gateway's merged one, `tests/e2e/test_gateway_fuzz.py`)
is loaded from its URL instead (`load_fuzz_schema_from_url`), and `run_stateful` runs the
stateful phase, chains of calls along the document's links.

The tests are synchronous: the pytest event loop does not run while they do, so stand-ins
the app calls (the workspace API, work-items) must be served from a thread of their own
(`serve_in_thread`), not with `servers.serve`.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any

import hypothesis
import schemathesis
import uvicorn
from fastapi import FastAPI
from schemathesis import BaseSchema
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES
from schemathesis.python import asgi as schemathesis_asgi
from schemathesis.specs.openapi.schemas import OpenApiSchema
from starlette.types import ASGIApp

from worksync.common.idempotency import IDEMPOTENCY_KEY, IDEMPOTENCY_KEY_MAX_LENGTH
from worksync.common.testing.tokens import TokenMinter

# Examples per operation in the fuzzing phase; the coverage phase adds the boundaries, enum
# values, NUL bytes and undeclared methods the document calls for, whatever this is.
MAX_EXAMPLES_PER_OPERATION = 10
# A fixed seed with derandomised generation: the same examples on every run and machine.
SEED = 14
# The security scheme FastAPI names for `HTTPBearer`, which every service's token uses.
BEARER_SCHEME = "HTTPBearer"
STARTUP_POLL_SECONDS = 0.01
STARTUP_POLLS = 1000


def _rule_across_fields(method: str, path: str) -> dict[str, Any]:
    return {
        "include-method": method,
        "include-path": path,
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": [*POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES, "422"]
            }
        },
    }


def fuzz_config(
    *,
    token: str,
    path_parameters: Mapping[str, str],
    max_examples: int,
    rules_across_fields: Mapping[tuple[str, str], str] = MappingProxyType({}),
    coverage_path_regex: str | None = None,
) -> SchemathesisConfig:
    """Every check on, NUL bytes on, `max_examples` per operation, derandomised; the token
    on every request and `path_parameters` (e.g. the seeded workspace's slug as `ws`) fixed.

    `cursor` is always the first page's (empty): a cursor is valid only as a list issued it,
    which no schema can state (a forged one is the documented 400 `invalid_cursor`).
    `rules_across_fields` names, as (METHOD, path), the operations with a rule that relates
    two fields (`from` not after `to`) and says it in words: JSON Schema cannot state such a
    rule for query parameters, so those operations may refuse schema-valid input with 422.
    The same goes for a rule that relates a field to what is stored or to the clock, which
    no schema can state either: an id in the body that must name an existing resource
    (422 `unknown_reference`), a mailed token, an expiry that must lie ahead.

    `coverage_path_regex` keeps the coverage phase (every boundary and negative variant and
    undeclared method: most of the requests) to the paths it matches, for a document too big
    to cover whole within budget; the fuzzing phase still runs on every operation."""
    coverage: list[dict[str, Any]] = []
    if coverage_path_regex is not None:
        coverage.append(
            {"include-path-regex": coverage_path_regex, "phases": {"coverage": {"enabled": True}}}
        )
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            # Through the document's scheme, so the auth checks can leave it out or spoil it.
            "auth": {"openapi": {BEARER_SCHEME: {"bearer": token}}},
            "parameters": {
                "query.cursor": "",
                # A write's precondition holds only for the version stored, which no schema
                # can state: `*` (any) keeps generated writes unconditional; the precondition
                # is tested by each service's own tests (`testing.preconditions`).
                "header.If-Match": "*",
                **{f"path.{name}": value for name, value in path_parameters.items()},
            },
            "generation": {
                "mode": "all",
                "max-examples": max_examples,
                "deterministic": True,
                "allow-x00": True,
            },
            "checks": {"enabled": True},
            "phases": {"coverage": {"enabled": coverage_path_regex is None}},
            "operations": [
                *(_rule_across_fields(method, path) for method, path in rules_across_fields),
                *coverage,
            ],
        }
    )


def load_fuzz_schema(
    app: FastAPI,
    *,
    minter: TokenMinter | None,
    token: str,
    path_parameters: Mapping[str, str],
    max_examples: int = MAX_EXAMPLES_PER_OPERATION,
    rules_across_fields: Mapping[tuple[str, str], str] = MappingProxyType({}),
) -> OpenApiSchema:
    """The app's OpenAPI document as schemathesis tests it. Loading it starts the app's
    lifespan in schemathesis's event-loop thread (where every request then runs); the app
    then trusts `minter`'s tokens instead of identity's JWKS (with `minter=None` it keeps its
    own verifier: identity, which signs its own tokens). Stop it with `stop_fuzzed_apps`."""
    schema = schemathesis.openapi.from_asgi(
        "/openapi.json",
        app,
        config=fuzz_config(
            token=token,
            path_parameters=path_parameters,
            max_examples=max_examples,
            rules_across_fields=rules_across_fields,
        ),
    )
    if minter is not None:
        app.state.token_verifier = minter.verifier()
    return schema


def load_fuzz_schema_from_url(
    url: str,
    *,
    token: str,
    path_parameters: Mapping[str, str],
    max_examples: int = MAX_EXAMPLES_PER_OPERATION,
    rules_across_fields: Mapping[tuple[str, str], str] = MappingProxyType({}),
    coverage_path_regex: str | None = None,
) -> OpenApiSchema:
    """The OpenAPI document served at `url` (a running system's, such as the gateway's
    `/openapi.json`) as schemathesis tests it: every request goes over HTTP to the server
    that served it, with the same configuration as `load_fuzz_schema`."""
    return schemathesis.openapi.from_url(
        url,
        config=fuzz_config(
            token=token,
            path_parameters=path_parameters,
            max_examples=max_examples,
            rules_across_fields=rules_across_fields,
            coverage_path_regex=coverage_path_regex,
        ),
    )


def _is_uuid(value: Any) -> bool:
    try:
        return isinstance(value, str) and uuid.UUID(value).urn[9:] == value.lower()
    except ValueError:
        return False


def _with_references(node: Any, references: Mapping[str, str]) -> Any:
    """`node` with every UUID under a key of `references` (alone or in a list) replaced by
    that reference; anything else (a value made invalid on purpose) is left as it is."""
    if isinstance(node, list):
        return [_with_references(item, references) for item in node]
    if not isinstance(node, dict):
        return node
    replaced: dict[str, Any] = {}
    for key, value in node.items():
        reference = references.get(key)
        if reference is not None and _is_uuid(value):
            replaced[key] = reference
        elif reference is not None and isinstance(value, list):
            replaced[key] = [reference if _is_uuid(item) else item for item in value]
        else:
            replaced[key] = _with_references(value, references)
    return replaced


def call_and_validate(
    case: schemathesis.Case[Any], *, references: Mapping[str, str] = MappingProxyType({})
) -> None:
    """Send the case and run every check on the answer.

    An `Idempotency-Key` the document allows is made unique first: derandomised generation
    sends the same few keys with different bodies, which the API rightly refuses (422
    `idempotency_key_reused`, as the header's description says); replays are tested by the
    services' own idempotency tests.

    `references` names body fields that must refer to something that exists (`user_id`: a
    member of the workspace), which no schema can state: a UUID generated for one is
    replaced by the seeded id, so that valid bodies get past the 422 `unknown_reference`
    and reach what they are meant to test."""
    _prepare(case, references)
    case.call_and_validate()


def _prepare(case: schemathesis.Case[Any], references: Mapping[str, str]) -> None:
    key = None if case.headers is None else case.headers.get(IDEMPOTENCY_KEY)
    if isinstance(key, str) and 1 <= len(key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
        assert case.headers is not None
        case.headers[IDEMPOTENCY_KEY] = uuid.uuid4().hex
    if references and isinstance(case.body, dict | list):
        case.body = _with_references(case.body, references)


def run_stateful(
    schema: BaseSchema,
    *,
    scenarios: int,
    steps: int,
    references: Mapping[str, str] = MappingProxyType({}),
) -> None:
    """Schemathesis's stateful phase: `scenarios` chains of up to `steps` calls, each call
    taking ids from an earlier answer along the document's links (schemathesis infers them
    from response schemas and path parameter names: `POST .../milestones` answers an `id`
    that `GET .../milestones/{milestone_id}` takes), every check on every answer.
    Derandomised like the rest; requests are prepared as `call_and_validate` prepares them."""
    base = schema.as_state_machine()

    class StateMachine(base):  # type: ignore[misc, valid-type]
        def before_call(self, case: schemathesis.Case[Any]) -> None:
            # The configured first-page cursor does not reach the stateful phase's cases.
            if case.query is not None and "cursor" in case.query:
                case.query["cursor"] = ""
            _prepare(case, references)

    StateMachine.run(
        settings=hypothesis.settings(
            max_examples=scenarios,
            stateful_step_count=steps,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )


def stop_fuzzed_apps() -> None:
    """Run the shutdown of every app `load_fuzz_schema` started (its engine is disposed, so
    the session's database can be dropped)."""
    schemathesis_asgi.shutdown_lifespans()


@contextmanager
def serve_in_thread(app: ASGIApp) -> Iterator[str]:
    """Serve a stand-in with uvicorn on a free 127.0.0.1 port from a thread and event loop of
    its own, so it answers while a synchronous test blocks the test's loop; yields its URL."""
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(STARTUP_POLLS):
        if server.started or not thread.is_alive():
            break
        time.sleep(STARTUP_POLL_SECONDS)
    try:
        if not server.started:
            raise RuntimeError("the stand-in server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
        sock.close()
