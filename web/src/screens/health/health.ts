/** The health screen's logic: durations, uptime shares and the order of rows. */

export interface DurationUnits {
  d: string;
  h: string;
  m: string;
  s: string;
}

const PLAIN_UNITS: DurationUnits = { d: "d", h: "h", m: "m", s: "s" };

/** "3 d 4 h", "2 h 05 m", "4 m 09 s", "12 s": the two largest units of a non-negative span (units from the catalogue). */
export function formatDuration(ms: number, units: DurationUnits = PLAIN_UNITS): string {
  const { d, h, m, s } = units;
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (days > 0) return `${days} ${d} ${hours} ${h}`;
  if (hours > 0) return `${hours} ${h} ${pad(minutes)} ${m}`;
  if (minutes > 0) return `${minutes} ${m} ${pad(seconds)} ${s}`;
  return `${seconds} ${s}`;
}

/**
 * An uptime share as a percentage with one decimal, never rounded up to 100 % while any time was lost
 * (99.96 % reads "99.9 %", not "100.0 %"); null (nothing owed in the window) is "—".
 */
export function formatUptime(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return "—";
  const clamped = Math.min(1, Math.max(0, fraction));
  const tenths = Math.floor(clamped * 1000 + 1e-9) / 10;
  return `${tenths.toFixed(1)} %`;
}

/** The bar's colour: green from 99 %, yellow from 95 %, red below, grey when nothing was owed. */
export function uptimeColor(fraction: number | null): string {
  if (fraction === null) return "gray";
  if (fraction >= 0.99) return "green";
  if (fraction >= 0.95) return "yellow";
  return "red";
}

/** Worst first; districts owed nothing last; ties by id. */
export function byUptime<T extends { id: string; uptime: number | null }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => {
    if (a.uptime === null || b.uptime === null) {
      if (a.uptime !== b.uptime) return a.uptime === null ? 1 : -1;
    } else if (a.uptime !== b.uptime) {
      return a.uptime - b.uptime;
    }
    return a.id.localeCompare(b.id);
  });
}

/** Open tickets first, oldest open first (waiting longest); then closed ones, latest closed first. */
export function byTicketUrgency<
  T extends { id: string; status: string; opened_at: string; closed_at: string | null },
>(tickets: readonly T[]): T[] {
  const time = (value: string | null) => (value === null ? 0 : Date.parse(value) || 0);
  return [...tickets].sort((a, b) => {
    const aOpen = a.status === "open";
    const bOpen = b.status === "open";
    if (aOpen !== bOpen) return aOpen ? -1 : 1;
    if (aOpen) return time(a.opened_at) - time(b.opened_at) || a.id.localeCompare(b.id);
    return time(b.closed_at) - time(a.closed_at) || a.id.localeCompare(b.id);
  });
}
