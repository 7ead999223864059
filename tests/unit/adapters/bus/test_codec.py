"""The wire codec must give back exactly the event that went in, and say clearly what is wrong if not."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from enum import Enum, IntEnum
from uuid import UUID, uuid4

import pytest

from kuzet.adapters.bus.codec import decode, encode
from kuzet.domain.cameras.messages import CameraRegistered
from kuzet.domain.messages import Event

ALMATY = timezone(timedelta(hours=5))


class _CodecTestSeverity(Enum):
    LOW = "low"
    HIGH = "high"


class _CodecTestPriority(IntEnum):
    ROUTINE = 1
    URGENT = 2


@dataclass(frozen=True, kw_only=True)
class _CodecTestPoint:
    lat: float
    lon: float


@dataclass(frozen=True, kw_only=True)
class _CodecTestSighting:
    camera_id: str
    seen_at: datetime
    where: _CodecTestPoint | None = None


@dataclass(frozen=True, kw_only=True)
class _CodecTestIncidentRaised(Event):
    incident_id: UUID
    severity: _CodecTestSeverity
    priority: _CodecTestPriority
    tags: tuple[str, ...]
    location: _CodecTestPoint | None
    sightings: tuple[_CodecTestSighting, ...] = ()
    note: str | None = None


def _incident(**overrides: object) -> _CodecTestIncidentRaised:
    fields: dict[str, object] = {
        "incident_id": uuid4(),
        "occurred_at": datetime(2024, 3, 1, 14, 30, 15, 123456, tzinfo=ALMATY),
        "severity": _CodecTestSeverity.HIGH,
        "priority": _CodecTestPriority.URGENT,
        "tags": ("armed", "vehicle"),
        "location": _CodecTestPoint(lat=43.238, lon=76.945),
        "sightings": (
            _CodecTestSighting(camera_id="cam-1", seen_at=datetime(2024, 3, 1, 9, 0, tzinfo=UTC)),
            _CodecTestSighting(
                camera_id="cam-2",
                seen_at=datetime(2024, 3, 1, 9, 1, tzinfo=UTC),
                where=_CodecTestPoint(lat=43.2, lon=76.9),
            ),
        ),
    }
    fields.update(overrides)
    return _CodecTestIncidentRaised(**fields)  # type: ignore[arg-type]


def test_round_trip_gives_back_an_equal_event_of_the_same_class() -> None:
    event = _incident()

    decoded = decode(encode(event))

    assert type(decoded) is _CodecTestIncidentRaised
    assert decoded == event


def test_round_trip_keeps_field_types_not_just_equal_values() -> None:
    event = _incident()

    decoded = decode(encode(event))

    assert isinstance(decoded, _CodecTestIncidentRaised)
    assert isinstance(decoded.event_id, UUID)
    assert isinstance(decoded.incident_id, UUID)
    assert decoded.occurred_at.utcoffset() == timedelta(hours=5)
    assert decoded.severity is _CodecTestSeverity.HIGH
    assert decoded.priority is _CodecTestPriority.URGENT
    assert isinstance(decoded.tags, tuple)
    assert isinstance(decoded.sightings, tuple)
    assert isinstance(decoded.sightings[1].where, _CodecTestPoint)
    assert decoded.sightings[0].where is None


def test_optional_nested_dataclass_round_trips_as_none() -> None:
    event = _incident(location=None, sightings=(), note=None)

    assert decode(encode(event)) == event


def test_foundation_event_round_trips() -> None:
    event = CameraRegistered(camera_id="c1", kind="ptz", district_id="d1", owner_tenant_id=None)

    assert decode(encode(event)) == event


def test_encoding_is_a_json_envelope_with_type_and_data() -> None:
    event = _incident()

    envelope = json.loads(encode(event))

    assert set(envelope) == {"type", "data"}
    assert envelope["type"] == "_CodecTestIncidentRaised"
    assert envelope["data"]["event_id"] == str(event.event_id)
    assert envelope["data"]["severity"] == "high"
    assert envelope["data"]["tags"] == ["armed", "vehicle"]
    assert "registry" not in envelope["data"]


def _payload(type_name: str, data: dict[str, object]) -> bytes:
    return json.dumps({"type": type_name, "data": data}).encode()


def test_unknown_type_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="unknown event type 'NoSuchThingHappened'"):
        decode(_payload("NoSuchThingHappened", {}))


def test_bad_field_is_named_in_the_error() -> None:
    data = json.loads(encode(_incident()))["data"]
    data["severity"] = "apocalyptic"
    del data["tags"]

    with pytest.raises(ValueError, match="_CodecTestIncidentRaised") as caught:
        decode(_payload("_CodecTestIncidentRaised", data))

    assert "'severity'" in str(caught.value)
    assert "'tags'" in str(caught.value)


def test_bad_nested_field_is_named_with_its_path() -> None:
    data = json.loads(encode(_incident()))["data"]
    data["location"]["lat"] = "north"

    with pytest.raises(ValueError, match=r"'location\.lat'"):
        decode(_payload("_CodecTestIncidentRaised", data))


def test_missing_event_id_is_rejected_rather_than_invented() -> None:
    data = json.loads(encode(_incident()))["data"]
    del data["event_id"]

    with pytest.raises(ValueError, match=r"missing field.*event_id"):
        decode(_payload("_CodecTestIncidentRaised", data))


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"not json at all", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"type": "CameraRemoved"}', "'data'"),
        (b'{"type": 7, "data": {}}', "string 'type'"),
    ],
)
def test_malformed_envelope_raises_value_error(payload: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        decode(payload)


def test_an_alert_event_from_an_older_kuzet_still_decodes_with_defaults() -> None:
    from kuzet.domain.operations.messages import AlertEscalated, AlertRaised, IncidentOpened

    base = {"event_id": str(uuid4()), "occurred_at": "2026-05-03T10:00:00+00:00"}
    raised = {
        "alert_id": "al-1",
        "code": "fight",
        "priority": 2,
        "camera_id": "street-1",
        "tenant_id": None,
        "lat": 43.25,
        "lon": 76.93,
        "related_alert_ids": [],
    }
    old = decode(json.dumps({"type": "AlertRaised", "data": base | raised}).encode())
    assert isinstance(old, AlertRaised)
    assert (old.version, old.status, old.first_at, old.procedure) == (0, None, None, ())
    escalated = {"alert_id": "al-1", "code": "fight", "priority": 2, "waited_s": 61.0, "tenant_id": None}
    up = decode(json.dumps({"type": "AlertEscalated", "data": base | escalated}).encode())
    assert isinstance(up, AlertEscalated)
    assert (up.version, up.status, up.by, up.reason) == (0, None, None, "")
    opened = {
        "incident_id": "in-1",
        "code": "fight",
        "priority": 2,
        "lat": None,
        "lon": None,
        "tenant_id": None,
        "nearest_camera_ids": [],
    }
    incident = decode(json.dumps({"type": "IncidentOpened", "data": base | opened}).encode())
    assert isinstance(incident, IncidentOpened)
    assert incident.alert_ids == ()


def test_alert_status_goes_on_the_wire_as_its_value() -> None:
    from kuzet.domain.operations.alerts import AlertStatus
    from kuzet.domain.operations.messages import AlertSopStepRecorded

    event = AlertSopStepRecorded(
        alert_id="al-1",
        code="fight",
        step=1,
        sop_done=(0, 1),
        by="operator",
        tenant_id=None,
        version=4,
        status=AlertStatus.ACKNOWLEDGED,
    )
    data = json.loads(encode(event))["data"]
    assert (data["status"], data["version"], data["sop_done"]) == ("acknowledged", 4, [0, 1])
    assert decode(encode(event)) == event
