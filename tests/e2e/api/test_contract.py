"""The OpenAPI document is true: schemathesis runs every operation of the app against it and finds nothing.

The run is schemathesis's own (``st run``'s engine): examples, coverage, fuzzing and the stateful phase
(which follows the document's links from created incidents, cameras, holds ... to what one does next),
with every check schemathesis has (server errors, status codes, content types, response schemas, negative
data rejected, positive data accepted, use after free, resources available after creation, missing headers,
ignored auth, unsupported methods and their ``Allow`` header ...), signed in as the admin, whose role holds
every permission. The seed is fixed and generation is derandomized, so a run is the same on every machine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis.engine import events, from_schema
from schemathesis.engine.statistic import Statistic
from starlette.types import ASGIApp, Receive, Scope, Send

from kuzet.adapters.archive.config import ArchiveConfig
from kuzet.adapters.store import migrate
from kuzet.api.app import PUBLIC_ROUTES, create_app
from kuzet.api.contract import CLOSED_FORM
from kuzet.bootstrap import Kuzet, bootstrap
from kuzet.config.settings import load_settings
from kuzet.domain.cameras.messages import RegisterCamera
from kuzet.domain.cameras.model import Camera, CameraKind, CameraPurpose
from kuzet.services.context import Actor
from tests.unit.archive.media import encode_h264

from .conftest import seed_site, sign_in

SEED = 20_260_503
MAX_EXAMPLES = 10  # per operation in the fuzzing phase, and sequences in the stateful phase
STATEFUL_STEPS = 12
# A sanity floor on the run's size (it generates about 2,300 cases): fewer means a phase stopped running.
MIN_CASES = 2_000


class WithoutLifespan:
    """The app for schemathesis, whose lifespan the test client already runs (one relay, one runtime)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _short_range(container: object) -> None:
    """Make a ``start``/``end`` pair a range the routes' descriptions allow: end after start, short.

    JSON Schema cannot say that one field is after another, so the descriptions say it and a range that
    breaks it is a 422 (or a 400 past the longest clip); generated cases keep to the rule. One end alone
    (the uptime window's other end defaults) gets its partner too.
    """
    if not isinstance(container, dict):
        return
    start, end = _parse(container.get("start")), _parse(container.get("end"))
    if (start is None and end is None) or (start and start.tzinfo is None) or (end and end.tzinfo is None):
        return
    try:
        if start is not None and (end is None or not timedelta(0) < end - start <= timedelta(seconds=60)):
            container["end"] = (start + timedelta(seconds=10)).isoformat()
        elif start is None and end is not None:
            container["start"] = (end - timedelta(seconds=10)).isoformat()
    except OverflowError:
        moved = end or start
        assert moved is not None
        container["start"] = (moved - timedelta(seconds=10)).isoformat()
        container["end"] = moved.isoformat()


def _known(body: dict[str, Any], name: str, value: str) -> None:
    """A valid reference in place of a random one (still valid: a string within the length limit), so a
    case goes past the lookup and its other fields are what the server judges."""
    if isinstance(body.get(name), str) and len(body[name]) <= 64:
        body[name] = value


@dataclass
class DocumentedRules:
    """What the routes' descriptions require and no JSON Schema can state; positive cases keep to it."""

    video: bytes

    def __call__(self, _: schemathesis.HookContext, case: schemathesis.Case[Any]) -> schemathesis.Case[Any]:
        _short_range(case.query)
        _short_range(case.body)
        body: Any = case.body
        if case.path == "/api/cameras" and isinstance(body, dict):
            _known(body, "district_id", "almaly")
            _known(body, "owner_tenant_id", "magnum-1")
        positive = case.meta is not None and case.meta.generation.mode.is_positive
        form: Any = case.body
        if positive and case.path == "/api/uploads" and isinstance(form, dict) and "file" in form:
            form["file"] = self.video  # "readable H.264 or H.265 video", not random bytes
        return case


@dataclass
class ContractRun:
    statistic: Statistic = field(default_factory=Statistic)
    errors: list[str] = field(default_factory=list)
    phases: dict[str, str] = field(default_factory=dict)
    links: tuple[int, int] = (0, 0)  # the stateful phase's transitions: declared links, inferred ones

    def failures(self) -> list[str]:
        return [
            f"{label}: {failure.title}\n{failure.message}\n{group.code_sample}"
            for label, grouped in self.statistic.failures.items()
            for group in grouped.values()
            for failure in group.failures
        ]


def run_contract(schema: Any) -> ContractRun:
    run = ContractRun()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            run.statistic.on_scenario_finished(event.recorder)
        elif isinstance(event, events.PhaseStarted) and event.payload is not None:
            inferred = event.payload.inferred_transitions
            run.links = (event.payload.transitions_total - inferred, inferred)
        elif isinstance(event, events.PhaseFinished):
            run.phases[event.phase.name.value] = event.status.value
        elif isinstance(event, events.NonFatalError):
            run.errors.append(f"{event.label}: {event.info.title}: {event.value}")
        elif isinstance(event, events.FatalError):
            run.errors.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            for failure in event.failures:
                run.errors.append(f"after the run: {failure.title}: {failure.message}")
    return run


@pytest.fixture
def contract_client(sqlite_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The small site, one user per role and a body cam, over an archive in a temporary folder."""
    settings = load_settings(
        database_url=sqlite_url, bus_url="memory://", archive_path=tmp_path / "archive", _env_file=None
    )
    kuzet = bootstrap(settings, archive=ArchiveConfig(min_free_bytes=0))
    try:
        migrate.upgrade(kuzet.engine)
        seed_site(kuzet)
        body_cam = Camera("bc-1", "Body cam 1", CameraKind.BODY_CAM, CameraPurpose.PATROL_EVIDENCE, "almaly")
        kuzet.messagebus.handle(RegisterCamera(camera=body_cam), Actor("cli:test"))
        with TestClient(create_app(kuzet, relay_interval_s=0.05)) as test_client:
            yield test_client
    finally:
        kuzet.dispose()


def contract_schema(client: TestClient, token: str, video: bytes) -> Any:
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": token},
            "cache": {"enabled": False},
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
            "phases": {"stateful": {"enabled": True, "max-steps": STATEFUL_STEPS}},
        }
    )
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", WithoutLifespan(client.app), config=config)
    schema.hook("map_case")(DocumentedRules(video))
    return schema


def test_every_operation_keeps_the_openapi_contract(contract_client: TestClient, tmp_path: Path) -> None:
    client = contract_client
    assert isinstance(client.app, FastAPI)
    token = sign_in(client, "admin")["Authorization"]
    video = encode_h264(tmp_path / "upload.mp4", seconds=2).read_bytes()
    run = run_contract(contract_schema(client, token, video))
    stat = run.statistic
    assert run.errors == [], "\n".join(run.errors)
    assert run.failures() == [], f"{len(run.failures())} contract failures:\n\n" + "\n\n".join(run.failures())
    assert run.phases["stateful"] == "success", run.phases
    assert run.links[0] >= 30, run.links  # the document's own links drive the stateful phase
    operations = {f"{m.upper()} {p}" for p, ops in client.app.openapi()["paths"].items() for m in ops}
    assert stat.tested_operations >= operations, sorted(operations - stat.tested_operations)
    assert stat.total_cases >= MIN_CASES, json.dumps(run.phases)


def _keys(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from _keys(value)


def test_every_error_status_is_declared_with_the_one_error_body(kuzet: Kuzet) -> None:
    document = create_app(kuzet).openapi()
    error_body = {"$ref": "#/components/schemas/ErrorPublic"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            errors = {code: r for code, r in responses.items() if int(code) >= 400 and path != "/api/health"}
            for code, response in errors.items():
                assert response["content"]["application/json"]["schema"] == error_body, (method, path, code)
            if path not in PUBLIC_ROUTES:
                assert {"401", "403", "503"} <= set(responses), (method, path)
    # Pydantic writes a constraint it cannot translate as is ("ge": 0): the document would not state it.
    leftovers = {"ge", "le", "gt", "lt", "strict", "x-kuzet-bounds", "x-kuzet-enum", CLOSED_FORM}
    assert not leftovers & set(_keys(document))


def test_a_405_lists_every_method_the_path_serves(client: TestClient) -> None:
    assert isinstance(client.app, FastAPI)
    admin = sign_in(client, "admin")
    for path, operations in client.app.openapi()["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "street-1", path)
        response = client.request("OPTIONS", concrete, headers=admin)
        assert response.status_code == 405, (path, response.status_code)
        assert response.headers["Allow"] == ", ".join(sorted(m.upper() for m in operations)), path
        assert set(response.json()) == {"detail", "errors"}
