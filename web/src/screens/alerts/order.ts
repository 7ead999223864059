/**
 * The queue's order: the most urgent priority first (P1 before P2, as on a CAD board), within a
 * priority what nobody has picked up yet before what an operator is already on, and then the one
 * waiting longest first.
 */
import type { Alert } from "../../api/queries/alertCache";

function pickedUp(alert: Alert): number {
  return alert.status === "acknowledged" ? 1 : 0;
}

export function compareAlerts(a: Alert, b: Alert): number {
  return (
    a.priority - b.priority ||
    pickedUp(a) - pickedUp(b) ||
    Date.parse(a.first_at) - Date.parse(b.first_at) ||
    a.id.localeCompare(b.id)
  );
}

export function queueOrder(alerts: readonly Alert[]): Alert[] {
  return [...alerts].sort(compareAlerts);
}

/** Seconds since the alert was raised, never negative (the room's clock may lag the server's). */
export function waitedSeconds(alert: Alert, now: number): number {
  return Math.max(0, Math.floor((now - Date.parse(alert.first_at)) / 1000));
}

/** "42 s", "3:07", "1:02:09": short enough for a queue row. */
export function formatWaited(seconds: number): { value: string; unit: "s" | "clock" } {
  if (seconds < 60) return { value: String(seconds), unit: "s" };
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  return { value: h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`, unit: "clock" };
}

/** The alert after the one that left the queue: the same position, or the last one. */
export function nextSelection(ordered: readonly Alert[], previousIndex: number): string | null {
  if (ordered.length === 0) return null;
  const index = Math.min(Math.max(previousIndex, 0), ordered.length - 1);
  return ordered[index]?.id ?? null;
}
