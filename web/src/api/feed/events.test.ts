import { describe, expect, it } from "vitest";

import { parseFeedMessage } from "./events";

const base = { event_id: "e1", occurred_at: "2026-01-03T10:00:00Z" };

describe("parseFeedMessage", () => {
  it("reads a known event", () => {
    const text = JSON.stringify({ type: "AlertFolded", data: { ...base, alert_id: "al-1", code: "fight", count: 3 } });
    expect(parseFeedMessage(text)).toEqual({
      type: "AlertFolded",
      data: { ...base, alert_id: "al-1", code: "fight", count: 3 },
    });
  });

  it("accepts null where the event allows it", () => {
    const data = { ...base, alert_id: "a", code: "fight", priority: 2, camera_id: null, lat: null, lon: null };
    expect(parseFeedMessage(JSON.stringify({ type: "AlertRaised", data }))?.type).toBe("AlertRaised");
  });

  it.each([
    ["not JSON", "{"],
    ["not an object", "[1]"],
    ["an unknown type", JSON.stringify({ type: "CameraRegistered", data: base })],
    ["a missing field", JSON.stringify({ type: "AlertFolded", data: { ...base, alert_id: "a", code: "x" } })],
    [
      "a field of the wrong kind",
      JSON.stringify({ type: "AlertFolded", data: { ...base, alert_id: "a", code: "x", count: "3" } }),
    ],
    ["no event id", JSON.stringify({ type: "UnitMoved", data: { unit_id: "u", lat: 1, lon: 2 } })],
  ])("drops %s", (_, text) => {
    expect(parseFeedMessage(text)).toBeNull();
  });
});
