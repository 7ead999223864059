from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kuzet.domain.fleet.lifecycle import (
    ALLOWED,
    DeviceState,
    DeviceStatus,
    Disposition,
    IllegalTransitionError,
)

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def status(state: DeviceState = DeviceState.IN_SERVICE) -> DeviceStatus:
    return DeviceStatus("street-0001", state, T0)


@pytest.mark.parametrize("source", list(DeviceState))
@pytest.mark.parametrize("target", list(DeviceState))
def test_only_listed_transitions_are_allowed(source: DeviceState, target: DeviceState) -> None:
    def move() -> DeviceStatus:
        at = T0 + timedelta(hours=1)
        return status(source).move_to(target, at, "x", T0 + timedelta(days=3), Disposition.RECYCLED)

    if target in ALLOWED[source]:
        assert move().state is target
    else:
        with pytest.raises(IllegalTransitionError, match=f"from {source.value} to {target.value}"):
            move()


def test_planned_outage_needs_reason_and_future_end() -> None:
    with pytest.raises(IllegalTransitionError, match="reason and an expected end"):
        status().move_to(DeviceState.PLANNED_OUTAGE, T0, reason="road works")
    outage = status().move_to(DeviceState.PLANNED_OUTAGE, T0, "road works on Abay", T0 + timedelta(days=14))
    assert outage.expected_end == T0 + timedelta(days=14)
    assert not outage.expects_frames


def test_write_off_needs_a_disposition_and_is_final() -> None:
    with pytest.raises(IllegalTransitionError, match="disposition"):
        status().move_to(DeviceState.DECOMMISSIONED, T0, reason="worn out")
    gone = status().move_to(
        DeviceState.DECOMMISSIONED, T0, "worn out (2014 batch)", disposition=Disposition.SPARE_PARTS
    )
    assert gone.disposition is Disposition.SPARE_PARTS
    with pytest.raises(IllegalTransitionError, match=r"none \(final state\)"):
        gone.move_to(DeviceState.IN_SERVICE, T0)


def test_a_fault_becomes_overdue_after_the_threshold() -> None:
    fault = status().move_to(DeviceState.FAULT, T0, "camera_offline")
    assert not fault.fault_overdue(T0 + timedelta(minutes=29), timedelta(minutes=30))
    assert fault.fault_overdue(T0 + timedelta(minutes=30), timedelta(minutes=30))
