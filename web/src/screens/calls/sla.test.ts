import { describe, expect, it } from "vitest";

import { bySla, isOverdue, movesFrom } from "./sla";

const NOW = Date.parse("2026-03-01T12:00:00Z");

describe("isOverdue", () => {
  it("is past due and not finished", () => {
    expect(isOverdue({ status: "open", due_at: "2026-03-01T11:59:59Z" }, NOW)).toBe(true);
    expect(isOverdue({ status: "in_progress", due_at: "2026-03-01T12:00:01Z" }, NOW)).toBe(false);
    expect(isOverdue({ status: "done", due_at: "2026-02-01T00:00:00Z" }, NOW)).toBe(false);
    expect(isOverdue({ status: "rejected", due_at: "2026-02-01T00:00:00Z" }, NOW)).toBe(false);
  });
});

describe("bySla", () => {
  it("puts overdue first, then the soonest due", () => {
    const tickets = [
      { id: "later", status: "open", due_at: "2026-03-02T00:00:00Z" },
      { id: "soon", status: "assigned", due_at: "2026-03-01T13:00:00Z" },
      { id: "late", status: "open", due_at: "2026-03-01T10:00:00Z" },
      { id: "later-late", status: "open", due_at: "2026-03-01T11:00:00Z" },
    ];
    expect(bySla(tickets, NOW).map((t) => t.id)).toEqual(["late", "later-late", "soon", "later"]);
  });
});

describe("movesFrom", () => {
  it("follows the API's flow", () => {
    expect(movesFrom("open")).toEqual(["assigned", "rejected"]);
    expect(movesFrom("in_progress")).toEqual(["done"]);
    expect(movesFrom("done")).toEqual([]);
    expect(movesFrom("unknown")).toEqual([]);
  });
});
