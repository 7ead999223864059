import { describe, expect, it } from "vitest";

import { byTicketUrgency, byUptime, formatDuration, formatUptime, uptimeColor } from "./health";

describe("formatDuration", () => {
  it("shows the two largest units", () => {
    expect(formatDuration(12_400)).toBe("12 s");
    expect(formatDuration((4 * 60 + 9) * 1000)).toBe("4 m 09 s");
    expect(formatDuration((2 * 3600 + 5 * 60 + 59) * 1000)).toBe("2 h 05 m");
    expect(formatDuration((3 * 86_400 + 4 * 3600 + 59 * 60) * 1000)).toBe("3 d 4 h");
  });
  it("never goes negative (a clock a little ahead of ours)", () => {
    expect(formatDuration(-5000)).toBe("0 s");
  });
  it("uses the catalogue's units", () => {
    expect(formatDuration(61_000, { d: "д", h: "ч", m: "мин", s: "с" })).toBe("1 мин 01 с");
  });
});

describe("formatUptime", () => {
  it("never rounds a loss up to 100 %", () => {
    expect(formatUptime(0.9996)).toBe("99.9 %");
    expect(formatUptime(1)).toBe("100.0 %");
    expect(formatUptime(0.5)).toBe("50.0 %");
    expect(formatUptime(0.123)).toBe("12.3 %");
  });
  it("shows a dash when nothing was owed", () => {
    expect(formatUptime(null)).toBe("—");
  });
  it("clamps out-of-range values", () => {
    expect(formatUptime(1.2)).toBe("100.0 %");
    expect(formatUptime(-0.1)).toBe("0.0 %");
  });
});

describe("uptimeColor", () => {
  it("grades by thresholds", () => {
    expect(uptimeColor(0.995)).toBe("green");
    expect(uptimeColor(0.99)).toBe("green");
    expect(uptimeColor(0.97)).toBe("yellow");
    expect(uptimeColor(0.5)).toBe("red");
    expect(uptimeColor(null)).toBe("gray");
  });
});

describe("byUptime", () => {
  it("puts the worst first and nothing-owed last", () => {
    const rows = [
      { id: "b", uptime: 0.99 },
      { id: "n", uptime: null },
      { id: "a", uptime: 0.5 },
      { id: "c", uptime: 0.99 },
    ];
    expect(byUptime(rows).map((r) => r.id)).toEqual(["a", "b", "c", "n"]);
    expect(rows[0]?.id).toBe("b");
  });
});

describe("byTicketUrgency", () => {
  it("lists open tickets first, oldest first, then closed ones latest first", () => {
    const tickets = [
      { id: "c1", status: "closed", opened_at: "2026-01-01T00:00:00Z", closed_at: "2026-01-02T00:00:00Z" },
      { id: "o2", status: "open", opened_at: "2026-01-03T00:00:00Z", closed_at: null },
      { id: "c2", status: "closed", opened_at: "2026-01-01T00:00:00Z", closed_at: "2026-01-05T00:00:00Z" },
      { id: "o1", status: "open", opened_at: "2026-01-02T00:00:00Z", closed_at: null },
    ];
    expect(byTicketUrgency(tickets).map((t) => t.id)).toEqual(["o1", "o2", "c2", "c1"]);
  });
});
