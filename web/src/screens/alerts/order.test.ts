import { describe, expect, it } from "vitest";

import type { Alert } from "../../api/queries/alertCache";
import { formatWaited, nextSelection, queueOrder, waitedSeconds } from "./order";

function alert(id: string, priority: number, firstAt: string, status: Alert["status"] = "open"): Alert {
  return {
    id,
    code: "fight",
    priority: priority as Alert["priority"],
    status,
    first_at: firstAt,
    last_at: firstAt,
    count: 1,
    camera_id: null,
    track_id: null,
    lat: null,
    lon: null,
    detail: "",
    acknowledged_by: null,
    escalated_at: null,
    incident_id: null,
    version: 1,
    procedure: [],
    snapshot_url: null,
  };
}

describe("queueOrder", () => {
  it("puts the most urgent priority first, then the one waiting longest", () => {
    const ordered = queueOrder([
      alert("p3-old", 3, "2026-01-03T09:00:00Z"),
      alert("p1-new", 1, "2026-01-03T10:05:00Z"),
      alert("p2", 2, "2026-01-03T10:00:00Z"),
      alert("p1-old", 1, "2026-01-03T10:00:00Z"),
    ]);
    expect(ordered.map((a) => a.id)).toEqual(["p1-old", "p1-new", "p2", "p3-old"]);
  });

  it("puts what nobody picked up above what an operator is on, within a priority", () => {
    const ordered = queueOrder([
      alert("acked-old", 2, "2026-01-03T09:00:00Z", "acknowledged"),
      alert("open-new", 2, "2026-01-03T10:00:00Z"),
      alert("escalated", 2, "2026-01-03T09:30:00Z", "escalated"),
      alert("acked-p1", 1, "2026-01-03T10:00:00Z", "acknowledged"),
    ]);
    expect(ordered.map((a) => a.id)).toEqual(["acked-p1", "escalated", "open-new", "acked-old"]);
  });

  it("compares instants, not text (time zones)", () => {
    const ordered = queueOrder([
      alert("utc-later", 2, "2026-01-03T05:30:00Z"),
      alert("almaty-earlier", 2, "2026-01-03T10:00:00+05:00"),
    ]);
    expect(ordered.map((a) => a.id)).toEqual(["almaty-earlier", "utc-later"]);
  });

  it("is stable for equal alerts and leaves its input alone", () => {
    const input = [alert("b", 2, "2026-01-03T10:00:00Z"), alert("a", 2, "2026-01-03T10:00:00Z")];
    expect(queueOrder(input).map((a) => a.id)).toEqual(["a", "b"]);
    expect(input.map((a) => a.id)).toEqual(["b", "a"]);
  });
});

describe("waited time", () => {
  const raisedAt = alert("a", 1, "2026-01-03T10:00:00Z");
  it("counts whole seconds and never goes negative", () => {
    expect(waitedSeconds(raisedAt, Date.parse("2026-01-03T10:00:42.900Z"))).toBe(42);
    expect(waitedSeconds(raisedAt, Date.parse("2026-01-03T09:59:58Z"))).toBe(0);
  });
  it.each([
    [0, "0", "s"],
    [59, "59", "s"],
    [60, "1:00", "clock"],
    [187, "3:07", "clock"],
    [3729, "1:02:09", "clock"],
  ])("%i s reads %s", (seconds, value, unit) => {
    expect(formatWaited(seconds)).toEqual({ value, unit });
  });
});

describe("nextSelection", () => {
  const list = [alert("a", 1, "2026-01-03T10:00:00Z"), alert("b", 1, "2026-01-03T10:01:00Z")];
  it("takes the alert now in the same place, or the last one", () => {
    expect(nextSelection(list, 0)).toBe("a");
    expect(nextSelection(list, 1)).toBe("b");
    expect(nextSelection(list, 5)).toBe("b");
    expect(nextSelection([], 0)).toBeNull();
  });
});
