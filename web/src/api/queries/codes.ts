/**
 * The feed's events carry plain strings and numbers where the API's document has enums (Priority,
 * IncidentState, UnitStatus); these narrow them before they go into a cached answer.
 */
import type { Schemas } from "../client";

export type Priority = Schemas["AlertPublic"]["priority"];
export type UnitStatus = Schemas["UnitPublic"]["status"];

/** P1 … P5; anything else is taken as the nearest of them. */
export function toPriority(value: number): Priority {
  const p = Math.min(5, Math.max(1, Math.round(Number.isFinite(value) ? value : 5)));
  return p as Priority;
}

export const UNIT_STATUSES = ["available", "dispatched", "busy", "off_duty"] as const;

export function isUnitStatus(value: string): value is (typeof UNIT_STATUSES)[number] {
  return (UNIT_STATUSES as readonly string[]).includes(value);
}
