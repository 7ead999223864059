import { describe, expect, it } from "vitest";

import type { Incident } from "../../api/queries/incidentCache";
import { allowedMoves, boardOrder, canDispatch, etaParts, needsClosureCode } from "./workflow";

function incident(id: string, extra: Partial<Incident> = {}): Incident {
  return {
    id,
    code: "fight",
    priority: 3,
    state: "new",
    lat: null,
    lon: null,
    summary: "",
    created_at: "2026-01-03T10:00:00Z",
    created_by: "operator",
    parent_id: null,
    unit_ids: [],
    closure_code: null,
    version: 1,
    notes: [],
    ...extra,
  };
}

describe("allowedMoves", () => {
  it("follows the server's state machine, dispatch going through the dispatch button", () => {
    expect(allowedMoves(incident("a"))).toEqual(["resolved"]);
    expect(allowedMoves(incident("a", { state: "dispatched", unit_ids: ["u"] }))).toEqual([
      "en_route",
      "on_scene",
      "resolved",
    ]);
    expect(allowedMoves(incident("a", { state: "en_route" }))).toEqual(["on_scene", "resolved"]);
    expect(allowedMoves(incident("a", { state: "on_scene" }))).toEqual(["resolved"]);
    expect(allowedMoves(incident("a", { state: "closed" }))).toEqual([]);
  });

  it("reopens a resolved incident as dispatched only when it has units", () => {
    expect(allowedMoves(incident("a", { state: "resolved" }))).toEqual(["closed"]);
    expect(allowedMoves(incident("a", { state: "resolved", unit_ids: ["u"] }))).toEqual(["closed", "dispatched"]);
  });

  it("offers nothing for a state it does not know", () => {
    expect(allowedMoves(incident("a", { state: "archived" as Incident["state"] }))).toEqual([]);
  });
});

describe("closing and dispatching", () => {
  it("asks for a closure code only when closing without one", () => {
    expect(needsClosureCode(incident("a"), "closed")).toBe(true);
    expect(needsClosureCode(incident("a", { closure_code: "detained" }), "closed")).toBe(false);
    expect(needsClosureCode(incident("a"), "resolved")).toBe(false);
  });

  it("sends units only to open incidents", () => {
    expect(canDispatch(incident("a"))).toBe(true);
    expect(canDispatch(incident("a", { state: "on_scene" }))).toBe(true);
    expect(canDispatch(incident("a", { state: "resolved" }))).toBe(false);
    expect(canDispatch(incident("a", { state: "closed" }))).toBe(false);
  });
});

describe("boardOrder", () => {
  it("puts open incidents first, then by priority, then the oldest", () => {
    const ordered = boardOrder([
      incident("closed-p1", { priority: 1, state: "closed" }),
      incident("resolved-p1", { priority: 1, state: "resolved" }),
      incident("p3-old", { created_at: "2026-01-03T09:00:00Z" }),
      incident("p3-new", { created_at: "2026-01-03T11:00:00Z" }),
      incident("p2", { priority: 2, state: "on_scene" }),
    ]);
    expect(ordered.map((i) => i.id)).toEqual(["p2", "p3-old", "p3-new", "resolved-p1", "closed-p1"]);
  });
});

describe("etaParts", () => {
  it("rounds up to the second and has no ETA without a route", () => {
    expect(etaParts(125.2)).toEqual({ min: 2, sec: 6 });
    expect(etaParts(0)).toEqual({ min: 0, sec: 0 });
    expect(etaParts(-1)).toBeNull();
    expect(etaParts(Number.POSITIVE_INFINITY)).toBeNull();
  });
});
