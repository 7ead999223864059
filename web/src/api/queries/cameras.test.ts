import { describe, expect, it } from "vitest";

import type { FeedEvent } from "../feed/events";
import { applyUnitEvents, type Unit } from "./cameras";

const unit: Unit = {
  id: "u1",
  call_sign: "ALM-P01",
  kind: "patrol_car",
  district_id: "almaly",
  status: "available",
  lat: 43.2,
  lon: 76.9,
};
const meta = { event_id: "e", occurred_at: "2026-01-03T10:00:00Z" };

describe("applyUnitEvents", () => {
  it("moves a unit and changes its status", () => {
    const events: FeedEvent[] = [
      { type: "UnitMoved", data: { ...meta, unit_id: "u1", lat: 43.3, lon: 77, at: meta.occurred_at } },
      { type: "UnitStatusChanged", data: { ...meta, unit_id: "u1", status: "dispatched", previous: "available" } },
    ];
    expect(applyUnitEvents([unit], events)).toEqual([{ ...unit, lat: 43.3, lon: 77, status: "dispatched" }]);
  });
  it("keeps the same list when no event is about its units", () => {
    const list = [unit];
    const events: FeedEvent[] = [
      { type: "UnitMoved", data: { ...meta, unit_id: "u9", lat: 1, lon: 2, at: meta.occurred_at } },
    ];
    expect(applyUnitEvents(list, events)).toBe(list);
  });
});
